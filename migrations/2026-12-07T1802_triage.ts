// Triage you can trust (issue 17): each agent correction the model learned from (so that a correction whose
// command rolled back is taken back out of the model, and corrections on open tickets survive a restart), the
// model's ranked suggestions (the card's Change button offers them first) and why the ticket's type was chosen.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE triage_lessons (
      id          INTEGER PRIMARY KEY,
      ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
      label       TEXT NOT NULL,
      nonce       TEXT NOT NULL UNIQUE,
      created_at  INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX triage_lessons_ticket ON triage_lessons(ticket_id, id)`.execute(db);
  await sql`ALTER TABLE triage_tickets ADD COLUMN ranked TEXT`.execute(db);
  await sql`ALTER TABLE triage_tickets ADD COLUMN type_reason TEXT`.execute(db);
  await sql`ALTER TABLE triage_tickets ADD COLUMN model_category TEXT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS triage_lessons`.execute(db);
  for (const c of ["ranked", "type_reason", "model_category"]) await sql`ALTER TABLE triage_tickets DROP COLUMN ${sql.raw(c)}`.execute(db);
}
