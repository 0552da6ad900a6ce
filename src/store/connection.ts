import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDialectConfig } from "kysely";
import type { Database } from "./database.js";

export type Db = Kysely<Database>;

export class StorageError extends Error {
  constructor(
    message: string,
    readonly sqliteCode?: string,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

/** The SQLite error code (SQLITE_BUSY, SQLITE_FULL...) an error carries, if it came from SQLite. */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? code : undefined;
}

/** Turns SQLite's error codes into one line a person can act on. */
export function describeSqliteError(err: unknown, path?: string): string {
  const db = path ? `the database ${path}` : "the database";
  const code = (err as { code?: string })?.code ?? "";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return `${db} is locked by another process; try again in a moment`;
  if (code.startsWith("SQLITE_READONLY")) return `${db} is read-only; check the file's permissions`;
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT")
    return `${path ?? "the database file"} is not a Deskhand database (the file is not SQLite or is corrupt)`;
  if (code.startsWith("SQLITE_CANTOPEN")) return `cannot open ${db}; check that the folder exists and is writable`;
  if (code === "SQLITE_FULL") return `the disk holding ${db} is full`;
  return `${db} failed: ${(err as Error)?.message ?? String(err)}`;
}

export interface OpenOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
  /**
   * Checkpoint the WAL from a worker thread (every `checkpointEveryMs`, default 200 ms) instead of inside
   * whichever commit crosses SQLite's 1,000-page mark: a checkpoint writes the pages back and syncs the file,
   * which at a few hundred tickets a second was half of every commit's cost, paid on the thread that acks.
   * The bot turns it on; tests and one-shot tools keep SQLite's own.
   */
  checkpointInBackground?: boolean;
  checkpointEveryMs?: number;
}

/** Opens (or creates) the SQLite file with WAL, foreign keys and a busy timeout. */
export function openDatabase(path: string, opts: OpenOptions = {}): { db: Db; sqlite: SQLite.Database; checkpointer?: Checkpointer } {
  let sqlite: SQLite.Database;
  try {
    if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path, { readonly: opts.readonly ?? false, timeout: opts.busyTimeoutMs ?? 5000 });
    if (!opts.readonly) sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    // Statement journals and the savepoint journal of group commit (src/core/batches.ts) in memory, not in
    // temporary files: each command would otherwise create and write one (about 0.2 ms a ticket).
    sqlite.pragma("temp_store = MEMORY");
    // Touch the schema so a file that is not SQLite fails here, not at the first command.
    sqlite.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (err) {
    const mkdirFailed = ["EACCES", "ENOTDIR", "EEXIST", "EROFS", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "");
    throw new StorageError(
      mkdirFailed ? `cannot create the folder for the database at ${path}` : describeSqliteError(err, path),
      (err as { code?: string }).code,
    );
  }
  const checkpointer =
    opts.checkpointInBackground && !opts.readonly && path !== ":memory:"
      ? startCheckpointer(sqlite, path, opts.checkpointEveryMs ?? CHECKPOINT_EVERY_MS)
      : undefined;
  const db = new Kysely<Database>({ dialect: new FairSqliteDialect({ database: cachingStatements(sqlite) }, checkpointer) });
  return { db, sqlite, ...(checkpointer ? { checkpointer } : {}) };
}

/** Runs in the checkpointer thread: its own connection to the file, a PASSIVE checkpoint (never waits on writers) each tick. */
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.module);
const db = new SQLite(workerData.path, { timeout: 5000 });
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (e) { parentPort.postMessage(String(e && e.message || e)); }
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
  /** Ends the thread as a crash would (tests). */
  kill(): Promise<void>;
}

/**
 * How often the thread checkpoints. A burst of 200 tickets a second appends about 5,000 pages a second, so at
 * 1 s the main thread's own mark (below) was passed before each tick and it copied the pages itself: a 10 to
 * 20 ms commit about every 100 tickets, measured by bench intake. At 200 ms the thread keeps up, and the main
 * thread's checkpoint finds the pages already copied.
 */
const CHECKPOINT_EVERY_MS = 200;

/** SQLite's own mark, and the one kept while the thread runs (a busy WAL only starts over when SQLite checkpoints it). */
const AUTOCHECKPOINT_PAGES = 1000;
const AUTOCHECKPOINT_BEHIND_THREAD = 4000;

function startCheckpointer(sqlite: SQLite.Database, path: string, everyMs: number): Checkpointer {
  // Under steady writes a checkpoint from another connection never sees a quiet moment to start the WAL over,
  // so SQLite's own (on the main thread) still runs past this mark; it finds the pages already copied and
  // costs little. The file is cut back to this size after it.
  sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_BEHIND_THREAD}`);
  sqlite.pragma(`journal_size_limit = ${AUTOCHECKPOINT_BEHIND_THREAD * 4096}`);
  const worker = new Worker(CHECKPOINTER, { eval: true, workerData: { path, everyMs, module: createRequire(import.meta.url).resolve("better-sqlite3") } });
  let stopping = false;
  worker.on("message", (m) => process.emitWarning(`SQLite checkpoint of ${path} failed: ${String(m)}`));
  worker.on("error", (e) => process.emitWarning(`SQLite checkpointer for ${path} stopped: ${e.message}`));
  const ended = new Promise<void>((r) =>
    worker.once("exit", () => {
      // Gone without being stopped: SQLite checkpoints on its own again, as it would without the thread.
      if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      r();
    }),
  );
  // After the listeners: adding a "message" listener refs the worker again, and it must not keep a process alive.
  worker.unref();
  return {
    async stop() {
      stopping = true;
      worker.postMessage("stop");
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000).unref())]);
    },
    kill: () => worker.terminate().then(() => undefined),
  };
}

/**
 * Kysely prepares every query afresh, and preparing costs as much as running a small query; the desk runs
 * the same few hundred statements over and over, so each is prepared once and reused. (Kysely never
 * streams here, so a cached statement is never busy when it is reused.)
 */
function cachingStatements(sqlite: SQLite.Database, max = 2000): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = sqlite.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === "prepare") return prepare;
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Kysely's SQLite driver guards its one connection with a lock that, on release, wakes every query waiting
 * for it, and all but one go back to waiting: with hundreds of outbox deliveries under way, that costs the
 * square of the queue on every query. Here queries wait in line and only the first is woken.
 */
class FairSqliteDriver extends SqliteDriver {
  private readonly waiting: Array<() => void> = [];
  private held = false;

  constructor(
    config: SqliteDialectConfig,
    private readonly checkpointer?: Checkpointer,
  ) {
    super(config);
  }

  override async destroy(): Promise<void> {
    await this.checkpointer?.stop();
    await super.destroy();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    // A waiter that was woken but found it taken again keeps its place at the front.
    for (let woken = false; this.held; woken = true) await new Promise<void>((r) => (woken ? this.waiting.unshift(r) : this.waiting.push(r)));
    this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.held = false;
    // One waiter is woken; a query that asks in the meantime may go first, as with kysely's own lock.
    this.waiting.shift()?.();
  }
}

class FairSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly checkpointer?: Checkpointer,
  ) {
    super(config);
  }

  override createDriver(): SqliteDriver {
    return new FairSqliteDriver(this.config, this.checkpointer);
  }
}
