// The duplicate buttons on a real Slack card: Bolt receives a signed block_actions payload for the
// button the Slack adapter drew from triage's ActionView, and every Web API call is checked against the spec.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ticketActionId } from "../../../adapters/slack/ids.js";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, type Harness } from "../../slack/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.fake.users.set("UREQ2", { name: "sam", email: "sam@example.com" });
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const cardOf = async (ticket: number) => {
  const ref = (await h.db.selectFrom("ticket_links").select("ref").where("ticket_id", "=", ticket).where("role", "=", "card").executeTakeFirstOrThrow()).ref;
  const [channel, ts] = ref.split(":");
  return { channel: channel!, ts: ts! };
};

describe("triage on the Slack card", () => {
  it("the second wifi report's card says Looks like #1 with Link and Not a duplicate; Link links it and the requester hears", async () => {
    await h.command("wifi down on the 3rd floor", REQUESTER);
    await h.settle();
    await h.command("3rd floor wifi is down", "UREQ2");
    await h.settle();
    const where = await cardOf(2);
    expect(where.channel).toBe(TRIAGE);
    const drawn = JSON.stringify(
      [...h.fake.of("chat.postMessage"), ...h.fake.of("chat.update")].filter((c) => c.args.channel === TRIAGE).map((c) => c.blocks ?? c.args.blocks),
    );
    expect(drawn).toMatch(/Looks like #1 \(\d+% alike\)/);
    expect(drawn).toContain(ticketActionId("link_duplicate", 2));
    expect(drawn).toContain(ticketActionId("not_duplicate", 2));
    expect(h.fake.of("chat.postMessage").some((c) => String(c.args.text).includes("You are not alone"))).toBe(true);

    const link = {
      type: "button",
      action_id: ticketActionId("link_duplicate", 2),
      value: JSON.stringify({ ticket: 2, verb: "link_duplicate" }),
      text: { type: "plain_text", text: "Link as duplicate of #1" },
    };
    expect((await h.interact(blockAction(AGENTS.ana, link, where))).status).toBe(200);
    await h.settle();
    const dup = await h.db
      .selectFrom("triage_duplicates" as never)
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(dup).toMatchObject({ ticket_id: 2, original_id: 1, state: "linked" });
    const updated = JSON.stringify(
      h.fake
        .of("chat.update")
        .filter((c) => c.args.channel === TRIAGE && c.args.ts === where.ts)
        .map((c) => c.blocks ?? c.args.blocks),
    );
    expect(updated).toContain("Duplicate of #1; closes with it");
    expect(h.fake.of("chat.postMessage").some((c) => String(c.args.text).includes("Your ticket is linked to #1"))).toBe(true);
  });
});
