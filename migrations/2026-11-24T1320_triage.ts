// Triage: what was decided for each ticket (and whether agents agreed), duplicate links, incident
// offers, agents' shifts and each team's round-robin position.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE triage_tickets (
      ticket_id        INTEGER PRIMARY KEY REFERENCES tickets(id),
      category         TEXT,
      confidence       REAL,
      source           TEXT,
      reason           TEXT,
      applied          INTEGER NOT NULL DEFAULT 0,
      outcome          TEXT,
      corrected_to     TEXT,
      priority_reason  TEXT,
      owner_reason     TEXT,
      created_at       INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX triage_tickets_outcome ON triage_tickets(outcome)`.execute(db);

  // state: suggested (shown to agents), linked (an agent agreed), rejected (an agent said no).
  await sql`
    CREATE TABLE triage_duplicates (
      ticket_id    INTEGER PRIMARY KEY REFERENCES tickets(id),
      original_id  INTEGER NOT NULL REFERENCES tickets(id),
      score        REAL NOT NULL,
      state        TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      decided_at   INTEGER
    )`.execute(db);
  await sql`CREATE INDEX triage_duplicates_original ON triage_duplicates(original_id, state, created_at)`.execute(db);

  await sql`
    CREATE TABLE triage_offers (
      original_id  INTEGER PRIMARY KEY REFERENCES tickets(id),
      count        INTEGER NOT NULL,
      state        TEXT NOT NULL,
      created_at   INTEGER NOT NULL
    )`.execute(db);

  await sql`CREATE TABLE triage_shifts (person TEXT PRIMARY KEY, on_shift INTEGER NOT NULL, at INTEGER NOT NULL)`.execute(db);
  await sql`CREATE TABLE triage_rotation (team TEXT PRIMARY KEY, last_person TEXT NOT NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["triage_rotation", "triage_shifts", "triage_offers", "triage_duplicates", "triage_tickets"]) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
  }
}
