import type { Queryable } from "../../store/database.js";
import type { IncidentRow, IncidentUpdateRow, StatusChannelRow } from "./tables.js";

export function insertIncident(
  db: Queryable,
  i: { title: string; severity: string; service: string | null; originTicketId: number | null; declaredBy: number; at: number },
): Promise<IncidentRow> {
  return db
    .insertInto("incidents")
    .values({
      title: i.title,
      severity: i.severity,
      status: "investigating",
      service: i.service,
      origin_ticket_id: i.originTicketId,
      declared_by: i.declaredBy,
      created_at: i.at,
      updated_at: i.at,
      resolved_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function incidentById(db: Queryable, id: number): Promise<IncidentRow | undefined> {
  return db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
}

export function openIncidents(db: Queryable): Promise<IncidentRow[]> {
  return db.selectFrom("incidents").selectAll().where("status", "!=", "resolved").orderBy("id").execute();
}

export function setIncidentStatus(db: Queryable, id: number, status: string, at: number): Promise<IncidentRow> {
  return db
    .updateTable("incidents")
    .set({ status, updated_at: at, ...(status === "resolved" ? { resolved_at: at } : {}) })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertUpdate(db: Queryable, u: { incidentId: number; authorId: number; status: string; body: string; at: number }): Promise<IncidentUpdateRow> {
  return db
    .insertInto("incident_updates")
    .values({ incident_id: u.incidentId, author_id: u.authorId, status: u.status, body: u.body, created_at: u.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updatesOf(db: Queryable, incidentId: number): Promise<IncidentUpdateRow[]> {
  return db.selectFrom("incident_updates").selectAll().where("incident_id", "=", incidentId).orderBy("id").execute();
}

export async function linkTicket(db: Queryable, l: { ticketId: number; incidentId: number; by: number | null; reason: string; at: number }): Promise<void> {
  await db
    .insertInto("incident_tickets")
    .values({ ticket_id: l.ticketId, incident_id: l.incidentId, linked_by: l.by, reason: l.reason, linked_at: l.at })
    .execute();
}

export async function unlinkTicket(db: Queryable, ticketId: number): Promise<void> {
  await db.deleteFrom("incident_tickets").where("ticket_id", "=", ticketId).execute();
}

export async function incidentOfTicket(db: Queryable, ticketId: number): Promise<number | undefined> {
  const r = await db.selectFrom("incident_tickets").select("incident_id").where("ticket_id", "=", ticketId).executeTakeFirst();
  return r?.incident_id;
}

export async function ticketsOfIncident(db: Queryable, incidentId: number): Promise<number[]> {
  const rows = await db.selectFrom("incident_tickets").select("ticket_id").where("incident_id", "=", incidentId).orderBy("ticket_id").execute();
  return rows.map((r) => r.ticket_id);
}

/** How many tickets an incident has (its status message shows the number; an outage can have thousands). */
export async function countTicketsOfIncident(db: Queryable, incidentId: number): Promise<number> {
  const r = await db.selectFrom("incident_tickets").select(db.fn.countAll<number>().as("n")).where("incident_id", "=", incidentId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function statusChannels(db: Queryable): Promise<StatusChannelRow[]> {
  return db.selectFrom("status_channels").selectAll().orderBy("platform").orderBy("channel").execute();
}

/** True when the channel was not subscribed before. */
export async function subscribeChannel(db: Queryable, c: { platform: string; channel: string; by: number | null; at: number }): Promise<boolean> {
  const r = await db
    .insertInto("status_channels")
    .values({ platform: c.platform, channel: c.channel, added_by: c.by, created_at: c.at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function unsubscribeChannel(db: Queryable, platform: string, channel: string): Promise<boolean> {
  const r = await db.deleteFrom("status_channels").where("platform", "=", platform).where("channel", "=", channel).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function setIncidentLink(db: Queryable, l: { incidentId: number; platform: string; channel: string; ref: string }): Promise<void> {
  await db
    .insertInto("incident_links")
    .values({ incident_id: l.incidentId, platform: l.platform, channel: l.channel, ref: l.ref })
    .onConflict((oc) => oc.columns(["incident_id", "platform", "channel"]).doUpdateSet({ ref: l.ref }))
    .execute();
}

export async function incidentLink(db: Queryable, incidentId: number, platform: string, channel: string): Promise<string | undefined> {
  const r = await db
    .selectFrom("incident_links")
    .select("ref")
    .where("incident_id", "=", incidentId)
    .where("platform", "=", platform)
    .where("channel", "=", channel)
    .executeTakeFirst();
  return r?.ref;
}
