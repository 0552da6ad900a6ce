// What the webhooks remember between requests (migration 2026-12-07T1801_hooks): the chunks of a large body
// taken so far, and the HMAC signatures already used.
import type { Queryable } from "./database.js";

export interface DeliveryChunk<R> {
  first: number;
  results: R[];
}

/** The chunks of one body committed since `since`, in order. */
export async function deliveryChunks<R>(db: Queryable, source: string, delivery: string, since: number): Promise<DeliveryChunk<R>[]> {
  const rows = await db
    .selectFrom("alert_delivery_chunks")
    .select(["first", "results"])
    .where("source", "=", source)
    .where("delivery", "=", delivery)
    .where("at", ">=", since)
    .orderBy("first")
    .execute();
  return rows.map((r) => ({ first: r.first, results: JSON.parse(r.results) as R[] }));
}

export async function recordDeliveryChunk(db: Queryable, source: string, delivery: string, first: number, results: unknown[], at: number): Promise<void> {
  await db
    .insertInto("alert_delivery_chunks")
    .values({ source, delivery, first, results: JSON.stringify(results), at })
    .execute();
}

/** The body is taken whole: its chunks are forgotten, and so are chunks abandoned before `staleBefore`. */
export async function forgetDelivery(db: Queryable, source: string, delivery: string, staleBefore: number): Promise<void> {
  await db
    .deleteFrom("alert_delivery_chunks")
    .where((eb) => eb.or([eb.and([eb("source", "=", source), eb("delivery", "=", delivery)]), eb("at", "<", staleBefore)]))
    .execute();
}

/** Whether this signature was used at or after `since`. */
export async function signatureSeen(db: Queryable, source: string, signature: string, since: number): Promise<boolean> {
  const r = await db
    .selectFrom("webhook_signatures")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("source", "=", source)
    .where("signature", "=", signature)
    .where("at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(r.n) > 0;
}

/** Records a used signature and forgets those used before `staleBefore` (past their window, no replay can pass). */
export async function recordSignature(db: Queryable, source: string, signature: string, at: number, staleBefore: number): Promise<void> {
  await db.deleteFrom("webhook_signatures").where("at", "<", staleBefore).execute();
  await db
    .insertInto("webhook_signatures")
    .values({ source, signature, at })
    .onConflict((oc) => oc.columns(["source", "signature"]).doUpdateSet({ at }))
    .execute();
}
