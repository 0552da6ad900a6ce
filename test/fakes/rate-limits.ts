// The platforms' rate limits (DESIGN.md's table) as a fake server enforces them: each limit is "at most
// `count` calls in any `ms` window" (a sliding window, so a burst up to `count` is allowed), kept per key.
// The fake Slack and Teams servers ask `admit` before answering; an over-limit call gets 429 and, on
// Slack, the wait as Retry-After. Written apart from the senders' pacing (src/outbox/pace.ts) on purpose:
// the servers check the senders, so they must not share the arithmetic.
import { readFileSync } from "node:fs";
import { SPECS } from "../helpers/shared.js";

export interface Window {
  count: number;
  ms: number;
}

/** A rejection: which limit, and how long until a call under that key would be admitted. */
export interface Refusal {
  limit: string;
  retryAfterMs: number;
}

/** Sliding-window limits by name; every named limit keeps one call log per key (a channel, a tenant...). */
export class RateLimits {
  /** Calls refused, by limit name. */
  readonly refused = new Map<string, number>();
  private readonly logs = new Map<string, number[]>();

  /** `scale` > 1 shortens every window by that factor (a benchmark's 20x faster world). */
  constructor(
    private readonly limits: Record<string, Window[]>,
    readonly scale = 1,
  ) {}

  windows(limit: string): Window[] {
    const w = this.limits[limit];
    if (!w) throw new Error(`no rate limit named "${limit}"`);
    return w.map((x) => ({ count: x.count, ms: x.ms / this.scale }));
  }

  /**
   * One call under every (limit, key) given: admitted and recorded only if every window of every limit has
   * room; otherwise nothing is recorded and the longest wait is returned.
   */
  admit(under: { limit: string; key: string }[], now: number): Refusal | undefined {
    let worst: Refusal | undefined;
    for (const { limit, key } of under) {
      const log = this.logs.get(`${limit}|${key}`) ?? [];
      for (const w of this.windows(limit)) {
        const inWindow = log.filter((t) => t > now - w.ms);
        if (inWindow.length >= w.count) {
          // Room comes back when the oldest call that fills the window leaves it.
          const wait = inWindow[inWindow.length - w.count]! + w.ms - now;
          if (!worst || wait > worst.retryAfterMs) worst = { limit, retryAfterMs: wait };
        }
      }
    }
    if (worst) {
      this.refused.set(worst.limit, (this.refused.get(worst.limit) ?? 0) + 1);
      return worst;
    }
    for (const { limit, key } of under) {
      const id = `${limit}|${key}`;
      const log = this.logs.get(id) ?? [];
      const longest = Math.max(...this.windows(limit).map((w) => w.ms));
      // Forget what no window looks at any more (keeps the logs short over a long run).
      while (log.length && log[0]! <= now - longest) log.shift();
      log.push(now);
      this.logs.set(id, log);
    }
    return undefined;
  }

  get refusedTotal(): number {
    return [...this.refused.values()].reduce((a, b) => a + b, 0);
  }
}

const MINUTE = 60_000;

/** Slack's method tiers as the java-slack-sdk lists them ("Tier3", "SpecialTier_chat_postMessage"...). */
const tiers = JSON.parse(readFileSync(`${SPECS}/slack/java-slack-sdk/extra/rate_limit_tiers.json`, "utf8")) as Record<string, string>;

/** DESIGN.md's Slack rows. The workspace-wide chat.postMessage cap is unpublished: 600 a minute is assumed. */
export const SLACK_LIMITS: Record<string, Window[]> = {
  Tier1: [{ count: 1, ms: MINUTE }],
  Tier2: [{ count: 20, ms: MINUTE }],
  Tier3: [{ count: 50, ms: MINUTE }],
  Tier4: [{ count: 100, ms: MINUTE }],
  /** About one a second per channel, short bursts allowed: 3 in any 3 seconds. */
  postPerChannel: [{ count: 3, ms: 3000 }],
  /** Assumed (unpublished). */
  postWorkspace: [{ count: 600, ms: MINUTE }],
};

/** The Slack limits a call counts against: its tier, or for chat.postMessage its channel and the workspace. */
export function slackLimitsOf(method: string, args: Record<string, unknown>): { limit: string; key: string }[] {
  if (method === "chat.postMessage")
    return [
      { limit: "postPerChannel", key: String(args.channel) },
      { limit: "postWorkspace", key: "workspace" },
    ];
  const tier = tiers[method];
  if (tier && /^Tier[1-4]$/.test(tier)) return [{ limit: tier, key: "workspace" }];
  return []; // special tiers (auth.test, chat.getPermalink...) and unknown methods: not limited here
}

export const slackTier = (method: string): string | undefined => tiers[method];

/** DESIGN.md's Teams rows: per bot per thread (conversation), and one app in one tenant for all calls. */
export const TEAMS_LIMITS: Record<string, Window[]> = {
  thread: [
    { count: 7, ms: 1000 },
    { count: 8, ms: 2000 },
    { count: 60, ms: 30_000 },
    { count: 1800, ms: 3_600_000 },
  ],
  tenant: [{ count: 50, ms: 1000 }],
};

/** The Teams limits a connector call counts against. A reply chain (";messageid=") is its own thread. */
export const teamsLimitsOf = (conversationId: string, tenantId: string): { limit: string; key: string }[] => [
  { limit: "thread", key: conversationId },
  { limit: "tenant", key: tenantId },
];

/**
 * The shortest time `n` calls can take under these windows when nothing else shares them: each call goes
 * as soon as every window has room (the i-th waits for the (i - count)-th to leave each window), which no
 * other order beats.
 */
export function minimumMs(n: number, windows: Window[]): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(Math.max(t[i - 1] ?? 0, ...windows.map((w) => (i >= w.count ? t[i - w.count]! + w.ms : 0))));
  return t[n - 1] ?? 0;
}
