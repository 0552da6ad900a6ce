// Frozen once landed: later changes go in a new migration.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE people (
      id            INTEGER PRIMARY KEY,
      platform      TEXT NOT NULL,
      user_id       TEXT NOT NULL,
      display_name  TEXT NOT NULL,
      email         TEXT,
      tz            TEXT,
      created_at    INTEGER NOT NULL,
      UNIQUE (platform, user_id)
    )`.execute(db);
  await sql`CREATE INDEX people_email ON people(email) WHERE email IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE tickets (
      id                 INTEGER PRIMARY KEY,
      title              TEXT NOT NULL,
      description        TEXT NOT NULL DEFAULT '',
      type               TEXT NOT NULL,
      category           TEXT,
      service            TEXT,
      impact             TEXT NOT NULL,
      urgency            TEXT NOT NULL,
      priority           TEXT NOT NULL,
      status             TEXT NOT NULL,
      requester_id       INTEGER NOT NULL REFERENCES people(id),
      assignee_id        INTEGER REFERENCES people(id),
      team               TEXT,
      tags               TEXT NOT NULL DEFAULT '[]',
      source_kind        TEXT NOT NULL,
      source_link        TEXT,
      source_ref         TEXT,
      resolution         TEXT,
      created_at         INTEGER NOT NULL,
      updated_at         INTEGER NOT NULL,
      first_response_at  INTEGER,
      resolved_at        INTEGER,
      closed_at          INTEGER
    )`.execute(db);
  await sql`CREATE INDEX tickets_status ON tickets(status)`.execute(db);
  await sql`CREATE INDEX tickets_requester ON tickets(requester_id)`.execute(db);
  await sql`CREATE INDEX tickets_assignee ON tickets(assignee_id)`.execute(db);
  await sql`CREATE INDEX tickets_created ON tickets(created_at)`.execute(db);

  // External-content FTS index over title and description, kept in step by triggers.
  await sql`CREATE VIRTUAL TABLE tickets_fts USING fts5(title, description, content='tickets', content_rowid='id', tokenize='porter unicode61')`.execute(db);
  await sql`CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
      INSERT INTO tickets_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
    END`.execute(db);
  await sql`CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
      INSERT INTO tickets_fts(tickets_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
    END`.execute(db);
  await sql`CREATE TRIGGER tickets_fts_au AFTER UPDATE OF title, description ON tickets BEGIN
      INSERT INTO tickets_fts(tickets_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
      INSERT INTO tickets_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
    END`.execute(db);

  await sql`
    CREATE TABLE comments (
      id          INTEGER PRIMARY KEY,
      ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
      author_id   INTEGER NOT NULL REFERENCES people(id),
      body        TEXT NOT NULL,
      internal    INTEGER NOT NULL DEFAULT 0,
      created_at  INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX comments_ticket ON comments(ticket_id)`.execute(db);

  await sql`
    CREATE TABLE audit_events (
      id          INTEGER PRIMARY KEY,
      at          INTEGER NOT NULL,
      ticket_id   INTEGER REFERENCES tickets(id),
      actor_id    INTEGER REFERENCES people(id),
      platform    TEXT NOT NULL,
      action      TEXT NOT NULL,
      field       TEXT,
      from_value  TEXT,
      to_value    TEXT,
      reason      TEXT
    )`.execute(db);
  await sql`CREATE INDEX audit_ticket ON audit_events(ticket_id)`.execute(db);

  // Durable outbound queue: a row per message, written in the transaction of the change that caused it.
  await sql`
    CREATE TABLE outbox (
      id               INTEGER PRIMARY KEY,
      key              TEXT NOT NULL UNIQUE,
      platform         TEXT NOT NULL,
      kind             TEXT NOT NULL,
      target           TEXT NOT NULL,
      ticket_id        INTEGER REFERENCES tickets(id),
      payload          TEXT NOT NULL,
      status           TEXT NOT NULL DEFAULT 'pending',
      attempts         INTEGER NOT NULL DEFAULT 0,
      next_attempt_at  INTEGER NOT NULL,
      last_error       TEXT,
      created_at       INTEGER NOT NULL,
      sent_at          INTEGER
    )`.execute(db);
  await sql`CREATE INDEX outbox_due ON outbox(status, platform, next_attempt_at)`.execute(db);
  await sql`CREATE INDEX outbox_target ON outbox(platform, target, id)`.execute(db);

  // Inbound requests already handled (Slack retries, Teams redelivery, double clicks), with the answer given.
  await sql`
    CREATE TABLE receipts (
      key         TEXT PRIMARY KEY,
      result      TEXT NOT NULL,
      created_at  INTEGER NOT NULL
    )`.execute(db);

  // Where a ticket lives on each platform (triage card, requester thread): adapters own the meaning of ref.
  await sql`
    CREATE TABLE ticket_links (
      ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
      platform    TEXT NOT NULL,
      role        TEXT NOT NULL,
      ref         TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      PRIMARY KEY (ticket_id, platform, role)
    )`.execute(db);
  await sql`CREATE INDEX ticket_links_ref ON ticket_links(platform, ref)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["ticket_links", "receipts", "outbox", "audit_events", "comments", "tickets_fts", "tickets", "people"]) {
    await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
  }
}
