// The inbox: requests an adapter acknowledges before it can act on them (Slack events, whose work may need
// Slack calls that do not fit in the 3 seconds before the ack). The raw request is committed here first, then
// acknowledged, then processed; a row not finished when the process stopped is processed again at start-up.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("inbox")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("platform", "text", (c) => c.notNull())
    // The request's own idempotency key (evt:<event_id>): a redelivery or a retry finds the row and adds none.
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("received_at", "integer", (c) => c.notNull())
    .addColumn("done_at", "integer")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text")
    .execute();
  // Start-up reads only the unfinished rows, oldest first.
  await sql`CREATE INDEX inbox_unfinished ON inbox(platform, id) WHERE done_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("inbox").ifExists().execute();
}
