// The outbox worker asks, on every pass, for the oldest due messages. With outbox_due (status, platform,
// next_attempt_at) SQLite found every due row and sorted them all by id to keep the first few: under an
// outage's backlog (tens of thousands of messages waiting for a channel's pace) each pass cost tens of
// milliseconds of the thread that acknowledges Slack. This index holds only unfinished rows, in id order,
// so a pass reads the oldest few and stops.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX outbox_unfinished ON outbox(platform, id) WHERE status IN ('pending', 'retrying', 'sending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS outbox_unfinished`.execute(db);
}
