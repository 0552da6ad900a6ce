// The report's figures, computed from the tickets and their audit trail. Clock rules follow the SLA issue:
// time spent waiting on the requester is not the desk's time, and a reopened ticket counts until its last
// resolution.
import { sql } from "kysely";
import type { Db } from "../../store/connection.js";
import { roleOf } from "../people.js";
import { atLeast } from "../roles/permissions.js";
import type { DeskSettings } from "../settings.js";

export interface Range {
  from: number;
  to: number;
  days: number;
  team?: string;
}

export interface Spread {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface Figures {
  range: Range;
  created: number;
  volumeByDay: { day: string; count: number }[];
  volumeByCategory: { category: string; count: number }[];
  backlog: { open: number; medianAgeMs: number | null; oldestAgeMs: number | null; buckets: { label: string; count: number }[] };
  timeToFirstAction: Spread;
  timeToAcknowledge: Spread;
  timeToResolve: Spread;
  sla: { measured: number; breached: number; rate: number | null };
  reopenRate: { resolved: number; reopened: number; rate: number | null };
  duplicateRate: { created: number; duplicates: number; rate: number | null };
  deflectionRate: { offered: number; deflected: number; rate: number | null };
  noHumanTouch: { closed: number; untouched: number; rate: number | null };
  csat: { count: number; average: number | null };
  agents: { name: string; open: number; resolved: number }[];
}

const DAY = 86_400_000;

export function spread(values: number[]): Spread {
  if (!values.length) return { count: 0, medianMs: null, p90Ms: null };
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]!;
  return { count: v.length, medianMs: v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2, p90Ms: at(0.9) };
}

const rate = (part: number, whole: number) => (whole ? part / whole : null);

/** YYYY-MM-DD of a moment in the desk's time zone. */
export function dayKey(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

interface StatusEvent {
  ticket_id: number;
  at: number;
  to_value: string | null;
}

/** Time a ticket spent with the desk (not waiting, not resolved or closed) from creation to `end`. */
export function deskTime(createdAt: number, end: number, events: StatusEvent[]): number {
  let status = "new";
  let since = createdAt;
  let total = 0;
  const counts = (s: string) => s !== "waiting" && s !== "resolved" && s !== "closed";
  for (const e of events) {
    if (e.at > end) break;
    if (counts(status)) total += e.at - since;
    status = e.to_value ?? status;
    since = e.at;
  }
  if (counts(status)) total += end - since;
  return total;
}

export async function computeFigures(db: Db, settings: DeskSettings, range: Range, now: number): Promise<Figures> {
  const inTeam = range.team ? sql`t.team = ${range.team}` : sql`1 = 1`;

  const created = await db
    .selectFrom("tickets as t")
    .select(["t.id", "t.created_at", "t.category", "t.requester_id", "t.first_response_at"])
    .where("t.created_at", ">=", range.from)
    .where("t.created_at", "<", range.to)
    .where(inTeam as never)
    .execute();
  const ids = created.map((t) => t.id);

  const byDay = new Map<string, number>();
  for (let d = range.from; d < range.to; d += DAY) byDay.set(dayKey(d, settings.timezone), 0);
  for (const t of created) byDay.set(dayKey(t.created_at, settings.timezone), (byDay.get(dayKey(t.created_at, settings.timezone)) ?? 0) + 1);
  const byCat = new Map<string, number>();
  for (const t of created) byCat.set(t.category ?? "Uncategorised", (byCat.get(t.category ?? "Uncategorised") ?? 0) + 1);

  const open = await db.selectFrom("tickets as t").select(["t.id", "t.created_at", "t.assignee_id"]).where("t.status", "not in", ["resolved", "closed"]).where(inTeam as never).execute();
  const ages = open.map((t) => now - t.created_at);
  const bucket = (lo: number, hi: number) => ages.filter((a) => a >= lo * DAY && a < hi * DAY).length;

  // Tickets resolved (for the last time) or closed within the range.
  const finished = await db
    .selectFrom("tickets as t")
    .select(["t.id", "t.created_at", "t.resolved_at", "t.closed_at", "t.requester_id", "t.assignee_id", "t.status"])
    .where(sql<boolean>`coalesce(t.resolved_at, t.closed_at) >= ${range.from} AND coalesce(t.resolved_at, t.closed_at) < ${range.to}`)
    .where("t.status", "in", ["resolved", "closed"])
    .where(inTeam as never)
    .execute();
  const finishedIds = finished.map((t) => t.id);
  const events = finishedIds.length
    ? await db.selectFrom("audit_events").select(["ticket_id", "at", "to_value", "action", "field", "actor_id"]).where("ticket_id", "in", finishedIds).orderBy("id").execute()
    : [];
  const statusEvents = new Map<number, StatusEvent[]>();
  for (const e of events) if (e.field === "status" && e.ticket_id !== null) statusEvents.set(e.ticket_id, [...(statusEvents.get(e.ticket_id) ?? []), e as StatusEvent]);

  const resolveTimes = finished.map((t) => deskTime(t.created_at, t.resolved_at ?? t.closed_at!, statusEvents.get(t.id) ?? []));
  const reopened = new Set(events.filter((e) => e.action === "reopened").map((e) => e.ticket_id));

  // Who touched what: a person other than the requester (and not the desk itself) acting on the ticket.
  const people = new Map((await db.selectFrom("people").select(["id", "platform", "user_id", "email"]).execute()).map((p) => [p.id, p]));
  const human = (actorId: number | null, requesterId: number) => {
    const p = actorId === null ? undefined : people.get(actorId);
    return !!p && p.id !== requesterId && p.platform !== "system";
  };
  const touched = new Set(events.filter((e) => e.ticket_id !== null && human(e.actor_id, finished.find((t) => t.id === e.ticket_id)!.requester_id)).map((e) => e.ticket_id));

  // First action on tickets created in the range.
  const createdEvents = ids.length ? await db.selectFrom("audit_events").select(["ticket_id", "at", "actor_id"]).where("ticket_id", "in", ids).orderBy("id").execute() : [];
  const firstAction = new Map<number, number>();
  for (const e of createdEvents) {
    const t = created.find((x) => x.id === e.ticket_id)!;
    if (!firstAction.has(t.id) && human(e.actor_id, t.requester_id)) firstAction.set(t.id, e.at - t.created_at);
  }

  // Other capabilities' tables, read by name: the report depends on their columns, not on their code.
  const inIds = sql.join(ids.length ? ids : [-1]);
  const sla = (await sql<{ consumed_ms: number; target_ms: number; due_at: number | null; stopped_at: number | null }>`SELECT consumed_ms, target_ms, due_at, stopped_at FROM sla_clocks WHERE ticket_id IN (${inIds})`.execute(db)).rows;
  const breached = sla.filter((c) => c.consumed_ms > c.target_ms || (c.stopped_at === null && c.due_at !== null && c.due_at < now)).length;

  const dupes = (await sql<{ ticket_id: number }>`SELECT ticket_id FROM triage_duplicates WHERE state = 'linked' AND ticket_id IN (${inIds})`.execute(db)).rows;
  const offers = ids.length ? await db.selectFrom("article_offers").select(["ticket_id", "outcome"]).where("ticket_id", "in", ids).execute() : [];
  const offeredTickets = new Set(offers.map((o) => o.ticket_id));
  const deflected = new Set(offers.filter((o) => o.outcome === "solved").map((o) => o.ticket_id));

  const ratings = await db
    .selectFrom("audit_events as a")
    .innerJoin("tickets as t", "t.id", "a.ticket_id")
    .select(["a.ticket_id", "a.to_value"])
    .where("a.field", "=", "satisfaction")
    .where("a.at", ">=", range.from)
    .where("a.at", "<", range.to)
    .where(inTeam as never)
    .orderBy("a.id")
    .execute();
  const lastRating = new Map<number, number>();
  for (const r of ratings) if (r.ticket_id !== null && Number(r.to_value)) lastRating.set(r.ticket_id, Number(r.to_value));
  const scores = [...lastRating.values()];

  const load = new Map<number, { open: number; resolved: number }>();
  for (const t of open) if (t.assignee_id) load.set(t.assignee_id, { ...(load.get(t.assignee_id) ?? { open: 0, resolved: 0 }), open: (load.get(t.assignee_id)?.open ?? 0) + 1 });
  for (const t of finished) if (t.assignee_id) load.set(t.assignee_id, { open: load.get(t.assignee_id)?.open ?? 0, resolved: (load.get(t.assignee_id)?.resolved ?? 0) + 1 });
  const names = new Map((await db.selectFrom("people").select(["id", "display_name"]).execute()).map((p) => [p.id, p.display_name]));
  const agents = [...load.entries()]
    .filter(([id]) => {
      const p = people.get(id);
      return p && (p.platform === "system" ? false : atLeast(roleOf(settings, { platform: p.platform, userId: p.user_id, email: p.email }), "agent"));
    })
    .map(([id, l]) => ({ name: names.get(id) ?? String(id), ...l }))
    .sort((a, b) => b.open + b.resolved - (a.open + a.resolved) || a.name.localeCompare(b.name));

  return {
    range,
    created: created.length,
    volumeByDay: [...byDay.entries()].map(([day, count]) => ({ day, count })),
    volumeByCategory: [...byCat.entries()].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    backlog: {
      open: open.length,
      medianAgeMs: spread(ages).medianMs,
      oldestAgeMs: ages.length ? Math.max(...ages) : null,
      buckets: [
        { label: "under 1 day", count: bucket(0, 1) },
        { label: "1-3 days", count: bucket(1, 3) },
        { label: "3-7 days", count: bucket(3, 7) },
        { label: "over 7 days", count: bucket(7, Infinity) },
      ],
    },
    timeToFirstAction: spread([...firstAction.values()]),
    timeToAcknowledge: spread(created.filter((t) => t.first_response_at !== null).map((t) => t.first_response_at! - t.created_at)),
    timeToResolve: spread(resolveTimes),
    sla: { measured: sla.length, breached, rate: rate(breached, sla.length) },
    reopenRate: { resolved: finished.length, reopened: finished.filter((t) => reopened.has(t.id)).length, rate: rate(finished.filter((t) => reopened.has(t.id)).length, finished.length) },
    duplicateRate: { created: created.length, duplicates: dupes.length, rate: rate(dupes.length, created.length) },
    deflectionRate: { offered: offeredTickets.size, deflected: deflected.size, rate: rate(deflected.size, created.length) },
    noHumanTouch: { closed: finished.length, untouched: finished.filter((t) => !touched.has(t.id)).length, rate: rate(finished.filter((t) => !touched.has(t.id)).length, finished.length) },
    csat: { count: scores.length, average: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null },
    agents,
  };
}
