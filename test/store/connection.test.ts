// The one SQLite connection is shared by every query in the process: queries that wait for it get it in the
// order they asked, and a transaction holds it until it ends, whatever else is waiting.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/connection.js";
import { tempDbPath } from "../helpers/desk.js";

async function table() {
  const { db } = openDatabase(":memory:");
  await sql`CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT NOT NULL)`.execute(db);
  return db;
}

describe("SQLite connection", () => {
  it("serves waiting queries in the order they asked", async () => {
    const db = await table();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db
          .insertInto("log" as never)
          .values({ who: `q${i}` } as never)
          .execute(),
      ),
    );
    const rows = (await sql<{ who: string }>`SELECT who FROM log ORDER BY id`.execute(db)).rows.map((r) => r.who);
    expect(rows).toEqual(Array.from({ length: 200 }, (_, i) => `q${i}`));
    await db.destroy();
  });

  it("lets no query in while a transaction holds the connection, and serves the others after it", async () => {
    const db = await table();
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const trx = db.transaction().execute(async (t) => {
      await sql`INSERT INTO log (who) VALUES ('trx-1')`.execute(t);
      inside();
      await held;
      await sql`INSERT INTO log (who) VALUES ('trx-2')`.execute(t);
    });
    await entered;
    const others = Promise.all([1, 2, 3].map((i) => sql`INSERT INTO log (who) VALUES (${`other-${i}`})`.execute(db)));
    await new Promise((r) => setTimeout(r, 20));
    finish();
    await Promise.all([trx, others]);
    const rows = (await sql<{ who: string }>`SELECT who FROM log ORDER BY id`.execute(db)).rows.map((r) => r.who);
    expect(rows).toEqual(["trx-1", "trx-2", "other-1", "other-2", "other-3"]);
    await db.destroy();
  });

  it("frees the connection after a failed query and a rolled-back transaction", async () => {
    const db = await table();
    await expect(sql`INSERT INTO nowhere VALUES (1)`.execute(db)).rejects.toThrow(/no such table/);
    await expect(
      db.transaction().execute(async (t) => {
        await sql`INSERT INTO log (who) VALUES ('rolled back')`.execute(t);
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await sql`INSERT INTO log (who) VALUES ('after')`.execute(db);
    const rows = (await sql<{ who: string }>`SELECT who FROM log`.execute(db)).rows.map((r) => r.who);
    expect(rows).toEqual(["after"]);
    await db.destroy();
  });

  it("checkpoints from its own thread when asked: the file takes the pages while the connection goes on writing", async () => {
    const path = tempDbPath("checkpoint.db");
    const { db, sqlite } = openDatabase(path, { checkpointInBackground: true, checkpointEveryMs: 20 });
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(4000);
    await sql`CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT NOT NULL)`.execute(db);
    const before = statSync(path).size;
    for (let i = 0; i < 200; i++) await sql`INSERT INTO log (who) VALUES (${"x".repeat(2000)})`.execute(db);
    const deadline = Date.now() + 5000;
    while (statSync(path).size <= before + 200 * 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // Nothing here checkpointed (SQLite's own mark is 4,000 pages while the thread runs): the thread did.
    expect(statSync(path).size).toBeGreaterThan(before + 200 * 2000);
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM log`.execute(db)).rows[0]!.n).toBe(200);
    await db.destroy();
    const again = openDatabase(path);
    expect((await sql<{ n: number }>`SELECT count(*) AS n FROM log`.execute(again.db)).rows[0]!.n).toBe(200);
    await again.db.destroy();
  });

  it("does not keep a process alive that never closes the database", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", new URL("../fixtures/open-with-checkpointer.ts", import.meta.url).pathname, tempDbPath("alive.db")],
      { timeout: 20_000, encoding: "utf8" },
    );
    expect(run.error).toBeUndefined();
    expect(run.stdout).toBe("done");
    expect(run.status).toBe(0);
  });

  it("hands checkpoints back to SQLite if the thread dies", async () => {
    const { db, sqlite, checkpointer } = openDatabase(tempDbPath("dies.db"), { checkpointInBackground: true });
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(4000);
    await checkpointer!.kill();
    const deadline = Date.now() + 2000;
    while (sqlite.pragma("wal_autocheckpoint", { simple: true }) !== 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await db.destroy();
  });
});
