// Webhooks, hardened (issue 16). `alert_delivery_chunks`: a webhook body too big for one short transaction is
// taken in chunks, each committed with a row saying which alerts it covered and what became of them, so a
// sender's retry of the same body after a crash continues where the last chunk ended instead of counting
// the first alerts twice; the rows go once the whole body is taken. `webhook_signatures`: the HMAC
// signatures used in the last minutes, so a replay of a signed request inside its window is refused.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE alert_delivery_chunks (
    source TEXT NOT NULL,
    delivery TEXT NOT NULL,
    first INTEGER NOT NULL,
    results TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (source, delivery, first)
  )`.execute(db);
  await sql`CREATE TABLE webhook_signatures (
    source TEXT NOT NULL,
    signature TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (source, signature)
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS webhook_signatures`.execute(db);
  await sql`DROP TABLE IF EXISTS alert_delivery_chunks`.execute(db);
}
