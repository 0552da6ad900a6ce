// Files the desk hands out (report charts, CSV exports, later audit exports): their bytes, so an outbox row that
// uploads one can be retried after a restart, and a download link can be served; and the digests already sent,
// one row a period, so a digest goes out once however often the process restarts.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE stored_files (
      token       TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      title       TEXT NOT NULL,
      mime        TEXT NOT NULL,
      bytes       BLOB NOT NULL,
      size        INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX stored_files_expires ON stored_files(expires_at)`.execute(db);
  await sql`
    CREATE TABLE digest_runs (
      period      TEXT PRIMARY KEY,
      due_at      INTEGER NOT NULL,
      sent_at     INTEGER NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["digest_runs", "stored_files"]) await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
}
