import type { Queryable } from "./database.js";

export async function receiptFor(db: Queryable, key: string): Promise<string | undefined> {
  const r = await db.selectFrom("receipts").select("result").where("key", "=", key).executeTakeFirst();
  return r?.result;
}

export async function recordReceipt(db: Queryable, key: string, result: string, at: number): Promise<void> {
  await db
    .insertInto("receipts")
    .values({ key, result, created_at: at })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

export async function pruneReceipts(db: Queryable, olderThan: number): Promise<void> {
  await db.deleteFrom("receipts").where("created_at", "<", olderThan).execute();
}
