// Redraws coalesce: while a ticket's card row waits, more changes add no second card row (the sender draws
// the latest state), but a row already in flight is not relied on to show a later change.
import { describe, expect, it } from "vitest";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import { TeamsNotifier } from "../../adapters/teams/notifier.js";
import { markSending } from "../../src/store/outbox.js";
import { makeDesk, ok } from "../helpers/desk.js";

describe("outbox coalescing of redraws", () => {
  it("keeps one waiting card row per ticket and platform, and queues a fresh one once the first is in flight", async () => {
    const t = await makeDesk({ notifiers: [new SlackNotifier({ triageChannel: "CTRIAGE" }), new TeamsNotifier(() => "19:agents@thread.tacv2")] });
    const n = ok(await t.as("carol", "printer jammed on floor 3")).snapshot!.ticket.number;
    ok(await t.as("ana", `claim ${n}`));
    ok(await t.as("ana", `priority ${n} P2`));
    const cards = () =>
      t.db.selectFrom("outbox").select(["id", "platform", "status"]).where("kind", "in", ["card"]).where("ticket_id", "=", n).orderBy("id").execute();
    const waiting = await cards();
    expect(waiting.map((r) => r.platform).sort()).toEqual(["slack", "teams"]);
    // The other rows of those changes (thread notes, the requester's news) are all still queued.
    const notes = await t.db.selectFrom("outbox").select("kind").where("ticket_id", "=", n).where("kind", "!=", "card").execute();
    expect(notes.length).toBeGreaterThanOrEqual(4);

    const slackCard = waiting.find((r) => r.platform === "slack")!;
    await markSending(t.db, slackCard.id);
    ok(await t.as("ana", `note ${n} toner replaced`));
    const after = await cards();
    expect(after.filter((r) => r.platform === "slack").map((r) => r.status)).toEqual(["sending", "pending"]);
    expect(after.filter((r) => r.platform === "teams")).toHaveLength(1);
  });
});
