import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDialectConfig } from "kysely";
import type { Database } from "./database.js";

export type Db = Kysely<Database>;

export class StorageError extends Error {
  constructor(message: string, readonly sqliteCode?: string) {
    super(message);
    this.name = "StorageError";
  }
}

/** Turns SQLite's error codes into one line a person can act on. */
export function describeSqliteError(err: unknown, path?: string): string {
  const db = path ? `the database ${path}` : "the database";
  const code = (err as { code?: string })?.code ?? "";
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return `${db} is locked by another process; try again in a moment`;
  if (code.startsWith("SQLITE_READONLY")) return `${db} is read-only; check the file's permissions`;
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") return `${path ?? "the database file"} is not a Deskhand database (the file is not SQLite or is corrupt)`;
  if (code.startsWith("SQLITE_CANTOPEN")) return `cannot open ${db}; check that the folder exists and is writable`;
  if (code === "SQLITE_FULL") return `the disk holding ${db} is full`;
  return `${db} failed: ${(err as Error)?.message ?? String(err)}`;
}

export interface OpenOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/** Opens (or creates) the SQLite file with WAL, foreign keys and a busy timeout. */
export function openDatabase(path: string, opts: OpenOptions = {}): { db: Db; sqlite: SQLite.Database } {
  let sqlite: SQLite.Database;
  try {
    if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path, { readonly: opts.readonly ?? false, timeout: opts.busyTimeoutMs ?? 5000 });
    if (!opts.readonly) sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    // Touch the schema so a file that is not SQLite fails here, not at the first command.
    sqlite.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (err) {
    const mkdirFailed = ["EACCES", "ENOTDIR", "EEXIST", "EROFS", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "");
    throw new StorageError(mkdirFailed ? `cannot create the folder for the database at ${path}` : describeSqliteError(err, path), (err as { code?: string }).code);
  }
  const db = new Kysely<Database>({ dialect: new FairSqliteDialect({ database: cachingStatements(sqlite) }) });
  return { db, sqlite };
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
 * square of the queue on every query. Here queries wait in line and only the next one is woken.
 */
class FairSqliteDriver extends SqliteDriver {
  private readonly waiting: Array<() => void> = [];
  private held = false;

  override async acquireConnection(): Promise<DatabaseConnection> {
    // The releaser hands the connection over without freeing it, so no one can cut in between.
    if (this.held) await new Promise<void>((r) => this.waiting.push(r));
    else this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

class FairSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): SqliteDriver {
    return new FairSqliteDriver(this.config);
  }
}
