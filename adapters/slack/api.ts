// Every Web API call the adapter makes goes through here: one bottleneck limiter per method tier and one
// per channel for chat.postMessage, so bursts are paced to Slack's published limits instead of hitting 429s.
import Bottleneck from "bottleneck";
import type { webApi } from "@slack/bolt";

type WebClient = webApi.WebClient;

/** Tiers from Slack's method list (java-slack-sdk rate_limit_tiers.json): calls a minute. */
export const TIER_OF: Record<string, 1 | 2 | 3 | 4 | "post"> = {
  "chat.postMessage": "post",
  "chat.update": 3,
  "chat.delete": 3,
  "chat.getPermalink": 4, // "special tier": generous; paced with tier 4
  "chat.postEphemeral": 4,
  "conversations.history": 3,
  "conversations.replies": 3,
  "conversations.info": 3,
  "conversations.open": 3,
  "reactions.add": 3,
  "users.info": 4,
  "usergroups.users.list": 2,
  "users.lookupByEmail": 3,
  "views.open": 4,
  "views.update": 4,
  "views.push": 4,
  "views.publish": 4,
  "auth.test": 4,
  "files.getUploadURLExternal": 4,
  "files.completeUploadExternal": 4,
};
const PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100, post: 600 } as const;

export interface ApiOptions {
  /** Calls a minute per tier (tests and benchmarks may raise them); defaults are Slack's. */
  perMinute?: Partial<Record<keyof typeof PER_MINUTE, number>>;
  /** chat.postMessage per channel per second, with a short burst. */
  perChannelPerSecond?: number;
  channelBurst?: number;
}

/**
 * A limiter of `perMinute` calls, handed out as a fresh allowance every `windowMs` (bottleneck's reservoir
 * refresh). Refresh rather than per-call increase: bottleneck adds to a reservoir only on its 250 ms
 * heartbeat, so increases faster than that would silently cap the rate at 4 a second.
 */
function refilling(perMinute: number, windowMs: number): Bottleneck {
  const allowance = Math.max(1, Math.floor((perMinute * windowMs) / 60_000));
  return new Bottleneck({ reservoir: allowance, reservoirRefreshAmount: allowance, reservoirRefreshInterval: windowMs, maxConcurrent: 50 });
}

export class SlackApi {
  private readonly tiers = new Map<string, Bottleneck>();
  private readonly channels = new Map<string, Bottleneck>();
  /**
   * response_url posts (slash command answers) have no published app-wide limit (each URL takes 5 posts);
   * they are paced at 300 a second so a flood of commands cannot flood the network.
   */
  private readonly responses = refilling(18_000, 1000);

  constructor(readonly client: WebClient, private readonly o: ApiOptions = {}) {}

  private tier(t: keyof typeof PER_MINUTE): Bottleneck {
    const key = String(t);
    let l = this.tiers.get(key);
    if (!l) {
      const perMinute = this.o.perMinute?.[t] ?? PER_MINUTE[t];
      l = refilling(perMinute, 10_000);
      this.tiers.set(key, l);
    }
    return l;
  }

  private channel(id: string): Bottleneck {
    let l = this.channels.get(id);
    if (!l) {
      // About one a second, in bursts of `channelBurst` every `channelBurst` seconds.
      const burst = this.o.channelBurst ?? 3;
      l = new Bottleneck({ reservoir: burst, reservoirRefreshAmount: burst, reservoirRefreshInterval: Math.round((burst * 1000) / (this.o.perChannelPerSecond ?? 1)), maxConcurrent: 1 });
      this.channels.set(id, l);
    }
    return l;
  }

  /**
   * Calls `method` once its tier (and, for posts, its channel) has room. Errors are WebClient's own.
   * `beforeCall` runs when the limiters let the call go, right before it is made (the outbox marks the row
   * as possibly sent there, so a row that was only waiting in a limiter at a crash is known not to be).
   */
  async call<T = Record<string, unknown>>(method: string, args: Record<string, unknown>, beforeCall?: () => Promise<void>): Promise<T & { ok: boolean }> {
    const tier = this.tier(TIER_OF[method] ?? 3);
    const go = async () => {
      await beforeCall?.();
      return this.client.apiCall(method, args);
    };
    const run = () => tier.schedule(go) as Promise<T & { ok: boolean }>;
    if (method === "chat.postMessage" && typeof args.channel === "string") return this.channel(args.channel).schedule(run);
    return run();
  }

  /** An ephemeral answer through a slash command's or interaction's response_url (Bolt's respond()). */
  respond<T>(send: () => Promise<T>): Promise<T> {
    return this.responses.schedule(send);
  }

  /** Drops calls still waiting: their outbox rows stay unfinished and are sent after the next start. */
  async stop(): Promise<void> {
    const all = [...this.tiers.values(), ...this.channels.values(), this.responses];
    await Promise.all(all.map((l) => l.stop({ dropWaitingJobs: true }).catch(() => {})));
  }
}
