// Incidents (outages): their status updates, the tickets they gather, and the channels that follow them.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE incidents (
      id               INTEGER PRIMARY KEY,
      title            TEXT NOT NULL,
      severity         TEXT NOT NULL,
      status           TEXT NOT NULL,
      service          TEXT,
      origin_ticket_id INTEGER REFERENCES tickets(id),
      declared_by      INTEGER NOT NULL REFERENCES people(id),
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL,
      resolved_at      INTEGER
    )`.execute(db);
  await sql`CREATE INDEX incidents_status ON incidents(status)`.execute(db);
  await sql`
    CREATE TABLE incident_updates (
      id           INTEGER PRIMARY KEY,
      incident_id  INTEGER NOT NULL REFERENCES incidents(id),
      author_id    INTEGER NOT NULL REFERENCES people(id),
      status       TEXT NOT NULL,
      body         TEXT NOT NULL,
      created_at   INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_updates_incident ON incident_updates(incident_id)`.execute(db);
  // A ticket belongs to at most one incident.
  await sql`
    CREATE TABLE incident_tickets (
      ticket_id    INTEGER PRIMARY KEY REFERENCES tickets(id),
      incident_id  INTEGER NOT NULL REFERENCES incidents(id),
      linked_by    INTEGER REFERENCES people(id),
      reason       TEXT NOT NULL,
      linked_at    INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX incident_tickets_incident ON incident_tickets(incident_id)`.execute(db);
  // Channels that get every incident's status updates (configured ones are added at start).
  await sql`
    CREATE TABLE status_channels (
      platform     TEXT NOT NULL,
      channel      TEXT NOT NULL,
      added_by     INTEGER REFERENCES people(id),
      created_at   INTEGER NOT NULL,
      PRIMARY KEY (platform, channel)
    )`.execute(db);
  // Where an incident's one status message lives in each channel (the adapter owns ref's format).
  await sql`
    CREATE TABLE incident_links (
      incident_id  INTEGER NOT NULL REFERENCES incidents(id),
      platform     TEXT NOT NULL,
      channel      TEXT NOT NULL,
      ref          TEXT NOT NULL,
      PRIMARY KEY (incident_id, platform, channel)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["incident_links", "status_channels", "incident_tickets", "incident_updates", "incidents"]) await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
}
