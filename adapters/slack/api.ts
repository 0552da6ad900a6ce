// Every Web API call the adapter makes goes through here: one pace per method tier, and for chat.postMessage
// one per channel and one for the workspace, so bursts are paced to Slack's limits instead of hitting 429s.
import type { webApi } from "@slack/bolt";
import { Pace, scaled, type Window } from "../../src/outbox/pace.js";
import { ResponseUrls } from "./responses.js";

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
  "conversations.list": 2,
  "pins.add": 2,
  "reactions.add": 3,
  "users.info": 4,
  "usergroups.users.list": 2,
  "users.lookupByEmail": 3,
  "users.list": 2,
  "views.open": 4,
  "views.update": 4,
  "views.push": 4,
  "views.publish": 4,
  "auth.test": 4,
  "files.getUploadURLExternal": 4,
  "files.completeUploadExternal": 4,
};
const PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100, post: 600 } as const;
/** chat.postMessage: about one a second per channel with short bursts (3 in any 3 s); the workspace cap is unpublished, 600 a minute assumed. */
export const POST_PER_CHANNEL: Window[] = [{ count: 3, ms: 3000 }];

export interface ApiOptions {
  /** Calls a minute per tier ("post": chat.postMessage workspace-wide); defaults are Slack's (DESIGN.md). */
  perMinute?: Partial<Record<keyof typeof PER_MINUTE, number>>;
  /** Every limit times this (OUTBOUND_RATE_SCALE): for an app whose limits Slack raised, or a benchmark against a fake server. */
  rateScale?: number;
}

export class SlackApi {
  private readonly tiers = new Map<string, Pace>();
  private readonly channels = new Map<string, Pace>();
  /** Slash command answers (response_url posts): not Web API calls, and not paced (see responses.ts). */
  readonly responses = new ResponseUrls();

  constructor(
    readonly client: WebClient,
    private readonly limits: ApiOptions = {},
  ) {}

  private tier(t: keyof typeof PER_MINUTE): Pace {
    const key = String(t);
    let l = this.tiers.get(key);
    if (!l) {
      l = new Pace(scaled([{ count: this.limits.perMinute?.[t] ?? PER_MINUTE[t], ms: 60_000 }], this.limits.rateScale));
      this.tiers.set(key, l);
    }
    return l;
  }

  private channel(id: string): Pace {
    let l = this.channels.get(id);
    if (!l) {
      l = new Pace(scaled(POST_PER_CHANNEL, this.limits.rateScale));
      this.channels.set(id, l);
    }
    return l;
  }

  /**
   * Calls `method` once its tier (and, for posts, its channel and then the workspace) has room. Errors are WebClient's own.
   * `beforeCall` runs when the limiters let the call go, right before it is made (the outbox marks the row
   * as possibly sent there, so a row that was only waiting in a limiter at a crash is known not to be).
   */
  async call<T = Record<string, unknown>>(method: string, args: Record<string, unknown>, beforeCall?: () => Promise<void>): Promise<T & { ok: boolean }> {
    const go = async () => {
      await beforeCall?.();
      return this.client.apiCall(method, args) as Promise<T & { ok: boolean }>;
    };
    const tier = TIER_OF[method] ?? 3;
    if (tier === "post") return this.channel(typeof args.channel === "string" ? args.channel : "").run(go, this.tier("post"));
    return this.tier(tier).run(go);
  }

  /** The longest window any pace here keeps: how far back calls made before a restart still count. */
  get longestWindowMs(): number {
    return 60_000 / (this.limits.rateScale ?? 1);
  }

  /** Calls made before this process started, by tier ("post": chat.postMessage workspace-wide), counted in the paces. */
  remember(calls: Partial<Record<keyof typeof PER_MINUTE, number[]>>): void {
    for (const [t, at] of Object.entries(calls)) if (at?.length) this.tier(t as keyof typeof PER_MINUTE).remember(at);
  }

  /** Drops calls still waiting: their outbox rows stay unfinished and are sent after the next start. */
  async stop(): Promise<void> {
    await Promise.all([...this.tiers.values(), ...this.channels.values()].map((l) => l.stop()));
    await this.responses.close().catch(() => {});
  }
}
