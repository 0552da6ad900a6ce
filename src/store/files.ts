// Stored files (charts, exports). Files are kept as bytes so a delivery that
// fails can be retried after a restart and a download link can be served; each expires.
import { randomBytes } from "node:crypto";
import type { Queryable, StoredFileRow } from "./database.js";

/** What messages carry of a stored file: never the bytes. */
export interface FileRef {
  token: string;
  name: string;
  title: string;
  mime: string;
  size: number;
}

/** Kept a week by default: long enough for the outbox's retries and for someone to click a link. */
export const FILE_TTL_MS = 7 * 86_400_000;

/** Stores the bytes under an unguessable token (192 random bits). */
export async function storeFile(db: Queryable, f: { name: string; title: string; mime: string; bytes: Buffer; at: number; ttlMs?: number }): Promise<FileRef> {
  const token = randomBytes(24).toString("base64url");
  // Expired files go as new ones come (indexed on expires_at), so the table holds about a week of them.
  await dropExpiredFiles(db, f.at);
  await db
    .insertInto("stored_files")
    .values({
      token,
      name: f.name,
      title: f.title,
      mime: f.mime,
      bytes: f.bytes,
      size: f.bytes.length,
      created_at: f.at,
      expires_at: f.at + (f.ttlMs ?? FILE_TTL_MS),
    })
    .execute();
  return { token, name: f.name, title: f.title, mime: f.mime, size: f.bytes.length };
}

/** The file, unless it never existed or has expired. */
export function fileByToken(db: Queryable, token: string, now: number): Promise<StoredFileRow | undefined> {
  return db.selectFrom("stored_files").selectAll().where("token", "=", token).where("expires_at", ">", now).executeTakeFirst();
}

export async function dropExpiredFiles(db: Queryable, now: number): Promise<number> {
  const r = await db.deleteFrom("stored_files").where("expires_at", "<=", now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
