// Helpers for the persist-then-acknowledge tests: what another connection to the SQLite file sees (only
// committed rows, without waiting for the bot's transaction the way a query on the bot's own connection would).
import Database from "better-sqlite3";

export function committed<T = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
