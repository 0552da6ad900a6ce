// Frozen once landed: later changes go in a new migration.
// SLA clocks (one per ticket and target) and the escalation steps the scheduler fires (one row per ticket,
// target and step; due_at is NULL while the clock is paused or stopped, fired_at is set exactly once).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE sla_clocks (
      ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
      target         TEXT NOT NULL,
      policy         TEXT NOT NULL,
      target_ms      INTEGER NOT NULL,
      calendar       TEXT,
      state          TEXT NOT NULL,
      started_at     INTEGER NOT NULL,
      consumed_ms    INTEGER NOT NULL DEFAULT 0,
      running_since  INTEGER,
      due_at         INTEGER,
      stopped_at     INTEGER,
      PRIMARY KEY (ticket_id, target)
    )`.execute(db);
  await sql`CREATE INDEX sla_clocks_due ON sla_clocks(due_at) WHERE due_at IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE sla_steps (
      ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
      target     TEXT NOT NULL,
      step       TEXT NOT NULL,
      due_at     INTEGER,
      fired_at   INTEGER,
      PRIMARY KEY (ticket_id, target, step)
    )`.execute(db);
  // The scheduler's one query per tick reads this index in order: only unfired steps with a due time are in it.
  await sql`CREATE INDEX sla_steps_due ON sla_steps(due_at, ticket_id) WHERE fired_at IS NULL AND due_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sla_steps`.execute(db);
  await sql`DROP TABLE sla_clocks`.execute(db);
}
