// The fake servers' rate-limit enforcement: sliding windows per key, the longest wait as Retry-After,
// Slack's tiers from the published tier list, Teams' per-thread and per-tenant windows, and the scale.
import { describe, expect, it } from "vitest";
import { RateLimits, SLACK_LIMITS, TEAMS_LIMITS, minimumMs, slackLimitsOf, teamsLimitsOf } from "./rate-limits.js";

describe("rate-limit enforcement", () => {
  it("admits a burst up to the window's count, then refuses until the oldest call leaves the window", () => {
    const r = new RateLimits({ t: [{ count: 3, ms: 1000 }] });
    const at = (now: number) => r.admit([{ limit: "t", key: "k" }], now);
    expect([at(0), at(10), at(20)]).toEqual([undefined, undefined, undefined]);
    expect(at(30)).toEqual({ limit: "t", retryAfterMs: 970 });
    expect(at(999)).toEqual({ limit: "t", retryAfterMs: 1 });
    expect(at(1000)).toBeUndefined(); // the call at 0 has left [1, 1000]
    expect(at(1005)).toEqual({ limit: "t", retryAfterMs: 5 });
    expect(r.refusedTotal).toBe(3);
    // Another key has its own window.
    expect(r.admit([{ limit: "t", key: "other" }], 1005)).toBeUndefined();
  });

  it("a refused call is not counted, and a call under two limits needs room in both", () => {
    const r = new RateLimits({ channel: [{ count: 1, ms: 1000 }], workspace: [{ count: 2, ms: 60_000 }] });
    const post = (ch: string, now: number) =>
      r.admit(
        [
          { limit: "channel", key: ch },
          { limit: "workspace", key: "w" },
        ],
        now,
      );
    expect(post("A", 0)).toBeUndefined();
    expect(post("A", 1)).toEqual({ limit: "channel", retryAfterMs: 999 });
    expect(post("B", 2)).toBeUndefined();
    expect(post("C", 3)).toEqual({ limit: "workspace", retryAfterMs: 59_997 });
    expect(r.refused).toEqual(
      new Map([
        ["channel", 1],
        ["workspace", 1],
      ]),
    );
  });

  it("Teams: 7 a second per thread, 8 in 2 seconds, 50 a second per tenant", () => {
    const r = new RateLimits(TEAMS_LIMITS);
    const send = (conv: string, now: number) => r.admit(teamsLimitsOf(conv, "tenant-1"), now);
    for (let i = 0; i < 7; i++) expect(send("c1", i)).toBeUndefined();
    expect(send("c1", 10)?.limit).toBe("thread");
    expect(send("c1", 1000)).toBeUndefined(); // 8th in 2 s
    expect(send("c1", 1100)).toEqual({ limit: "thread", retryAfterMs: 900 }); // the 9th in 2 s waits for the call at 0 to leave
    // The tenant's second (100, 1100] holds the call at 1000; 49 more in other conversations fill it.
    for (let i = 0; i < 49; i++) expect(send(`x${i}`, 1100)).toBeUndefined();
    expect(send("y", 1100)).toEqual({ limit: "tenant", retryAfterMs: 900 });
  });

  it("Slack: the method's tier from the published list, posts per channel and per workspace", () => {
    expect(slackLimitsOf("chat.update", {})).toEqual([{ limit: "Tier3", key: "workspace" }]);
    expect(slackLimitsOf("pins.add", {})).toEqual([{ limit: "Tier2", key: "workspace" }]);
    expect(slackLimitsOf("conversations.history", {})).toEqual([{ limit: "Tier3", key: "workspace" }]);
    expect(slackLimitsOf("views.publish", {})).toEqual([{ limit: "Tier4", key: "workspace" }]);
    expect(slackLimitsOf("chat.postMessage", { channel: "C1" })).toEqual([
      { limit: "postPerChannel", key: "C1" },
      { limit: "postWorkspace", key: "workspace" },
    ]);
    const r = new RateLimits(SLACK_LIMITS);
    for (let i = 0; i < 50; i++) expect(r.admit(slackLimitsOf("chat.update", {}), 0)).toBeUndefined();
    expect(r.admit(slackLimitsOf("chat.update", {}), 0)).toEqual({ limit: "Tier3", retryAfterMs: 60_000 });
  });

  it("a scale shortens every window; the minimum time follows the binding window", () => {
    const r = new RateLimits(SLACK_LIMITS, 20);
    expect(r.windows("Tier3")).toEqual([{ count: 50, ms: 3000 }]);
    for (let i = 0; i < 50; i++) r.admit(slackLimitsOf("chat.update", {}), 0);
    expect(r.admit(slackLimitsOf("chat.update", {}), 0)?.retryAfterMs).toBe(3000);
    // 300 updates at 50 a minute: six bursts of 50, five minutes apart.
    expect(minimumMs(300, SLACK_LIMITS.Tier3!)).toBe(300_000);
    expect(minimumMs(301, SLACK_LIMITS.Tier3!)).toBe(360_000);
    expect(minimumMs(1500, SLACK_LIMITS.postWorkspace!)).toBe(120_000);
    expect(minimumMs(16, TEAMS_LIMITS.thread!)).toBe(3000); // 7 at 0, 1 at 1 s (8 in 2 s), 7 at 2 s, 1 at 3 s
    expect(minimumMs(60, TEAMS_LIMITS.thread!)).toBe(14_000);
    expect(minimumMs(61, TEAMS_LIMITS.thread!)).toBe(30_000);
    expect(minimumMs(0, SLACK_LIMITS.Tier3!)).toBe(0);
  });
});
