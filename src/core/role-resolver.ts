// Works out a person's role: a role an admin set (`role @person <role>`) wins; otherwise the highest role that
// configuration gives them by id, AAD object id, email or group membership, on any platform where they are
// known under the same email.
import type { Db } from "../store/connection.js";
import { personByHandle, personByPlatformId } from "../store/people.js";
import { allRoleOverrides, linkedPeople } from "../store/roles.js";
import { GROUP_SCHEMES, personKey, personMatchers, roleOf } from "./people.js";
import type { DeskSettings } from "./settings.js";
import { ROLES, atLeast, isRole, type Role } from "./permissions.js";

/** Who is in which platform group (Slack user groups, Entra ID groups); adapters add theirs. */
export interface GroupDirectory {
  /** The matcher scheme whose groups it knows: "slack-group" answers for "slack-group:S0123". */
  scheme: string;
  /** The platform whose user ids it takes ("slack", "teams"). */
  platform: string;
  /** Which of `groups` the user is in. Throws when the directory cannot be reached. */
  memberOf(userId: string, groups: string[]): Promise<string[]>;
}

export interface Identity {
  platform: string;
  userId: string;
  email?: string | null;
}

/** Where a role came from, for `role @person` and the audit trail. */
export interface RoleSource {
  role: Role;
  from: string;
}

const higher = (a: Role, b: Role): Role => (atLeast(a, b) ? a : b);

export class RoleResolver {
  private readonly directories: GroupDirectory[] = [];
  private overrides = new Map<string, Role>();
  /** The role configuration gave each person key and email at their last full lookup (groups need the network). */
  private readonly derived = new Map<string, Role>();

  constructor(
    private readonly settings: DeskSettings,
    private readonly log: (m: string) => void = () => {},
  ) {}

  addDirectory(d: GroupDirectory): void {
    this.directories.push(d);
  }

  /** The groups configuration names for a scheme, with the role each gives. */
  private groupsOf(scheme: string): Map<string, Role> {
    const out = new Map<string, Role>();
    for (const role of ROLES) {
      for (const m of this.settings.roles[role] ?? []) {
        const i = m.indexOf(":");
        if (m.slice(0, i).toLowerCase() !== scheme) continue;
        const id = m.slice(i + 1);
        out.set(id, higher(role, out.get(id) ?? "requester"));
      }
    }
    return out;
  }

  private async groupRole(p: Identity): Promise<RoleSource | undefined> {
    let best: RoleSource | undefined;
    for (const d of this.directories.filter((x) => x.platform === p.platform && (GROUP_SCHEMES as readonly string[]).includes(x.scheme))) {
      const groups = this.groupsOf(d.scheme);
      if (!groups.size) continue;
      let member: string[] = [];
      try {
        member = await d.memberOf(p.userId, [...groups.keys()]);
      } catch (err) {
        this.log(`roles: ${d.scheme} membership of ${personKey(p)} is unknown (${(err as Error).message}); configured ids and emails still apply`);
      }
      for (const g of member) {
        const role = groups.get(g);
        if (role && (!best || !atLeast(best.role, role))) best = { role, from: `${d.scheme}:${g}` };
      }
    }
    return best;
  }

  private configured(p: Identity): RoleSource | undefined {
    const role = roleOf(this.settings, p);
    return role === "requester" ? undefined : { role, from: `${personKey(p)}${p.email ? ` / email:${p.email.toLowerCase()}` : ""} in the settings file` };
  }

  private override(p: Identity): RoleSource | undefined {
    for (const key of personMatchers(p)) {
      const role = this.overrides.get(key);
      if (role) return { role, from: `set by an admin for ${key}` };
    }
    return undefined;
  }

  /** The full lookup (database and group directories): run before a command, outside its transaction. */
  async explain(db: Db, p: Identity): Promise<RoleSource> {
    await this.reload(db);
    const people = await linkedPeople(db, p);
    const email = p.email ?? people.find((x) => x.platform === p.platform && x.user_id === p.userId)?.email ?? null;
    const self: Identity = { platform: p.platform, userId: p.userId, email };
    const identities: Identity[] = [
      self,
      ...people.filter((x) => !(x.platform === p.platform && x.user_id === p.userId)).map((x) => ({ platform: x.platform, userId: x.user_id, email: x.email })),
    ];
    let best: RoleSource | undefined;
    for (const id of identities) {
      for (const s of [this.configured(id), await this.groupRole(id)]) if (s && (!best || !atLeast(best.role, s.role))) best = s;
    }
    const role = best?.role ?? "requester";
    for (const key of personMatchers(self)) this.derived.set(key, role);
    return this.override(self) ?? best ?? { role: "requester", from: "nobody named them (everyone is a requester)" };
  }

  async resolve(db: Db, p: Identity): Promise<Role> {
    return (await this.explain(db, p)).role;
  }

  /**
   * Looks up a person a command names (an assignee) before the command runs, so the check inside it knows the
   * roles their groups give, even if they have never spoken to the desk.
   */
  async resolveNamed(db: Db, platform: string, ref: { id?: string; name?: string }): Promise<void> {
    // Only groups need it (ids, emails and overrides are known without waiting); most desks name none.
    if (!this.directories.some((d) => d.platform === platform && this.groupsOf(d.scheme).size)) return;
    const row = ref.id ? await personByPlatformId(db, platform, ref.id) : ref.name ? await personByHandle(db, ref.name, platform) : undefined;
    const userId = row?.user_id ?? ref.id ?? ref.name;
    if (userId) await this.resolve(db, { platform: row?.platform ?? platform, userId, email: row?.email ?? null });
  }

  /**
   * The role from what is known now, without waiting: overrides and configured ids and emails, plus what the
   * last full lookup of this person found through groups and linked accounts.
   */
  roleOf(p: Identity): Role {
    const o = this.override(p);
    if (o) return o.role;
    let role = roleOf(this.settings, p);
    for (const key of personMatchers(p)) {
      const d = this.derived.get(key);
      if (d) role = higher(role, d);
    }
    return role;
  }

  /** Re-reads the roles admins set (a handful of rows). */
  async reload(db: Db): Promise<void> {
    const next = new Map<string, Role>();
    for (const o of await allRoleOverrides(db)) if (isRole(o.role)) next.set(o.subject.toLowerCase(), o.role);
    this.overrides = next;
  }
}
