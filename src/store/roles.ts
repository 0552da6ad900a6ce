// Roles set at run time (keyed by a person matcher: "email:ana@example.com", else "slack:U1"), the configured
// roles as last recorded, and the people a role lookup links by email.
import type { PersonRow, Queryable } from "./database.js";

export interface RoleOverride {
  subject: string;
  role: string;
  setBy: number | null;
  setAt: number;
}

export async function allRoleOverrides(db: Queryable): Promise<RoleOverride[]> {
  const rows = await db.selectFrom("role_overrides").selectAll().execute();
  return rows.map((r) => ({ subject: r.subject, role: r.role, setBy: r.set_by, setAt: r.set_at }));
}

export async function setRoleOverride(db: Queryable, o: RoleOverride): Promise<void> {
  await db
    .insertInto("role_overrides")
    .values({ subject: o.subject, role: o.role, set_by: o.setBy, set_at: o.setAt })
    .onConflict((oc) => oc.column("subject").doUpdateSet({ role: o.role, set_by: o.setBy, set_at: o.setAt }))
    .execute();
}

export async function clearRoleOverrides(db: Queryable, subjects: string[]): Promise<number> {
  if (!subjects.length) return 0;
  const r = await db.deleteFrom("role_overrides").where("subject", "in", subjects).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The person and everyone sharing their email (the same person on another platform). */
export async function linkedPeople(db: Queryable, p: { platform: string; userId: string; email?: string | null }): Promise<PersonRow[]> {
  const self = await db.selectFrom("people").selectAll().where("platform", "=", p.platform).where("user_id", "=", p.userId).executeTakeFirst();
  const email = (p.email ?? self?.email)?.toLowerCase();
  if (!email) return self ? [self] : [];
  const others = await db.selectFrom("people").selectAll().where("email", "=", email).execute();
  return self && !others.some((o) => o.id === self.id) ? [self, ...others] : others;
}

export async function lastRoleConfig(db: Queryable): Promise<string | undefined> {
  const r = await db.selectFrom("role_config").select("roles").orderBy("id", "desc").limit(1).executeTakeFirst();
  return r?.roles;
}

export async function recordRoleConfig(db: Queryable, roles: string, at: number): Promise<void> {
  await db.insertInto("role_config").values({ roles, recorded_at: at }).execute();
}
