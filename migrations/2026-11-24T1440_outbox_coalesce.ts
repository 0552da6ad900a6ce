// Outbox rows that say "redraw this" (a ticket's card, an incident's status message) carry a coalesce key:
// while one is still waiting, another for the same thing adds nothing, since the sender draws the latest state.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE outbox ADD COLUMN coalesce_key TEXT`.execute(db);
  await sql`CREATE INDEX outbox_coalesce ON outbox(platform, coalesce_key, status)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX outbox_coalesce`.execute(db);
  await sql`ALTER TABLE outbox DROP COLUMN coalesce_key`.execute(db);
}
