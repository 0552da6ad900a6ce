import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Level, Priority, Status, Ticket, TicketType } from "../core/ticket.js";
import type { NewTicketRow, Queryable, TicketRow, TicketUpdate } from "./database.js";

export function toTicket(r: TicketRow): Ticket {
  return {
    number: r.id,
    title: r.title,
    description: r.description,
    type: r.type as TicketType,
    category: r.category,
    service: r.service,
    impact: r.impact as Level,
    urgency: r.urgency as Level,
    priority: r.priority as Priority,
    status: r.status as Status,
    requesterId: r.requester_id,
    assigneeId: r.assignee_id,
    team: r.team,
    tags: JSON.parse(r.tags) as string[],
    source: { kind: r.source_kind, link: r.source_link, ref: r.source_ref },
    resolution: r.resolution,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    firstResponseAt: r.first_response_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
  };
}

export async function insertTicket(db: Queryable, row: NewTicketRow): Promise<Ticket> {
  const created = await db.insertInto("tickets").values(row).returningAll().executeTakeFirstOrThrow();
  return toTicket(created);
}

export async function ticketByNumber(db: Queryable, number: number): Promise<Ticket | undefined> {
  const r = await db.selectFrom("tickets").selectAll().where("id", "=", number).executeTakeFirst();
  return r ? toTicket(r) : undefined;
}

export async function updateTicket(db: Queryable, number: number, changes: TicketUpdate): Promise<Ticket> {
  const r = await db.updateTable("tickets").set(changes).where("id", "=", number).returningAll().executeTakeFirstOrThrow();
  return toTicket(r);
}

export interface TicketFilter {
  requesterId?: number;
  assigneeId?: number;
  unassigned?: boolean;
  openOnly?: boolean;
  limit?: number;
  /** Sort keys put before priority (a desk's capabilities': SLA's soonest breach first); tickets whose key is NULL come after. */
  orderFirst?: readonly RawBuilder<unknown>[];
}

const PRIORITY_ORDER = sql<number>`CASE priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 ELSE 4 END`;

export async function listTickets(db: Queryable, f: TicketFilter): Promise<Ticket[]> {
  let q = db.selectFrom("tickets").selectAll();
  if (f.requesterId !== undefined) q = q.where("requester_id", "=", f.requesterId);
  if (f.assigneeId !== undefined) q = q.where("assignee_id", "=", f.assigneeId);
  if (f.unassigned) q = q.where("assignee_id", "is", null);
  if (f.openOnly) q = q.where("status", "not in", ["resolved", "closed"]);
  for (const key of f.orderFirst ?? []) q = q.orderBy(sql`${key} IS NULL`).orderBy(key);
  const rows = await q
    .orderBy(PRIORITY_ORDER)
    .orderBy("id")
    .limit(f.limit ?? 50)
    .execute();
  return rows.map(toTicket);
}

/** Full-text search over title and description, best match first (bm25). */
export async function searchTickets(db: Queryable, words: string, limit = 20): Promise<Ticket[]> {
  const query = ftsQuery(words);
  if (!query) return [];
  const rows = await db
    .selectFrom("tickets")
    .innerJoin(
      sql<{ rowid: number; rank: number }>`(SELECT rowid, bm25(tickets_fts) AS rank FROM tickets_fts WHERE tickets_fts MATCH ${query})`.as("m"),
      "m.rowid",
      "tickets.id",
    )
    .selectAll("tickets")
    .orderBy("m.rank")
    .limit(limit)
    .execute();
  return rows.map(toTicket);
}

/** Words to an FTS5 query that cannot be a syntax error: each word quoted, any of them may match. */
export function ftsQuery(words: string): string {
  const tokens = words.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(tokens)].map((t) => `"${t}"`).join(" OR ");
}

/** Tickets created in [from, to), and of one team when `team` is set: the tickets a report is about. */
export interface TicketWindow {
  from: number;
  to: number;
  team?: string;
}

/** The condition "this ticket is in the window", for a query that joins `tickets`. */
export function createdWithin(w: TicketWindow): RawBuilder<SqlBool> {
  const team = w.team ? sql` AND tickets.team = ${w.team}` : sql``;
  return sql<SqlBool>`(tickets.created_at >= ${w.from} AND tickets.created_at < ${w.to}${team})`;
}
