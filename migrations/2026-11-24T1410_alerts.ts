// Alerts from monitoring: one row per (source, fingerprint), pointing at the ticket that carries it.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE alerts (
      source        TEXT NOT NULL,
      fingerprint   TEXT NOT NULL,
      ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
      group_key     TEXT,
      service       TEXT,
      status        TEXT NOT NULL,
      labels        TEXT NOT NULL,
      link          TEXT,
      repeats       INTEGER NOT NULL DEFAULT 1,
      first_at      INTEGER NOT NULL,
      last_at       INTEGER NOT NULL,
      PRIMARY KEY (source, fingerprint)
    )`.execute(db);
  await sql`CREATE INDEX alerts_ticket ON alerts(ticket_id)`.execute(db);
  await sql`CREATE INDEX alerts_group ON alerts(source, group_key)`.execute(db);
  await sql`CREATE INDEX alerts_service ON alerts(source, service, first_at)`.execute(db);
  // One incident offer per source and service per storm window.
  await sql`
    CREATE TABLE alert_storms (
      source      TEXT NOT NULL,
      service     TEXT NOT NULL,
      at          INTEGER NOT NULL,
      ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
      PRIMARY KEY (source, service, at)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS alert_storms`.execute(db);
  await sql`DROP TABLE IF EXISTS alerts`.execute(db);
}
