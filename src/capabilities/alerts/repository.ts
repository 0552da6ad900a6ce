import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";
import type { AlertRow } from "./tables.js";

export function alertByFingerprint(db: Queryable, source: string, fingerprint: string): Promise<AlertRow | undefined> {
  return db.selectFrom("alerts").selectAll().where("source", "=", source).where("fingerprint", "=", fingerprint).executeTakeFirst();
}

/** The open ticket that already carries an alert of this group, if any. */
export async function openTicketOfGroup(db: Queryable, source: string, groupKey: string): Promise<number | undefined> {
  const r = await db
    .selectFrom("alerts")
    .innerJoin("tickets", "tickets.id", "alerts.ticket_id")
    .select("alerts.ticket_id")
    .where("alerts.source", "=", source)
    .where("alerts.group_key", "=", groupKey)
    .where("tickets.status", "not in", ["resolved", "closed"])
    .orderBy("alerts.first_at", "desc")
    .executeTakeFirst();
  return r?.ticket_id;
}

export async function insertAlert(db: Queryable, a: Omit<AlertRow, "repeats">): Promise<void> {
  await db
    .insertInto("alerts")
    .values({ ...a, repeats: 1 })
    .execute();
}

export async function touchAlert(
  db: Queryable,
  source: string,
  fingerprint: string,
  changes: { status: string; labels: string; link: string | null; at: number; repeat: boolean; ticketId?: number },
): Promise<void> {
  await db
    .updateTable("alerts")
    .set((eb) => ({
      status: changes.status,
      labels: changes.labels,
      link: changes.link,
      last_at: changes.at,
      ...(changes.repeat ? { repeats: eb("repeats", "+", 1) } : {}),
      ...(changes.ticketId ? { ticket_id: changes.ticketId } : {}),
    }))
    .where("source", "=", source)
    .where("fingerprint", "=", fingerprint)
    .execute();
}

export function alertsOfTicket(db: Queryable, ticketId: number): Promise<AlertRow[]> {
  return db.selectFrom("alerts").selectAll().where("ticket_id", "=", ticketId).orderBy("first_at").execute();
}

/** Tickets this source opened for a service since `since`, oldest first. */
export async function recentAlertTickets(db: Queryable, source: string, service: string, since: number): Promise<number[]> {
  const rows = await db
    .selectFrom("alerts")
    .select("ticket_id")
    .distinct()
    .where("source", "=", source)
    .where("service", "=", service)
    .where("first_at", ">=", since)
    .orderBy("ticket_id")
    .execute();
  return rows.map((r) => r.ticket_id);
}

export async function stormSince(db: Queryable, source: string, service: string, since: number): Promise<boolean> {
  return (await stormTicket(db, source, service, since)) !== undefined;
}

/** The ticket that carries the service's storm noticed since `since` (the latest), if any. */
export async function stormTicket(db: Queryable, source: string, service: string, since: number): Promise<number | undefined> {
  const r = await db
    .selectFrom("alert_storms")
    .select("ticket_id")
    .where("source", "=", source)
    .where("service", "=", service)
    .where("at", ">=", since)
    .orderBy("at", "desc")
    .limit(1)
    .executeTakeFirst();
  return r?.ticket_id ?? undefined;
}

export async function recordStorm(db: Queryable, s: { source: string; service: string; at: number; ticketId: number }): Promise<void> {
  await db
    .insertInto("alert_storms")
    .values({ source: s.source, service: s.service, at: s.at, ticket_id: s.ticketId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** How many alerts a ticket carries (counted, not read: a storm's ticket carries thousands). */
export async function alertCountOfTicket(db: Queryable, ticketId: number): Promise<number> {
  const r = await db.selectFrom("alerts").select(db.fn.countAll<number>().as("n")).where("ticket_id", "=", ticketId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * What a ticket's card shows of its alerts, in three small queries instead of reading every row: a storm's
 * ticket carries thousands, and its card is drawn at each announcement. The first alert's labels and the
 * last one's link, in the order alertsOfTicket reads them (first seen, then as inserted).
 */
export async function alertSummaryOfTicket(
  db: Queryable,
  ticketId: number,
): Promise<{ count: number; firing: number; repeats: number; labels: string; link: string | null } | undefined> {
  const totals = await sql<{
    n: number;
    firing: number | null;
    repeats: number | null;
  }>`SELECT count(*) AS n, sum(status = 'firing') AS firing, sum(repeats) AS repeats FROM alerts WHERE ticket_id = ${ticketId}`.execute(db);
  const t = totals.rows[0];
  if (!t || !t.n) return undefined;
  const first = await sql<{ labels: string }>`SELECT labels FROM alerts WHERE ticket_id = ${ticketId} ORDER BY first_at, rowid LIMIT 1`.execute(db);
  const last = await sql<{ link: string | null }>`SELECT link FROM alerts WHERE ticket_id = ${ticketId} ORDER BY first_at DESC, rowid DESC LIMIT 1`.execute(db);
  return { count: Number(t.n), firing: Number(t.firing ?? 0), repeats: Number(t.repeats ?? 0), labels: first.rows[0]!.labels, link: last.rows[0]!.link };
}
