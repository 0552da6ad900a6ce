// Slack user groups as the core's group directory: "slack-group:S0123" in the roles settings gives a role
// to every member, read with usergroups.users.list (through the paced API), cached and refreshed.
import { TtlCache, type GroupDirectory } from "../../src/capabilities/roles/groups.js";
import type { SlackApi } from "./api.js";
import { PLATFORM } from "./ids.js";

export const SLACK_GROUP = "slack-group";

export class SlackUserGroups implements GroupDirectory {
  readonly scheme = SLACK_GROUP;
  readonly platform = PLATFORM;
  private readonly members: TtlCache<Set<string>>;

  constructor(
    private readonly api: SlackApi,
    private readonly options: { ttlMs?: number; now?: () => number; log?: (m: string) => void } = {},
  ) {
    // Ten minutes: someone added to a group has the role within that; a removal takes as long.
    this.members = new TtlCache(options.ttlMs ?? 600_000, options.now);
  }

  private list(group: string): Promise<Set<string>> {
    return this.members.get(group, async () => {
      const r = await this.api.call<{ users?: string[] }>("usergroups.users.list", { usergroup: group });
      return new Set(r.users ?? []);
    });
  }

  async memberOf(userId: string, groups: string[]): Promise<string[]> {
    const found: string[] = [];
    const failed: string[] = [];
    for (const g of groups) {
      try {
        if ((await this.list(g)).has(userId)) found.push(g);
      } catch (err) {
        failed.push(`${g} (${(err as Error).message})`);
      }
    }
    // One unreadable group must not hide the others; it is named so an admin can fix the id or the scope.
    if (failed.length) this.options.log?.(`slack: cannot read user group ${failed.join(", ")}; check the id and the usergroups:read scope`);
    return found;
  }

  /** Reads every group once at start-up, so the first command does not wait for Slack. */
  async warm(groups: string[]): Promise<void> {
    await this.memberOf("", groups);
  }
}
