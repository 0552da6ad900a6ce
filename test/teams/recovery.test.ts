// Teams after a kill: no platform call can tell whether a message already went, so rows whose send was
// under way at the kill are sent again and counted (logged at start-up, shown by `outbox`); rows that were
// only waiting, and card updates, are not counted. The kill is simulated by a first life that queued the
// rows and left them as a killed process does, then a real start of the adapter on the same file.
import { afterEach, describe, expect, it } from "vitest";
import { TeamsNotifier } from "../../adapters/teams/notifier.js";
import { markCalled, markSending } from "../../src/store/outbox.js";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { makeDesk, ok, tempDbPath, exampleSettings } from "../helpers/desk.js";
import { ticketWithCard } from "./flows.js";
import { CHANNEL, PERSONAL, cardText, harness, teamsSettings, type Harness } from "./harness.js";

const open: Harness[] = [];
let connector: FakeBotConnector;
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  await connector.close();
});

describe("Teams outbox after a kill", () => {
  it("re-sends what was in flight, counts it (start-up log and `outbox`), and sends the rest once", async () => {
    connector = new FakeBotConnector();
    await connector.start();
    const path = tempDbPath();
    const first = await harness({ path, connector });
    await ticketWithCard(first); // #1 with its card in the channel; the requester's chat is known
    await first.close();

    // The life that was killed: a comment and a resolution queued; the kill came with two sends under way
    // (their calls made), one message still waiting in a limiter, and the card's update in flight.
    const t = await makeDesk({ path, settings: teamsSettings(exampleSettings()), notifiers: [new TeamsNotifier(() => CHANNEL)] });
    ok(await t.as("ana", "comment 1 the fuser is on order"));
    ok(await t.as("ana", "resolve 1 replaced the fuser"));
    const rows = await t.db.selectFrom("outbox").selectAll().where("platform", "=", "teams").where("status", "=", "pending").orderBy("id").execute();
    const dms = rows.filter((r) => r.kind === "dm");
    const thread = rows.filter((r) => r.kind === "thread");
    const card = rows.find((r) => r.kind === "card")!;
    expect(dms.length).toBeGreaterThanOrEqual(2);
    expect(thread.length).toBeGreaterThanOrEqual(1);
    const inFlight = [dms[0]!, thread[0]!];
    for (const r of inFlight) {
      await markSending(t.db, r.id, t.clock.now());
      await markCalled(t.db, r.id, t.clock.now());
    }
    await markSending(t.db, card.id, t.clock.now()); // an update does not mark a call: sent twice, it shows once
    await t.db.destroy();
    // The first of them reached Teams before the kill.
    const before = connector.sent().length;

    const second = await harness({ path, connector });
    open.push(second);
    expect(second.logs).toContain("teams: 2 messages were in flight at the last stop and may show twice");
    await second.flush();
    const sent = connector.sent().slice(before);
    expect(second.checkSentCards()).toBeGreaterThan(0);

    // Everything queued went out once in this life, the in-flight ones included (they may now show twice).
    const toChat = sent.filter((c) => c.conversationId === PERSONAL);
    expect(toChat).toHaveLength(dms.length);
    expect(cardText(toChat[0]!.body.attachments[0].content)).toContain("the fuser is on order");
    expect(cardText(toChat.at(-1)!.body.attachments[0].content)).toContain("#1 is resolved: replaced the fuser");
    expect(sent.filter((c) => c.conversationId?.startsWith(`${CHANNEL};messageid=`))).toHaveLength(thread.length);
    expect(sent.filter((c) => c.method === "PUT").length).toBeGreaterThanOrEqual(1);

    const after = await second.t.db
      .selectFrom("outbox")
      .select(["id", "status", "recovery"])
      .where("platform", "=", "teams")
      .where("id", ">=", rows[0]!.id)
      .orderBy("id")
      .execute();
    expect(after.every((r) => r.status === "sent")).toBe(true);
    expect(
      after
        .filter((r) => r.recovery === "may_repeat")
        .map((r) => r.id)
        .sort(),
    ).toEqual(inFlight.map((r) => r.id).sort());
    expect(ok(await second.t.as("operator", "outbox")).text).toContain("teams: 2 messages were in flight at a stop: 2 sent again: they may show twice");

    // Each send of this life marked its call before it was made (what a later kill would count).
    const calledNow = await second.t.db
      .selectFrom("outbox")
      .select(["kind", "called_at"])
      .where("platform", "=", "teams")
      .where("id", ">=", rows[0]!.id)
      .execute();
    expect(calledNow.filter((r) => r.kind !== "card").every((r) => r.called_at !== null)).toBe(true);
  });
});
