// Who gets a new ticket: per team, round-robin or least-loaded among its on-shift members, or nobody
// (left for Claim). Members are named in settings as matchers ("console:ana", "slack:U1", "email:...").
import type { Ctx } from "../../core/desk.js";
import { atLeast } from "../../core/permissions.js";
import { personByPlatformId, upsertPerson } from "../../store/people.js";
import { toPerson, type Person } from "../../core/people.js";
import { lastInRotation, offShift, openLoad, setRotation } from "./repository.js";

export interface OwnerChoice {
  person: Person;
  reason: string;
}

/** The team's members that are agents and on shift, as people (configured agents are known before they first speak). */
async function onShiftMembers(ctx: Ctx, team: string): Promise<{ key: string; person: Person }[]> {
  const members = ctx.settings.teams.find((t) => t.name === team)?.members ?? [];
  const off = await offShift(ctx.trx);
  const out: { key: string; person: Person }[] = [];
  for (const key of members) {
    if (off.has(key.toLowerCase())) continue;
    const [platform, ...rest] = key.split(":");
    const userId = rest.join(":");
    if (!platform || !userId || platform === "email") continue;
    const row = (await personByPlatformId(ctx.trx, platform, userId)) ?? (await upsertPerson(ctx.trx, { platform, userId, displayName: userId }, ctx.now));
    const person = toPerson(row);
    if (atLeast(ctx.roleOfPerson(person), "agent")) out.push({ key: key.toLowerCase(), person });
  }
  return out;
}

export async function chooseOwner(ctx: Ctx, team: string, rule: "round_robin" | "least_loaded" | "claim"): Promise<OwnerChoice | undefined> {
  if (rule === "claim") return undefined;
  const members = await onShiftMembers(ctx, team);
  if (!members.length) return undefined;
  if (rule === "round_robin") {
    const last = await lastInRotation(ctx.trx, team);
    const i = members.findIndex((m) => m.key === last);
    const next = members[(i + 1) % members.length]!;
    await setRotation(ctx.trx, team, next.key);
    return { person: next.person, reason: `round-robin in ${team} (${members.length} on shift)` };
  }
  const load = await openLoad(
    ctx.trx,
    members.map((m) => m.person.id),
  );
  // Ties go to the first listed member, so the choice is stable.
  const best = members.reduce((a, b) => ((load.get(b.person.id) ?? 0) < (load.get(a.person.id) ?? 0) ? b : a));
  return { person: best.person, reason: `least loaded in ${team} (${load.get(best.person.id) ?? 0} open)` };
}
