// Frozen once landed: later changes go in a new migration.
// Approvals: one request per ticket (its policy, rule and approvers), one vote per approver, the timers the
// approval scheduler fires exactly once (reminder, expiry, temporary access running out), a change request's
// risk/window/rollback/evidence, and temporary access grants (the ticket cannot close until revoked_at is set).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE approval_requests (
      ticket_id     INTEGER PRIMARY KEY REFERENCES tickets(id),
      policy        TEXT NOT NULL,
      rule          TEXT NOT NULL,
      approvers     TEXT NOT NULL,
      state         TEXT NOT NULL,
      requested_at  INTEGER NOT NULL,
      decided_at    INTEGER,
      escalated_at  INTEGER
    )`.execute(db);
  await sql`CREATE INDEX approval_requests_state ON approval_requests(state)`.execute(db);

  await sql`
    CREATE TABLE approval_votes (
      ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
      approver   TEXT NOT NULL,
      person_id  INTEGER NOT NULL REFERENCES people(id),
      decision   TEXT NOT NULL,
      reason     TEXT,
      at         INTEGER NOT NULL,
      PRIMARY KEY (ticket_id, approver)
    )`.execute(db);

  await sql`
    CREATE TABLE approval_timers (
      ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
      kind       TEXT NOT NULL,
      due_at     INTEGER NOT NULL,
      fired_at   INTEGER,
      PRIMARY KEY (ticket_id, kind)
    )`.execute(db);
  await sql`CREATE INDEX approval_timers_due ON approval_timers(due_at, ticket_id) WHERE fired_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE change_details (
      ticket_id       INTEGER PRIMARY KEY REFERENCES tickets(id),
      risk            TEXT,
      planned_window  TEXT,
      rollback        TEXT,
      evidence        TEXT
    )`.execute(db);

  await sql`
    CREATE TABLE access_grants (
      ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id),
      until       INTEGER NOT NULL,
      granted_by  INTEGER NOT NULL REFERENCES people(id),
      granted_at  INTEGER NOT NULL,
      revoked_at  INTEGER,
      revoked_by  INTEGER REFERENCES people(id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["access_grants", "change_details", "approval_timers", "approval_votes", "approval_requests"]) await sql`DROP TABLE ${sql.table(t)}`.execute(db);
}
