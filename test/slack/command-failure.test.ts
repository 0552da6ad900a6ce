// Through Slack: a capability's hook that throws fails that person's /ticket alone. They hear a clear answer
// (in the acknowledgement or through response_url), nothing is opened, and the next /ticket is served.
import { afterEach, describe, expect, it } from "vitest";
import { counts } from "../helpers/desk.js";
import { startHarness, type Harness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** What the person was told for a slash command: the ack's own text, else the response_url post's. */
async function answerTo(harness: Harness, ack: { body: string }, responsesBefore: number): Promise<string> {
  const inAck = ack.body ? (JSON.parse(ack.body) as { text?: string }).text : undefined;
  if (inAck) return inAck;
  await harness.settle();
  return String(harness.fake.of("response_url")[responsesBefore]?.args.text ?? "");
}

describe("a hook that throws, through Slack", () => {
  it("answers that /ticket clearly, opens nothing, and serves the next one", async () => {
    h = await startHarness();
    let armed = true;
    h.desk.addCapability({
      name: "flaky",
      async afterChange() {
        if (!armed) return;
        armed = false;
        throw new Error("flaky hook exploded");
      },
    });
    const before = await counts(h.db);
    const first = await h.command("printer on 3rd floor jams");
    expect(first.status).toBe(200);
    expect(await answerTo(h, first, 0)).toMatch(
      /^That failed on the desk's side, and nothing was changed\. Try again later; if it keeps failing, tell the desk's admins \(ref [a-z0-9]+\)\.$/,
    );
    expect((await counts(h.db)).tickets).toBe(before.tickets);
    const second = await h.command("vpn drops every ten minutes");
    expect(second.status).toBe(200);
    expect(await answerTo(h, second, 1)).toMatch(/^Opened #1 /);
    expect((await counts(h.db)).tickets).toBe(before.tickets! + 1);
  });
});
