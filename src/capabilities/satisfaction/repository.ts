// Satisfaction keeps no table: a rating is an audit event (action "rate", field "satisfaction"). Its queries
// read them from there, so other capabilities (reports) need not know how a rating is recorded.
import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";

/**
 * The ratings given in [from, to) (on tickets of `team` when set): each ticket's last rating within the
 * window, as a score from 1 to 5.
 */
export async function ratingsGiven(db: Queryable, window: { from: number; to: number; team?: string }): Promise<number[]> {
  const team = window.team ? sql`AND t.team = ${window.team}` : sql``;
  const { rows } = await sql<{ score: string }>`
    SELECT a.to_value AS score FROM audit_events a JOIN tickets t ON t.id = a.ticket_id
    WHERE a.field = 'satisfaction' AND a.at >= ${window.from} AND a.at < ${window.to} ${team}
      AND a.id = (SELECT max(b.id) FROM audit_events b WHERE b.ticket_id = a.ticket_id AND b.field = 'satisfaction' AND b.at < ${window.to})`.execute(db);
  return rows.map((r) => Number(r.score)).filter((n) => n >= 1 && n <= 5);
}
