// Roles set by an admin at run time (`role @person <role>`), and the configured roles as last seen at
// start-up, so a change to the settings file's roles can be recorded in the audit trail.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE role_overrides (
      subject  TEXT PRIMARY KEY,
      role     TEXT NOT NULL CHECK (role IN ('requester', 'agent', 'lead', 'admin')),
      set_by   INTEGER REFERENCES people(id),
      set_at   INTEGER NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE role_config (
      id           INTEGER PRIMARY KEY,
      roles        TEXT NOT NULL,
      recorded_at  INTEGER NOT NULL
    )`.execute(db);
  // People on several platforms are linked by email when roles are worked out.
  await sql`CREATE INDEX IF NOT EXISTS people_email ON people(email)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS people_email`.execute(db);
  await sql`DROP TABLE IF EXISTS role_config`.execute(db);
  await sql`DROP TABLE IF EXISTS role_overrides`.execute(db);
}
