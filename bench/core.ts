// Ticket core throughput: tickets opened per second through Desk.handle (one transaction, audit event,
// receipt) against a baseline of bare INSERTs of the same rows through kysely, on the same file.
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";
import { timeIt } from "./timing.js";


export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 5000);
  const a = openDatabase(tempDbPath());
  await migrateToLatest(a.db);
  await a.db.insertInto("people").values({ platform: "console", user_id: "bench", display_name: "bench", email: null, tz: null, created_at: 0 }).execute();
  const bare = await timeIt(n, (i) =>
    a.db.insertInto("tickets").values({ title: `printer ${i} jams`, description: "", type: "incident", impact: "medium", urgency: "medium", priority: "P3", status: "new", requester_id: 1, tags: "[]", source_kind: "console", created_at: i, updated_at: i }).execute(),
  );
  const b = openDatabase(tempDbPath());
  await migrateToLatest(b.db);
  const desk = new Desk({ db: b.db, clock: systemClock, settings: exampleSettings() });
  const core = await timeIt(n, (i) => desk.handle({ actor: { platform: "console", userId: "bench" }, command: { kind: "create", title: `printer ${i} jams` }, idempotencyKey: `bench:${i}` }));
  const rows = [
    ["bare INSERT (baseline)", bare],
    ["Desk.handle(create)", core],
  ] as const;
  console.log(`${n} tickets each\n`);
  console.log("| path | tickets/s | p50 ms | p99 ms | vs baseline |");
  console.log("|---|---|---|---|---|");
  for (const [label, r] of rows) console.log(`| ${label} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${(r.perSec / bare.perSec).toFixed(2)}x |`);
  await a.db.destroy();
  await b.db.destroy();
}
