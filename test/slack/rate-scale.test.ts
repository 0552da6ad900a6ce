// OUTBOUND_RATE_SCALE: the senders' pacing follows Slack's limits times the scale. Through a real WebClient
// to the fake Web API behind the rate-limit enforcer at the same scale, a burst is never refused; paced
// for a larger scale than the fake allows, it is (so it is the pacing that keeps the count at zero).
import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { SlackApi } from "../../adapters/slack/api.js";
import { rememberRecentCalls } from "../../adapters/slack/recovery.js";
import { enqueue, markCalled, markSent } from "../../src/store/outbox.js";
import { makeDesk } from "../helpers/desk.js";
import { loadConfig } from "../../src/config.js";
import { LimitedProxy } from "../fakes/limited-proxy.js";
import { RateLimits, SLACK_LIMITS, minimumMs, slackLimitsOf } from "../fakes/rate-limits.js";
import { FakeSlackApi } from "../fakes/slack-api.js";

const started: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

async function slackAt(scale: number) {
  const fake = await new FakeSlackApi().start();
  const limits = new RateLimits(SLACK_LIMITS, scale);
  // The fake answers with the spec's whole sample message; a short answer keeps the test about pacing.
  const proxy = new LimitedProxy({
    upstream: fake.url,
    platform: "slack",
    limits,
    limitsOf: (c) => slackLimitsOf(c.path.replace(/^\/api\//, ""), c.body),
    answer: (_c, json) => ({ ok: json.ok, channel: json.channel, ts: json.ts }),
  });
  await proxy.start();
  started.push(proxy, fake);
  const client = new webApi.WebClient("xoxb-test", { slackApiUrl: `${proxy.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  return { fake, proxy, client };
}

/**
 * 100 Tier 3 calls at once, as an incident update queues its status edits (reactions.add is Tier 3 like
 * chat.update; the fake answers it in a few bytes, so the fake's own speed does not pace the burst).
 */
async function burst(api: SlackApi, n = 100): Promise<{ ms: number; failed: number }> {
  const start = Date.now();
  const calls = Array.from({ length: n }, (_, i) => api.call("reactions.add", { channel: `C${i}`, timestamp: "1700000000.000100", name: "eyes" }));
  const results = await Promise.allSettled(calls);
  return { ms: Date.now() - start, failed: results.filter((r) => r.status === "rejected").length };
}

describe("outbound rate scale", () => {
  it("is read from OUTBOUND_RATE_SCALE (default 1) and must be a positive number", () => {
    expect(loadConfig({}).rateScale).toBe(1);
    expect(loadConfig({ OUTBOUND_RATE_SCALE: "20" }).rateScale).toBe(20);
    expect(loadConfig({ OUTBOUND_RATE_SCALE: "0.5" }).rateScale).toBe(0.5);
    for (const bad of ["0", "-2", "fast"]) expect(() => loadConfig({ OUTBOUND_RATE_SCALE: bad })).toThrow(/OUTBOUND_RATE_SCALE must be a positive number/);
  });

  it("paced at the fake's scale: no 429, in no less than the least time Tier 3 allows", async () => {
    const scale = 30; // Tier 3: 50 per 2 s
    const { proxy, fake, client } = await slackAt(scale);
    const api = new SlackApi(client, { rateScale: scale });
    const r = await burst(api);
    await api.stop();
    expect(r.failed).toBe(0);
    expect(proxy.rateLimited).toBe(0);
    expect(fake.of("reactions.add")).toHaveLength(100);
    expect(fake.violations).toEqual([]);
    expect(r.ms).toBeGreaterThanOrEqual(minimumMs(100, [{ count: 50, ms: 60_000 / scale }]));
  });

  it("paced for limits ten times what the fake allows: Slack's 429s come back", async () => {
    const { proxy, client } = await slackAt(30);
    const api = new SlackApi(client, { rateScale: 300 });
    const r = await burst(api);
    await api.stop();
    expect(proxy.rateLimited).toBeGreaterThan(0);
    expect(r.failed).toBe(proxy.rateLimited);
  });

  it("after a restart, the calls the last process made this minute still count: its successor's first burst is not refused", async () => {
    const scale = 30; // Tier 3: 50 per 2 s
    const { proxy, client } = await slackAt(scale);
    const { db } = await makeDesk();
    // The process before: a full Tier 3 window of status edits, recorded by the outbox as it made them.
    const before = new SlackApi(client, { rateScale: scale });
    expect((await burst(before, 50)).failed).toBe(0);
    await before.stop();
    const at = Date.now();
    await enqueue(
      db,
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, platform: "slack", kind: "incident", target: `incident:C${i}`, payload: {}, at })),
    );
    const rows = await db.selectFrom("outbox").select("id").execute();
    // A post is marked when it is called; an edit only when it was sent.
    for (const [i, r] of rows.entries()) await (i % 2 ? markCalled(db, r.id, at) : markSent(db, r.id, at));

    // Without that memory a new process would spend the same window again (the control)...
    const forgetful = new SlackApi(client, { rateScale: scale });
    const refusedBefore = proxy.rateLimited;
    await burst(forgetful, 10);
    await forgetful.stop();
    expect(proxy.rateLimited - refusedBefore).toBe(10);

    // ...with it, the successor waits for the window to turn and nothing is refused.
    const successor = new SlackApi(client, { rateScale: scale });
    expect(await rememberRecentCalls(successor, db, Date.now())).toBe(50);
    const refused = proxy.rateLimited;
    const r = await burst(successor, 10);
    await successor.stop();
    expect(r.failed).toBe(0);
    expect(proxy.rateLimited).toBe(refused);
  });
});
