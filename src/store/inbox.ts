// The inbox (migrations/2026-12-07T1800_inbox.ts): raw requests committed before they are acknowledged, then
// processed. A row is finished once its work is done; unfinished rows are processed again at start-up. Their
// work is idempotent through the desk's receipts (the row's key is the command's idempotency key), so a row
// processed twice, once before a crash and once after, acts once.
import type { Queryable } from "./database.js";

export interface InboxRequest {
  id: number;
  key: string;
  body: string;
  attempts: number;
}

/**
 * Stores a request under its key. Returns its row id, or undefined when the key is already there (a retry or a
 * redelivery of a request that is stored, and processed or being processed): the caller acknowledges and stops.
 */
export async function storeRequest(db: Queryable, r: { platform: string; key: string; body: string; at: number }): Promise<number | undefined> {
  const row = await db
    .insertInto("inbox")
    .values({ platform: r.platform, key: r.key, body: r.body, received_at: r.at, done_at: null, error: null })
    .onConflict((oc) => oc.column("key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/** The platform's unfinished requests, oldest first, that have not yet failed `maxAttempts` times. */
export function unfinishedRequests(db: Queryable, platform: string, maxAttempts: number): Promise<InboxRequest[]> {
  return db
    .selectFrom("inbox")
    .select(["id", "key", "body", "attempts"])
    .where("platform", "=", platform)
    .where("done_at", "is", null)
    .where("attempts", "<", maxAttempts)
    .orderBy("id")
    .execute();
}

export async function finishRequest(db: Queryable, id: number, at: number): Promise<void> {
  await db.updateTable("inbox").set({ done_at: at, error: null }).where("id", "=", id).execute();
}

/** Counts a failed attempt (the row stays unfinished, and is tried again at the next start). */
export async function failedRequest(db: Queryable, id: number, error: string): Promise<void> {
  await db
    .updateTable("inbox")
    .set((eb) => ({ attempts: eb("attempts", "+", 1), error: error.slice(0, 500) }))
    .where("id", "=", id)
    .execute();
}

/** Forgets finished requests received before `olderThan` (their receipts keep answering redeliveries). */
export async function pruneInbox(db: Queryable, olderThan: number): Promise<number> {
  const r = await db.deleteFrom("inbox").where("done_at", "is not", null).where("received_at", "<", olderThan).executeTakeFirst();
  return Number(r.numDeletedRows);
}
