// The settings file's roles, compared at start-up with those of the last run: a change (someone edited the
// file) is recorded in the audit trail, so the trail shows every way a role was given or taken away.
import { appendAudit } from "../../store/audit.js";
import { lastRoleConfig, recordRoleConfig } from "../../store/roles.js";
import type { Desk } from "../../core/desk.js";
import { ROLES } from "../../core/permissions.js";

/** The audit action of a change in the configured roles. */
export const ROLES_CONFIGURED = "roles_configured";
/** The reason recorded on a desk's first start, when there is nothing to compare with. */
export const FIRST_ROLES = "first recorded configuration";

/** Roles as one stable text: each role's matchers, lower-cased and sorted, in role order. */
export function canonicalRoles(roles: Partial<Record<string, string[]>>): string {
  return JSON.stringify(Object.fromEntries(ROLES.map((r) => [r, [...new Set((roles[r] ?? []).map((m) => m.toLowerCase()))].sort()])));
}

/** "+lead slack:U9; -agent email:x@example.com" */
export function rolesDiff(before: string | undefined, after: string): string {
  const parse = (t: string | undefined) => (t ? (JSON.parse(t) as Record<string, string[]>) : {});
  const a = parse(before);
  const b = parse(after);
  const out: string[] = [];
  for (const r of ROLES) {
    const was = new Set(a[r] ?? []);
    const now = new Set(b[r] ?? []);
    for (const m of now) if (!was.has(m)) out.push(`+${r} ${m}`);
    for (const m of was) if (!now.has(m)) out.push(`-${r} ${m}`);
  }
  return out.join("; ");
}

/**
 * Records the configured roles when they differ from the last run's (the first run records them as the
 * starting point). Returns the change as text, or undefined when nothing changed.
 */
export async function auditRoleConfig(desk: Desk): Promise<string | undefined> {
  const now = canonicalRoles(desk.settings.roles);
  return desk.system("settings", async (ctx) => {
    const before = await lastRoleConfig(ctx.trx);
    if (before === now) return undefined;
    const diff = before === undefined ? FIRST_ROLES : rolesDiff(before, now);
    await recordRoleConfig(ctx.trx, now, ctx.now);
    await appendAudit(ctx.trx, [
      {
        at: ctx.now,
        ticket_id: null,
        actor_id: ctx.actor.id,
        platform: ctx.actor.platform,
        action: ROLES_CONFIGURED,
        field: "roles",
        from_value: before ?? null,
        to_value: now,
        reason: diff || "reordered",
      },
    ]);
    return diff;
  });
}
