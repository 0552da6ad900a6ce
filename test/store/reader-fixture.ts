// Read functions for test/store/reader-thread.test.ts, called as fn(db, ...args) in the reader thread.
import { threadId } from "node:worker_threads";
import type { Db } from "../../src/store/connection.js";

export async function ticketsAndThread(db: Db): Promise<{ tickets: number; threadId: number }> {
  const r = await db.selectFrom("tickets").select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return { tickets: Number(r.n), threadId };
}

export async function writes(db: Db): Promise<void> {
  await db.deleteFrom("tickets").execute();
}

export async function failsLikeAFolder(): Promise<void> {
  throw Object.assign(new Error("ENOTDIR: not a directory, mkdir '/srv/x'"), { code: "ENOTDIR" });
}
