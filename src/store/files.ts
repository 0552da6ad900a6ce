// Stored files (charts, exports) and the digests already sent. Files are kept as bytes so a delivery that
// fails can be retried after a restart and a download link can be served; each expires.
import { randomBytes } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { Database } from "./database.js";

export interface StoredFilesTable {
  token: string;
  name: string;
  title: string;
  mime: string;
  bytes: Buffer;
  size: number;
  created_at: number;
  expires_at: number;
}

export interface DigestRunsTable {
  period: string;
  due_at: number;
  sent_at: number;
}

export type StoredFileRow = Selectable<StoredFilesTable>;
type FilesDb = Kysely<Database & { stored_files: StoredFilesTable; digest_runs: DigestRunsTable }>;
const filesDb = (db: Kysely<Database>) => db as unknown as FilesDb;

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
export async function storeFile(db: Kysely<Database>, f: { name: string; title: string; mime: string; bytes: Buffer; at: number; ttlMs?: number }): Promise<FileRef> {
  const token = randomBytes(24).toString("base64url");
  // Expired files go as new ones come (indexed on expires_at), so the table holds about a week of them.
  await dropExpiredFiles(db, f.at);
  await filesDb(db)
    .insertInto("stored_files")
    .values({ token, name: f.name, title: f.title, mime: f.mime, bytes: f.bytes, size: f.bytes.length, created_at: f.at, expires_at: f.at + (f.ttlMs ?? FILE_TTL_MS) })
    .execute();
  return { token, name: f.name, title: f.title, mime: f.mime, size: f.bytes.length };
}

/** The file, unless it never existed or has expired. */
export function fileByToken(db: Kysely<Database>, token: string, now: number): Promise<StoredFileRow | undefined> {
  return filesDb(db).selectFrom("stored_files").selectAll().where("token", "=", token).where("expires_at", ">", now).executeTakeFirst();
}

export async function dropExpiredFiles(db: Kysely<Database>, now: number): Promise<number> {
  const r = await filesDb(db).deleteFrom("stored_files").where("expires_at", "<=", now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Marks a digest period as sent; false when it already was (another run, or before a restart). */
export async function claimDigest(db: Kysely<Database>, period: string, dueAt: number, at: number): Promise<boolean> {
  const r = await filesDb(db).insertInto("digest_runs").values({ period, due_at: dueAt, sent_at: at }).onConflict((oc) => oc.column("period").doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function digestSent(db: Kysely<Database>, period: string): Promise<boolean> {
  return Boolean(await filesDb(db).selectFrom("digest_runs").select("period").where("period", "=", period).executeTakeFirst());
}
