// The reports capability's queries on its own table (tables.ts): which digest periods went out.
import type { Queryable } from "../../store/database.js";

/** Marks a digest period as sent; false when it already was (another run, or before a restart). */
export async function claimDigest(db: Queryable, period: string, dueAt: number, at: number): Promise<boolean> {
  const r = await db
    .insertInto("digest_runs")
    .values({ period, due_at: dueAt, sent_at: at })
    .onConflict((oc) => oc.column("period").doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function digestSent(db: Queryable, period: string): Promise<boolean> {
  return Boolean(await db.selectFrom("digest_runs").select("period").where("period", "=", period).executeTakeFirst());
}
