// Files a command or a schedule hands to people (report charts, CSV exports, audit exports...), delivered on
// every platform through the outbox: the bytes are stored first, and the outbox row names them by token, so a
// failed upload is retried (after a restart too) without the command running again.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Queryable } from "../store/database.js";
import { type FileRef, storeFile } from "../store/files.js";
import { enqueue } from "../store/outbox.js";
import type { Outcome, OutcomeFile } from "./context.js";

export type { FileRef } from "../store/files.js";

/** The outbox kind every platform's deliverer knows for a message carrying files. */
export const FILE_MESSAGE = "file";

/** Where a file message goes: a channel (and thread), or a person's direct chat with the bot. */
export interface FileDestination {
  channel?: string;
  thread?: string;
  user?: string;
}

export interface FileMessage {
  /** Says what the files are (Slack's initial_comment; the card's text on Teams). */
  text: string;
  files: FileRef[];
  to: FileDestination;
}

/** The outbox target: one conversation's messages stay in order. */
export const fileTarget = (to: FileDestination) => `files:${to.channel ?? `user:${to.user ?? "?"}`}`;

/**
 * An outcome as people read it: each of its files named by its name, not by where it lies on this server. The
 * files still carry their paths: the console, run by the operator on this machine, prints them.
 */
export function withoutServerPaths(o: Outcome): Outcome {
  if (!o.ok || !o.files?.length) return o;
  return { ...o, text: namesForPaths(o.text, o.files) };
}

function namesForPaths(text: string, files: OutcomeFile[]): string {
  let out = text;
  for (const f of files) out = out.split(f.path).join(basename(f.path));
  return out;
}

/** Reads a command's files from disk into the store. */
export async function keepFiles(db: Queryable, files: OutcomeFile[], at: number): Promise<FileRef[]> {
  const out: FileRef[] = [];
  for (const f of files) out.push(await storeFile(db, { name: basename(f.path), title: f.title, mime: f.mime, bytes: readFileSync(f.path), at }));
  return out;
}

/**
 * Queues a command's files for one person on one platform, once per `key` (a redelivered command, answered
 * from its receipt, queues nothing more). Returns false when they were already queued.
 */
export async function queueOutcomeFiles(
  db: Queryable,
  m: { platform: string; key: string; text: string; files: OutcomeFile[]; to: FileDestination; at: number },
): Promise<boolean> {
  const key = `files:${m.platform}:${m.key}`;
  return db.transaction().execute(async (trx) => {
    if (await trx.selectFrom("outbox").select("id").where("key", "=", key).executeTakeFirst()) return false;
    const refs = await keepFiles(trx, m.files, m.at);
    await queueFileMessage(trx, { platform: m.platform, key, message: { text: namesForPaths(m.text, m.files), files: refs, to: m.to }, at: m.at });
    return true;
  });
}

/** One outbox row carrying stored files; call it inside the transaction that decided to send them. */
export async function queueFileMessage(trx: Queryable, m: { platform: string; key: string; message: FileMessage; at: number }): Promise<void> {
  await enqueue(trx, [{ key: m.key, platform: m.platform, kind: FILE_MESSAGE, target: fileTarget(m.message.to), payload: m.message, at: m.at }]);
}
