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

  // The open tickets alone, indexed for the duplicate search: its cost follows the open queue, not the
  // whole history (tickets_fts holds every ticket ever opened). Triggers keep it in step with tickets.
  await sql`CREATE VIRTUAL TABLE triage_open_fts USING fts5(title, description, tokenize='porter unicode61')`.execute(db);
  await sql`INSERT INTO triage_open_fts(rowid, title, description) SELECT id, title, description FROM tickets WHERE status NOT IN ('resolved', 'closed')`.execute(db);
  await sql`CREATE TRIGGER triage_open_ai AFTER INSERT ON tickets WHEN new.status NOT IN ('resolved', 'closed') BEGIN
      INSERT INTO triage_open_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
    END`.execute(db);
  await sql`CREATE TRIGGER triage_open_au AFTER UPDATE OF status, title, description ON tickets BEGIN
      DELETE FROM triage_open_fts WHERE rowid = old.id;
      INSERT INTO triage_open_fts(rowid, title, description) SELECT new.id, new.title, new.description WHERE new.status NOT IN ('resolved', 'closed');
    END`.execute(db);
  await sql`CREATE TRIGGER triage_open_ad AFTER DELETE ON tickets BEGIN
      DELETE FROM triage_open_fts WHERE rowid = old.id;
    END`.execute(db);

  await sql`CREATE TABLE triage_shifts (person TEXT PRIMARY KEY, on_shift INTEGER NOT NULL, at INTEGER NOT NULL)`.execute(db);
  await sql`CREATE TABLE triage_rotation (team TEXT PRIMARY KEY, last_person TEXT NOT NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["triage_open_ai", "triage_open_au", "triage_open_ad"]) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db);
  for (const t of ["triage_open_fts", "triage_rotation", "triage_shifts", "triage_offers", "triage_duplicates", "triage_tickets"]) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
  }
}
