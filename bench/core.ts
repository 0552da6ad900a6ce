// Ticket core throughput: tickets opened per second through Desk.handle (one transaction, audit event,
// receipt) against a baseline of bare INSERTs of the same rows through kysely, on the same file.
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, plainTicketRow, tempDbPath } from "../test/helpers/desk.js";
import { timeIt } from "./timing.js";

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 5000);
  const a = openDatabase(tempDbPath());
  await migrateToLatest(a.db);
  await a.db.insertInto("people").values({ platform: "console", user_id: "bench", display_name: "bench", email: null, tz: null, created_at: 0 }).execute();
  const bare = await timeIt(n, (i) =>
    a.db
      .insertInto("tickets")
      .values(plainTicketRow(`printer ${i} jams`, i, "console"))
      .execute(),
  );
  const b = openDatabase(tempDbPath());
  await migrateToLatest(b.db);
  const desk = new Desk({ db: b.db, clock: systemClock, settings: exampleSettings() });
  const core = await timeIt(n, (i) =>
    desk.handle({ actor: { platform: "console", userId: "bench" }, command: { kind: "create", title: `printer ${i} jams` }, idempotencyKey: `bench:${i}` }),
  );
  const rows = [
    ["bare INSERT (baseline)", bare],
    ["Desk.handle(create)", core],
  ] as const;
  console.log(`${n} tickets each\n`);
  console.log("| path | tickets/s | p50 ms | p99 ms | vs baseline |");
  console.log("|---|---|---|---|---|");
  for (const [label, r] of rows)
    console.log(`| ${label} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.perSec / bare.perSec).toFixed(2)}x |`);
  await a.db.destroy();
  await b.db.destroy();
  await concurrent();
}

/**
 * Many deliveries under way at once (an outage fan-out keeps up to 500) each query the one connection in
 * turn: kysely's own SQLite dialect against the connection the desk opens (queries wait in line).
 */
async function concurrent(tasks = [50, 500], queries = 20): Promise<void> {
  const readAll = async (db: Kysely<any>, n: number) => {
    await db.schema
      .createTable("t")
      .ifNotExists()
      .addColumn("id", "integer", (c) => c.primaryKey())
      .execute();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        for (let k = 0; k < queries; k++) await db.selectFrom("t").selectAll().where("id", "=", i).execute();
      }),
    );
    return performance.now() - start;
  };
  console.log(`\nConcurrent tasks, ${queries} point reads each\n`);
  console.log("| tasks | kysely SqliteDialect ms (baseline) | desk connection ms | vs baseline |");
  console.log("|---|---|---|---|");
  for (const n of tasks) {
    const plain = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(tempDbPath()) }) });
    const desk = openDatabase(tempDbPath()).db as unknown as Kysely<any>;
    await readAll(plain, 10);
    await readAll(desk, 10);
    const base = await readAll(plain, n);
    const ours = await readAll(desk, n);
    console.log(`| ${n} | ${base.toFixed(0)} | ${ours.toFixed(0)} | ${(base / ours).toFixed(1)}x faster |`);
    await plain.destroy();
    await desk.destroy();
  }
}
