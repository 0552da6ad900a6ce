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

const responses = () => h.answers.map((a) => a.text);

describe("incidents in Slack", () => {
  it("/ticket incident subscribe in a channel; the status message is posted and pinned once, then updated in place; requesters hear each update", async () => {
    await h.command("incident subscribe", AGENTS.ana, { channel_id: "CSTATUS", channel_name: "status" });
    await h.settle();
    expect(responses().at(-1)).toBe("This channel will get every incident's status updates.");
    await h.command("wifi down on the 3rd floor", REQUESTER);
    await h.settle();
    await h.command("incident from 1", AGENTS.ana);
    await h.settle();
    const posts = h.fake.of("chat.postMessage").filter((c) => (c.args as { channel: string }).channel === "CSTATUS");
    expect(posts).toHaveLength(1);
    expect((posts[0]!.args as { text: string }).text).toBe("INC-1 wifi down on the 3rd floor: investigating — Investigating: wifi down on the 3rd floor");
    expect(h.fake.of("pins.add").map((c) => (c.args as { channel: string }).channel)).toEqual(["CSTATUS"]);

    await h.command("incident update 1 identified a failed switch", AGENTS.ana);
    await h.settle();
    const updates = h.fake.of("chat.update").filter((c) => (c.args as { channel: string }).channel === "CSTATUS");
    expect(updates).toHaveLength(1);
    expect((updates[0]!.args as { text: string }).text).toBe("INC-1 wifi down on the 3rd floor: identified — a failed switch");
    expect(h.fake.of("chat.postMessage").filter((c) => (c.args as { channel: string }).channel === "CSTATUS")).toHaveLength(1);
    const toRequester = h.fake.of("chat.postMessage").map((c) => String((c.args as { text: string }).text));
    expect(toRequester.some((t) => t.includes("Update on INC-1 (wifi down on the 3rd floor), identified: a failed switch"))).toBe(true);

    await h.command("incident resolve 1 replaced the switch", AGENTS.ana);
    await h.settle();
    expect(
      (
        h.fake
          .of("chat.update")
          .filter((c) => (c.args as { channel: string }).channel === "CSTATUS")
          .at(-1)!.args as { text: string }
      ).text,
    ).toMatch(/^INC-1 wifi down on the 3rd floor: resolved/);
    expect((await h.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).toBe("resolved");
  });

  it("subscribing from a DM says to do it in a channel, changing nothing", async () => {
    await h.command("incident subscribe", AGENTS.ana, { channel_id: "D0ANA", channel_name: "directmessage" });
    await h.settle();
    expect(responses().at(-1)).toMatch(/^Say "incident subscribe" in the Slack or Teams channel/);
    expect(await h.db.selectFrom("status_channels").selectAll().execute()).toEqual([]);
  });
});
