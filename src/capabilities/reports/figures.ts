// The report's figures, computed from the tickets and their audit trail. Clock rules follow the SLA issue:
// time spent waiting on the requester is not the desk's time, and a reopened ticket counts until its last
// resolution.
import { sql } from "kysely";
import type { Db } from "../../store/connection.js";
import { roleOf } from "../../core/people.js";
import { atLeast } from "../../core/permissions.js";
import type { DeskSettings } from "../../core/settings.js";
import { offerOutcomes } from "../knowledge/repository.js";
import { ratingsGiven } from "../satisfaction/repository.js";
import { clockTallies } from "../sla/repository.js";
import type { Target } from "../sla/tables.js";
import { linkedDuplicateCount } from "../triage/repository.js";

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

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of a moment in the desk's time zone. (A formatter is costly to make: one per zone.) */
export function dayKey(at: number, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) dayFormats.set(timeZone, (f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })));
  return f.format(at);
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
  // Everything is asked of SQLite by range (joins, not id lists), so a 90-day report over a million tickets
  // streams what it needs instead of loading the desk.
  const team = range.team ? sql`AND t.team = ${range.team}` : sql``;
  const createdIn = sql`t.created_at >= ${range.from} AND t.created_at < ${range.to} ${team}`;
  const finishedIn = sql`t.status IN ('resolved', 'closed') AND coalesce(t.resolved_at, t.closed_at) >= ${range.from} AND coalesce(t.resolved_at, t.closed_at) < ${range.to} ${team}`;
  const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows;
  // A person other than the requester, and not the desk itself.
  const byHuman = sql`a.actor_id IS NOT NULL AND a.actor_id != t.requester_id AND p.platform != 'system'`;

  const created = await rows(sql<{ created_at: number; category: string | null; ack: number | null }>`
    SELECT t.created_at, t.category, t.first_response_at - t.created_at AS ack FROM tickets t WHERE ${createdIn}`);
  const byDay = new Map<string, number>();
  for (let d = range.from; d < range.to; d += DAY) byDay.set(dayKey(d, settings.timezone), 0);
  const byCat = new Map<string, number>();
  for (const t of created) {
    const day = dayKey(t.created_at, settings.timezone);
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
    byCat.set(t.category ?? "Uncategorised", (byCat.get(t.category ?? "Uncategorised") ?? 0) + 1);
  }

  const open = await rows(sql<{ created_at: number; assignee_id: number | null }>`
    SELECT t.created_at, t.assignee_id FROM tickets t WHERE t.status NOT IN ('resolved', 'closed') ${team}`);
  const ages = open.map((t) => now - t.created_at);
  const bucket = (lo: number, hi: number) => ages.filter((a) => a >= lo * DAY && a < hi * DAY).length;

  const firstAction = await rows(sql<{ ms: number }>`
    SELECT min(a.at) - t.created_at AS ms FROM tickets t
    JOIN audit_events a ON a.ticket_id = t.id JOIN people p ON p.id = a.actor_id
    WHERE ${createdIn} AND ${byHuman} GROUP BY t.id`);

  const finished = await rows(sql<{ id: number; created_at: number; end_at: number; assignee_id: number | null; reopened: number; touched: number }>`
    SELECT t.id, t.created_at, coalesce(t.resolved_at, t.closed_at) AS end_at, t.assignee_id,
      EXISTS (SELECT 1 FROM audit_events a WHERE a.ticket_id = t.id AND a.action = 'reopened') AS reopened,
      EXISTS (SELECT 1 FROM audit_events a JOIN people p ON p.id = a.actor_id WHERE a.ticket_id = t.id AND ${byHuman}) AS touched
    FROM tickets t WHERE ${finishedIn} ORDER BY t.id`);
  const statusEvents = await rows(sql<StatusEvent>`
    SELECT a.ticket_id, a.at, a.to_value FROM audit_events a JOIN tickets t ON t.id = a.ticket_id
    WHERE ${finishedIn} AND a.field = 'status' ORDER BY a.ticket_id, a.id`);
  const eventsOf = new Map<number, StatusEvent[]>();
  for (const e of statusEvents) {
    const list = eventsOf.get(e.ticket_id);
    if (list) list.push(e);
    else eventsOf.set(e.ticket_id, [e]);
  }
  const resolveTimes = finished.map((t) => deskTime(t.created_at, t.end_at, eventsOf.get(t.id) ?? []));
  const reopened = finished.filter((t) => t.reopened).length;
  const untouched = finished.filter((t) => !t.touched).length;

  // Other capabilities' figures, through their own queries: the report knows none of their tables.
  const tallies = await clockTallies(db, range, now);
  const duplicates = await linkedDuplicateCount(db, range);
  const offers = await offerOutcomes(db, range);
  const scores = await ratingsGiven(db, range);

  const load = new Map<number, { open: number; resolved: number }>();
  const bump = (id: number | null, key: "open" | "resolved") => {
    if (id === null) return;
    const l = load.get(id) ?? { open: 0, resolved: 0 };
    l[key]++;
    load.set(id, l);
  };
  for (const t of open) bump(t.assignee_id, "open");
  for (const t of finished) bump(t.assignee_id, "resolved");
  const people = load.size
    ? await db
        .selectFrom("people")
        .select(["id", "platform", "user_id", "email", "display_name"])
        .where("id", "in", [...load.keys()])
        .execute()
    : [];
  const agents = people
    .filter((p) => p.platform !== "system" && atLeast(roleOf(settings, { platform: p.platform, userId: p.user_id, email: p.email }), "agent"))
    .map((p) => ({ name: p.display_name, ...load.get(p.id)! }))
    .sort((a, b) => b.open + b.resolved - (a.open + a.resolved) || a.name.localeCompare(b.name));

  const measured = tallies.reduce((n, t) => n + t.measured, 0);
  const breached = tallies.reduce((n, t) => n + t.breached, 0);
  const deflected = offers.deflected;
  return {
    range,
    created: created.length,
    volumeByDay: [...byDay.entries()].map(([day, count]) => ({ day, count })),
    volumeByCategory: [...byCat.entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    backlog: {
      open: open.length,
      medianAgeMs: spread(ages).medianMs,
      oldestAgeMs: ages.length ? ages.reduce((a, b) => Math.max(a, b), 0) : null,
      buckets: [
        { label: "under 1 day", count: bucket(0, 1) },
        { label: "1-3 days", count: bucket(1, 3) },
        { label: "3-7 days", count: bucket(3, 7) },
        { label: "over 7 days", count: bucket(7, Infinity) },
      ],
    },
    timeToFirstAction: spread(firstAction.map((r) => r.ms)),
    timeToAcknowledge: spread(created.filter((t) => t.ack !== null).map((t) => t.ack!)),
    timeToResolve: spread(resolveTimes),
    sla: { measured, breached, rate: rate(breached, measured) },
    reopenRate: { resolved: finished.length, reopened, rate: rate(reopened, finished.length) },
    duplicateRate: { created: created.length, duplicates, rate: rate(duplicates, created.length) },
    deflectionRate: { offered: offers.offered, deflected, rate: rate(deflected, created.length) },
    noHumanTouch: { closed: finished.length, untouched, rate: rate(untouched, finished.length) },
    csat: { count: scores.length, average: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null },
    agents,
  };
}

// ---- What the chart compares: each period-based figure against the period before, SLA attainment per target,
// and the backlog and each agent's open tickets as they stood when the period began.

/** The same number of days just before `range`. */
export function previousRange(range: Range): Range {
  const span = range.to - range.from;
  return { ...range, from: range.from - span, to: range.from };
}

export interface Attainment {
  /** Clocks stopped within their target. */
  met: number;
  /** Clocks past their target, stopped or not (the same test as Figures.sla). */
  breached: number;
  /** Clocks still counting (running or paused) and within their target. */
  open: number;
  /** met / (met + breached): what share of the decided clocks kept their target. */
  rate: number | null;
}

export interface SlaAttainment {
  firstResponse: Attainment;
  resolution: Attainment;
}

/** SLA attainment per target for the tickets opened in `range`, judged at `now`. */
export async function computeSlaAttainment(db: Db, range: Range, now: number): Promise<SlaAttainment> {
  const tallies = await clockTallies(db, range, now);
  const of = (target: Target): Attainment => {
    const t = tallies.find((x) => x.target === target);
    const met = t?.met ?? 0;
    const breached = t?.breached ?? 0;
    return { met, breached, open: (t?.measured ?? 0) - met - breached, rate: rate(met, met + breached) };
  };
  return { firstResponse: of("first_response"), resolution: of("resolution") };
}

export interface Standing {
  at: number;
  backlog: { open: number; buckets: { label: string; count: number }[] };
  /** Agents with open tickets assigned to them at `at`, most first. */
  agents: { name: string; open: number }[];
}

/** Age buckets of open tickets, as Figures.backlog counts them. */
export function ageBuckets(ages: number[]): { label: string; count: number }[] {
  const bucket = (lo: number, hi: number) => ages.filter((a) => a >= lo * DAY && a < hi * DAY).length;
  return [
    { label: "under 1 day", count: bucket(0, 1) },
    { label: "1-3 days", count: bucket(1, 3) },
    { label: "3-7 days", count: bucket(3, 7) },
    { label: "over 7 days", count: bucket(7, Infinity) },
  ];
}

/**
 * The open tickets and who held them at the moment `at`, read back from the audit trail: each ticket's last
 * status and assignee event before `at`. A ticket whose last resolution or close came before `at` was not open
 * then (a reopen clears both stamps), so only the others are looked up.
 */
export async function computeStanding(db: Db, settings: DeskSettings, range: Range, at: number): Promise<Standing> {
  const team = range.team ? sql`AND t.team = ${range.team}` : sql``;
  const rows = (
    await sql<{ created_at: number; status: string | null; assignee: string | null }>`
      SELECT t.created_at,
        (SELECT a.to_value FROM audit_events a WHERE a.ticket_id = t.id AND a.field = 'status' AND a.at < ${at} ORDER BY a.id DESC LIMIT 1) AS status,
        (SELECT a.to_value FROM audit_events a WHERE a.ticket_id = t.id AND a.field = 'assignee' AND a.at < ${at} ORDER BY a.id DESC LIMIT 1) AS assignee
      FROM tickets t
      WHERE t.created_at < ${at} AND (coalesce(t.resolved_at, t.closed_at) IS NULL OR coalesce(t.resolved_at, t.closed_at) >= ${at}) ${team}`.execute(db)
  ).rows;
  // A ticket with no status event yet before `at` was new then.
  const open = rows.filter((r) => r.status !== "resolved" && r.status !== "closed");
  const held = new Map<string, number>();
  for (const r of open) if (r.assignee) held.set(r.assignee, (held.get(r.assignee) ?? 0) + 1);
  // The audit trail names assignees as platform:user; they are matched back to people for their names and roles.
  const people = held.size
    ? await db
        .selectFrom("people")
        .select(["platform", "user_id", "email", "display_name"])
        .where(sql<string>`platform || ':' || user_id`, "in", [...held.keys()])
        .execute()
    : [];
  const agents = people
    .filter((p) => p.platform !== "system" && atLeast(roleOf(settings, { platform: p.platform, userId: p.user_id, email: p.email }), "agent"))
    .map((p) => ({ name: p.display_name, open: held.get(`${p.platform}:${p.user_id}`)! }))
    .sort((a, b) => b.open - a.open || a.name.localeCompare(b.name));
  return { at, backlog: { open: open.length, buckets: ageBuckets(open.map((r) => at - r.created_at)) }, agents };
}

/** The period-based figures of the period before, without the standing ones (backlog, agents) that only mean "now". */
export type PeriodFigures = Omit<Figures, "backlog" | "agents">;

export interface ReportFigures {
  current: Figures;
  previous: PeriodFigures;
  sla: { current: SlaAttainment; previous: SlaAttainment };
  /** The backlog and agents' open tickets when the period began, beside Figures.backlog and agents (now). */
  atStart: Standing;
}

/** Everything `report` tells and draws: this period, the one before, and how the desk stood when this one began. */
export async function computeReportFigures(db: Db, settings: DeskSettings, range: Range, now: number): Promise<ReportFigures> {
  const before = previousRange(range);
  const current = await computeFigures(db, settings, range, now);
  // The period before is judged as of now, like this one: its clocks still running are breached or not today.
  const { backlog: _b, agents: _a, ...previous } = await computeFigures(db, settings, before, now);
  return {
    current,
    previous,
    sla: { current: await computeSlaAttainment(db, range, now), previous: await computeSlaAttainment(db, before, now) },
    atStart: await computeStanding(db, settings, range, range.from),
  };
}
