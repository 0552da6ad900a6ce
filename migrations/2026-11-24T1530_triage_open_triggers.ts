// triage_open_fts kept in step with tickets at less cost: the first trigger rewrote a ticket's entry on every
// status change (new -> triaged -> in progress...), two full-text writes each, though only a move between open
// and done, or new words, changes what the duplicate search may find.
import { type Kysely, sql } from "kysely";

const OPEN = sql.raw("NOT IN ('resolved', 'closed')");
const DONE = sql.raw("IN ('resolved', 'closed')");

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS triage_open_au`.execute(db);
  await sql`CREATE TRIGGER triage_open_text AFTER UPDATE OF title, description ON tickets
    WHEN old.status ${OPEN} AND new.status ${OPEN} AND (old.title IS NOT new.title OR old.description IS NOT new.description) BEGIN
      DELETE FROM triage_open_fts WHERE rowid = old.id;
      INSERT INTO triage_open_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
    END`.execute(db);
  await sql`CREATE TRIGGER triage_open_done AFTER UPDATE OF status ON tickets WHEN old.status ${OPEN} AND new.status ${DONE} BEGIN
      DELETE FROM triage_open_fts WHERE rowid = old.id;
    END`.execute(db);
  await sql`CREATE TRIGGER triage_open_reopened AFTER UPDATE OF status ON tickets WHEN old.status ${DONE} AND new.status ${OPEN} BEGIN
      INSERT INTO triage_open_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
    END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["triage_open_text", "triage_open_done", "triage_open_reopened"]) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db);
  await sql`CREATE TRIGGER triage_open_au AFTER UPDATE OF status, title, description ON tickets BEGIN
      DELETE FROM triage_open_fts WHERE rowid = old.id;
      INSERT INTO triage_open_fts(rowid, title, description) SELECT new.id, new.title, new.description WHERE new.status NOT IN ('resolved', 'closed');
    END`.execute(db);
}
