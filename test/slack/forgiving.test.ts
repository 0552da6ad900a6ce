// The forgiving grammar and the claim that asks first, through the real Bolt app: signed /ticket requests
// and a block_actions click on the card's Claim button.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

/** What the person was answered: in the acknowledgement itself, or through the response_url after it. */
async function answer(r: { status: number; body: string }): Promise<string> {
  expect(r.status).toBe(200);
  await h.settle();
  const inAck = r.body ? (JSON.parse(r.body) as { text?: string }).text : undefined;
  return inAck ?? String(h.fake.of("response_url").at(-1)?.args.text ?? "");
}
const ticketCount = async () => (await h.db.selectFrom("tickets").select("id").execute()).length;

describe("/ticket forgives a mistyped command", () => {
  it.each([
    ["lsit", "Did you mean `list`?"],
    ["shwo 3", "Did you mean `show 3`?"],
    ["claim3", "Did you mean `claim 3`?"],
    ["ticket 5", "Did you mean `show 5`?"],
    ["role @zoe superuser", 'I did not understand "role @zoe superuser".'],
  ])("%s asks instead of opening a ticket", async (text, asked) => {
    const said = await answer(await h.command(text));
    expect(said).toContain(asked);
    expect(said).toContain("To open a ticket with these words, type `new ");
    expect(await ticketCount()).toBe(0);
  });

  it.each(["printer on 3rd floor jams", "list of printers is wrong", "status page is down since 9"])("%s opens a ticket at once", async (text) => {
    const said = await answer(await h.command(text));
    expect(said).toContain("Opened #1");
    expect(await h.db.selectFrom("tickets").select("title").executeTakeFirstOrThrow()).toEqual({ title: text });
  });
});

describe("claiming a ticket that is someone else's", () => {
  it("asks first, from /ticket and from the card's Claim button, and takes it over with force", async () => {
    await answer(await h.command("vpn drops every ten minutes", REQUESTER));
    await answer(await h.command("claim 1", AGENTS.ana));
    expect(await answer(await h.command("claim 1", AGENTS.bob))).toBe("#1 is with ana; `claim 1 force` to take it over.");

    const card = (await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(":");
    const click = await h.interact(
      blockAction(
        AGENTS.bob,
        { type: "button", action_id: "ticket.claim.1", value: JSON.stringify({ ticket: 1, verb: "claim" }), text: { type: "plain_text", text: "Claim" } },
        { channel: card[0]!, ts: card[1]! },
      ),
    );
    expect(click.status).toBe(200);
    await h.settle();
    const told = h.fake.of("chat.postEphemeral").map((c) => c.args as { user: string; text: string; channel: string });
    expect(told.at(-1)).toMatchObject({ user: AGENTS.bob, channel: TRIAGE, text: "#1 is with ana; `claim 1 force` to take it over." });
    const ana = await h.db.selectFrom("people").select("id").where("user_id", "=", AGENTS.ana).executeTakeFirstOrThrow();
    expect(await h.db.selectFrom("tickets").select("assignee_id").executeTakeFirstOrThrow()).toEqual({ assignee_id: ana.id });

    expect(await answer(await h.command("claim 1 force", AGENTS.bob))).toContain("#1 [P3 in progress] vpn drops every ten minutes (assigned to bob)");
  });
});
