// Crash recovery for the outbox: when a row's delivery started and reached the platform call, and what
// became of a row that was in flight when the process stopped (looked for, found, sent again).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // The first attempt's time bounds the history search for a message that may already be posted.
  await sql`ALTER TABLE outbox ADD COLUMN first_attempt_at INTEGER`.execute(db);
  // Set just before the platform call of the current attempt; a row in `sending` without it sent nothing.
  await sql`ALTER TABLE outbox ADD COLUMN called_at INTEGER`.execute(db);
  // NULL, or for a row in flight at a stop: lookup (look for it before sending again), found, resent, may_repeat.
  await sql`ALTER TABLE outbox ADD COLUMN recovery TEXT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ["recovery", "called_at", "first_attempt_at"]) await sql`ALTER TABLE outbox DROP COLUMN ${sql.raw(c)}`.execute(db);
}
