// What the webhooks remember between requests (migration 2026-12-07T1801_hooks): the chunks of a large body
// taken so far, and the HMAC signatures already used. Raw SQL on the transaction, so the rest of the store's
// types need not know these two small tables.
import { sql } from "kysely";
import type { Queryable } from "./database.js";

export interface DeliveryChunk<R> {
  first: number;
  results: R[];
}

/** The chunks of one body committed since `since`, in order. */
export async function deliveryChunks<R>(db: Queryable, source: string, delivery: string, since: number): Promise<DeliveryChunk<R>[]> {
  const { rows } = await sql<{ first: number; results: string }>`SELECT first, results FROM alert_delivery_chunks WHERE source = ${source} AND delivery = ${delivery} AND at >= ${since} ORDER BY first`.execute(db);
  return rows.map((r) => ({ first: r.first, results: JSON.parse(r.results) as R[] }));
}

export async function recordDeliveryChunk(db: Queryable, source: string, delivery: string, first: number, results: unknown[], at: number): Promise<void> {
  await sql`INSERT INTO alert_delivery_chunks (source, delivery, first, results, at) VALUES (${source}, ${delivery}, ${first}, ${JSON.stringify(results)}, ${at})`.execute(db);
}

/** The body is taken whole: its chunks are forgotten, and so are chunks abandoned before `staleBefore`. */
export async function forgetDelivery(db: Queryable, source: string, delivery: string, staleBefore: number): Promise<void> {
  await sql`DELETE FROM alert_delivery_chunks WHERE (source = ${source} AND delivery = ${delivery}) OR at < ${staleBefore}`.execute(db);
}

/** Whether this signature was used at or after `since`. */
export async function signatureSeen(db: Queryable, source: string, signature: string, since: number): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM webhook_signatures WHERE source = ${source} AND signature = ${signature} AND at >= ${since}`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Records a used signature and forgets those used before `staleBefore` (past their window, no replay can pass). */
export async function recordSignature(db: Queryable, source: string, signature: string, at: number, staleBefore: number): Promise<void> {
  await sql`DELETE FROM webhook_signatures WHERE at < ${staleBefore}`.execute(db);
  await sql`INSERT INTO webhook_signatures (source, signature, at) VALUES (${source}, ${signature}, ${at}) ON CONFLICT (source, signature) DO UPDATE SET at = excluded.at`.execute(db);
}
