// The port through which the core learns who is in a platform's groups (Slack user groups, Azure AD groups).
// Adapters fill it; the core never talks to a platform itself. The port itself is the core's (role-resolver.ts).
export type { GroupDirectory } from "../../core/role-resolver.js";

/**
 * A value fetched at most once per `ttlMs` per key, with concurrent callers sharing one fetch. When a refresh
 * fails, the last value is kept (a directory outage must not demote everyone) and the failure is rethrown
 * only when there is no value at all.
 */
export class TtlCache<T> {
  private readonly values = new Map<string, { value: T; at: number }>();
  private readonly pending = new Map<string, Promise<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, fetch: () => Promise<T>): Promise<T> {
    const hit = this.values.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    let p = this.pending.get(key);
    if (!p) {
      p = fetch()
        .then((value) => {
          this.values.set(key, { value, at: this.now() });
          return value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    try {
      return await p;
    } catch (err) {
      if (hit) return hit.value;
      throw err;
    }
  }
}
