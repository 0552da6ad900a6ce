// Who is acting: a Slack user as the core's Actor, from users.info (through the limiter), cached.
import { type Actor } from "../../src/core/index.js";
import type { SlackApi } from "./api.js";
import { PLATFORM } from "./ids.js";

interface UserInfo {
  user?: { id: string; name?: string; real_name?: string; tz?: string; profile?: { display_name?: string; real_name?: string; email?: string } };
}

export class SlackPeople {
  private readonly cache = new Map<string, { actor: Actor; at: number }>();
  private readonly pending = new Map<string, Promise<Actor>>();

  constructor(
    private readonly api: SlackApi,
    private readonly options: { ttlMs?: number; now?: () => number; log?: (m: string) => void } = {},
  ) {}

  /** The person as users.info last described them, if that was within the cache's lifetime; never waits. */
  cached(userId: string): Actor | undefined {
    const hit = this.cache.get(userId);
    return hit && (this.options.now?.() ?? Date.now()) - hit.at < (this.options.ttlMs ?? 3_600_000) ? hit.actor : undefined;
  }

  /**
   * The person, as users.info describes them. `budgetMs` bounds the wait where Slack's 3 seconds are
   * running (a modal submission): past it the person is named by what the payload says, and refreshed later.
   */
  async actor(userId: string, hint?: string, budgetMs?: number): Promise<Actor> {
    const now = this.options.now?.() ?? Date.now();
    const hit = this.cache.get(userId);
    if (hit && now - hit.at < (this.options.ttlMs ?? 3_600_000)) return hit.actor;
    const basic: Actor = { platform: PLATFORM, userId, ...(hint ? { displayName: hint } : {}) };
    let p = this.pending.get(userId);
    if (!p) {
      p = this.lookup(userId, basic).finally(() => this.pending.delete(userId));
      this.pending.set(userId, p);
    }
    if (budgetMs === undefined) return p;
    return Promise.race([p, new Promise<Actor>((r) => setTimeout(() => r(hit?.actor ?? basic), budgetMs).unref())]);
  }

  private async lookup(userId: string, basic: Actor): Promise<Actor> {
    try {
      const r = (await this.api.call("users.info", { user: userId })) as UserInfo;
      const u = r.user;
      const name = u?.profile?.display_name || u?.real_name || u?.profile?.real_name || u?.name || basic.displayName;
      const actor: Actor = {
        ...basic,
        ...(name ? { displayName: name } : {}),
        ...(u?.profile?.email ? { email: u.profile.email } : {}),
        ...(u?.tz ? { tz: u.tz } : {}),
      };
      this.cache.set(userId, { actor, at: this.options.now?.() ?? Date.now() });
      return actor;
    } catch (err) {
      this.options.log?.(`slack: users.info ${userId} failed (${(err as Error).message}); using the id as the name`);
      return basic;
    }
  }
}
