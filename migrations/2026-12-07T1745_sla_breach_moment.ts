// A clock keeps the moment it passed its target. A running clock's due_at is that moment, but a pause or a
// stop clears due_at, and the resume used to set it to the resume instant: a ticket breached 2 h before a
// wait read "Breached 0 min ago" after it. breached_at holds the moment through pauses, stops and reopens.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sla_clocks ADD COLUMN breached_at INTEGER`.execute(db);
  // Clocks already past their target and paused or stopped: the fired breach step kept the moment it was due.
  await sql`
    UPDATE sla_clocks SET breached_at = (
      SELECT s.due_at FROM sla_steps s
      WHERE s.ticket_id = sla_clocks.ticket_id AND s.target = sla_clocks.target AND s.step = 'breach' AND s.fired_at IS NOT NULL)
    WHERE state != 'running' AND consumed_ms > target_ms`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sla_clocks DROP COLUMN breached_at`.execute(db);
}
