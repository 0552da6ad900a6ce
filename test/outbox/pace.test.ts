// The senders' pacing against the fake servers' enforcement (test/fakes/rate-limits.ts, written apart):
// paced calls are never refused, and a broadcast takes the least time the limits allow, not more.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Pace, marginOf, scaled } from "../../src/outbox/pace.js";
import { RateLimits, type Window, SLACK_LIMITS, TEAMS_LIMITS, minimumMs, slackLimitsOf, teamsLimitsOf } from "../fakes/rate-limits.js";

beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => void vi.useRealTimers());

/** Runs every call through its pace, asking the enforcer at the moment each goes; returns the refusals and the time taken. */
async function broadcast(n: number, go: (i: number) => Promise<void>): Promise<number> {
  const start = Date.now();
  const all = Promise.all(Array.from({ length: n }, (_, i) => go(i)));
  await vi.runAllTimersAsync();
  await all;
  return Date.now() - start;
}

describe("pace", () => {
  it("300 chat.update calls at Tier 3: never refused, done in the minimum the tier allows (plus the margin)", async () => {
    const server = new RateLimits(SLACK_LIMITS);
    const tier3 = new Pace(SLACK_LIMITS.Tier3!);
    const took = await broadcast(300, () => tier3.run(async () => void server.admit(slackLimitsOf("chat.update", {}), Date.now())));
    expect(server.refusedTotal).toBe(0);
    const min = minimumMs(300, SLACK_LIMITS.Tier3!);
    expect(took).toBeGreaterThanOrEqual(min);
    expect(took).toBeLessThanOrEqual(min + 5 * marginOf(SLACK_LIMITS.Tier3![0]!));
  });

  it("posts wait for their channel and then the workspace, counted in both", async () => {
    // The workspace cap at a tenth, so a few hundred posts show it binding.
    const limits: Record<string, Window[]> = { ...SLACK_LIMITS, postWorkspace: [{ count: 60, ms: 60_000 }] };
    const server = new RateLimits(limits, 20);
    const workspace = new Pace(scaled(limits.postWorkspace!, 20));
    const channels = new Map<string, Pace>();
    const channel = (c: string) => channels.get(c) ?? channels.set(c, new Pace(scaled(limits.postPerChannel!, 20))).get(c)!;
    // 200 posts to 20 DMs (10 each) and 10 posts to one busy channel.
    const targets = [...Array.from({ length: 200 }, (_, i) => `D${i % 20}`), ...Array.from({ length: 10 }, () => "CBUSY")];
    const took = await broadcast(targets.length, (i) =>
      channel(targets[i]!).run(async () => void server.admit(slackLimitsOf("chat.postMessage", { channel: targets[i] }), Date.now()), workspace),
    );
    expect(server.refusedTotal).toBe(0);
    const min = Math.max(minimumMs(210, scaled(limits.postWorkspace!, 20)), minimumMs(10, scaled(limits.postPerChannel!, 20)));
    expect(took).toBeGreaterThanOrEqual(min);
    expect(took).toBeLessThanOrEqual(min * 1.1);
  });

  it("Teams: one thread's calls meet all four windows; many threads meet the tenant's", async () => {
    const server = new RateLimits(TEAMS_LIMITS);
    const tenant = new Pace(TEAMS_LIMITS.tenant!);
    const thread = new Pace(TEAMS_LIMITS.thread!);
    const took = await broadcast(100, () => thread.run(async () => void server.admit(teamsLimitsOf("c1", "t"), Date.now()), tenant));
    // 8 every 2 s until 60 fill the 30-second window, then as the first ones leave it.
    const min = minimumMs(100, TEAMS_LIMITS.thread!);
    expect(min).toBe(39_000);
    expect(took).toBeGreaterThanOrEqual(min);
    expect(took).toBeLessThanOrEqual(min * 1.02);

    // A fresh tenant: 500 conversations, one message each.
    const tenant2 = new Pace(TEAMS_LIMITS.tenant!);
    const threads = Array.from({ length: 500 }, () => new Pace(TEAMS_LIMITS.thread!));
    const fanout = await broadcast(500, (i) => threads[i]!.run(async () => void server.admit(teamsLimitsOf(`d${i}`, "t2"), Date.now()), tenant2));
    expect(fanout).toBeGreaterThanOrEqual(minimumMs(500, TEAMS_LIMITS.tenant!));
    expect(fanout).toBeLessThanOrEqual(minimumMs(500, TEAMS_LIMITS.tenant!) * 1.02);
    expect(server.refusedTotal).toBe(0);
  });

  it("rejects a scale that is not a positive number", () => {
    expect(() => scaled(SLACK_LIMITS.Tier3!, 0)).toThrow(/positive/);
    expect(scaled(SLACK_LIMITS.Tier3!, 4)).toEqual([{ count: 50, ms: 15_000 }]);
  });
});
