// Frozen once landed: later changes go in a new migration.
// Where the Teams bot can speak: every conversation it has heard from (so proactive messages work after a
// restart), and each Teams user it knows (so it can open a 1:1 chat with someone who only spoke in a channel).
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE teams_conversations (
      conversation_id    TEXT PRIMARY KEY,
      conversation_type  TEXT NOT NULL,
      reference          TEXT NOT NULL,
      installed          INTEGER NOT NULL DEFAULT 0,
      updated_at         INTEGER NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE teams_users (
      user_id                   TEXT PRIMARY KEY,
      bot_user_id               TEXT NOT NULL,
      bot_id                    TEXT NOT NULL,
      service_url               TEXT NOT NULL,
      tenant_id                 TEXT,
      personal_conversation_id  TEXT,
      updated_at                INTEGER NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE teams_users`.execute(db);
  await sql`DROP TABLE teams_conversations`.execute(db);
}
