import type { Kysely } from "kysely";
import type { Database } from "./database.js";

type Q = Kysely<Database>;

export async function receiptFor(db: Q, key: string): Promise<string | undefined> {
  const r = await db.selectFrom("receipts").select("result").where("key", "=", key).executeTakeFirst();
  return r?.result;
}

export async function recordReceipt(db: Q, key: string, result: string, at: number): Promise<void> {
  await db.insertInto("receipts").values({ key, result, created_at: at }).onConflict((oc) => oc.column("key").doNothing()).execute();
}

export async function pruneReceipts(db: Q, olderThan: number): Promise<void> {
  await db.deleteFrom("receipts").where("created_at", "<", olderThan).execute();
}
