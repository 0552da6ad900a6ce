// :ticket: on a message that is already a ticket: the later reactor is told which ticket it is, once, and
// nothing new is made (issue 20).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AGENTS, REQUESTER, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

describe(":ticket: on a message that already has a ticket", () => {
  it("tells the later reactor which ticket it is, once (a retry of their event tells nothing more), and makes nothing", async () => {
    const at = "1700004000.000100";
    h.fake.messages.set(`CGENERAL:${at}`, { type: "message", user: REQUESTER, text: "Wifi on floor 2 keeps dropping", ts: at });
    const reaction = (user: string) => ({
      type: "reaction_added",
      user,
      reaction: "ticket",
      item_user: REQUESTER,
      item: { type: "message", channel: "CGENERAL", ts: at },
      event_ts: "1700004001.000100",
    });
    await h.event(reaction(AGENTS.ana), { eventId: "EvReactAna" });
    await h.settle();
    await h.event(reaction(AGENTS.bob), { eventId: "EvReactBob" });
    await h.event(reaction(AGENTS.bob), { eventId: "EvReactBob", retryNum: 1 });
    await h.settle();
    expect((await h.db.selectFrom("tickets").select("title").execute()).map((t) => t.title)).toEqual(["Wifi on floor 2 keeps dropping"]);
    const told = h.fake.of("chat.postEphemeral").map((c) => ({ user: c.args.user, text: c.args.text }));
    expect(told).toEqual([{ user: AGENTS.bob, text: "That message is already ticket #1: Wifi on floor 2 keeps dropping. Nothing new was made." }]);
  });
});
