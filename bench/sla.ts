// SLA scheduler at scale: 100,000 open tickets (200,000 clocks, 400,000 escalation steps) in SQLite.
// Baseline: the same due-steps query forced to scan the table (NOT INDEXED), as a scheduler without the
// partial due_at index would. Then the real tick with nothing due, and with a batch of steps falling due,
// each tick counting its queries (kysely's log hook) and the heap after many ticks.
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Kysely, SqliteDialect, sql } from "kysely";
import { ManualClock } from "../src/core/clock.js";
import { standardCapabilities } from "../src/capabilities/index.js";
import { Desk } from "../src/core/desk.js";
import { SlaRules } from "../src/capabilities/sla/rules.js";
import { SlaScheduler } from "../src/capabilities/sla/scheduler.js";
import { openDatabase } from "../src/store/connection.js";
import type { Database } from "../src/store/database.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";

const DAY = 86400_000;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p99: s[Math.floor(s.length * 0.99)]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

// A collectable heap makes the memory figures mean live objects, not garbage waiting for collection.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 100_000);
  const ticks = Number(args[1] ?? 200);
  const path = tempDbPath();
  const { db: plain, sqlite } = openDatabase(path);
  await migrateToLatest(plain);
  let queries = 0;
  let dueQueries = 0;
  // The scheduler's due-steps query, told apart from the per-step re-checks (which name a ticket_id).
  const isDueQuery = (q: string) => /from "sla_steps" where "fired_at" is null and "due_at" is not null and "due_at" <=/.test(q);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (e) => {
      if (e.level !== "query") return;
      queries++;
      if (isDueQuery(e.query.sql)) dueQueries++;
    },
  });

  // Seed in one transaction with prepared statements (not the thing measured).
  const clock = new ManualClock();
  const now = clock.now();
  const steps = n * 4;
  const spacing = Math.floor((30 * DAY) / steps); // all due within the next 30 days, spread evenly
  const seedStart = performance.now();
  sqlite.exec(`INSERT INTO people (platform, user_id, display_name, created_at) VALUES ('console', 'carol', 'carol', 0)`);
  const t = sqlite.prepare(
    `INSERT INTO tickets (id, title, type, impact, urgency, priority, status, requester_id, tags, source_kind, created_at, updated_at) VALUES (?, ?, 'incident', 'medium', 'medium', 'P3', 'new', 1, '[]', 'console', ?, ?)`,
  );
  const c = sqlite.prepare(
    `INSERT INTO sla_clocks (ticket_id, target, policy, target_ms, calendar, state, started_at, consumed_ms, running_since, due_at) VALUES (?, ?, 'P3 (business hours, london)', ?, 'london', 'running', ?, 0, ?, ?)`,
  );
  const s = sqlite.prepare(`INSERT INTO sla_steps (ticket_id, target, step, due_at) VALUES (?, ?, ?, ?)`);
  sqlite.transaction(() => {
    let k = 0;
    // A stride coprime with the step count scatters each ticket's steps over the month.
    const dueOf = () => now + 1000 + ((k++ * 7919) % steps) * spacing;
    for (let i = 1; i <= n; i++) {
      t.run(i, `printer ${i} jams`, now, now);
      for (const target of ["first_response", "resolution"]) {
        const warn = dueOf();
        const breach = dueOf();
        c.run(i, target, 4 * 3600_000, now, now, Math.max(warn, breach));
        s.run(i, target, "warn", Math.min(warn, breach));
        s.run(i, target, "breach", Math.max(warn, breach));
      }
    }
  })();
  const seeded = performance.now() - seedStart;

  const desk = new Desk({ db, clock, settings: exampleSettings(), capabilities: standardCapabilities(exampleSettings(), clock) });
  const scheduler = new SlaScheduler(desk, new SlaRules(exampleSettings().sla!), clock, { batch: 500 });
  const plan = await sql<{
    detail: string;
  }>`EXPLAIN QUERY PLAN SELECT * FROM sla_steps WHERE fired_at IS NULL AND due_at IS NOT NULL AND due_at <= ${now} ORDER BY due_at, ticket_id LIMIT 500`.execute(
    db,
  );

  // Baseline: the same query, made to scan.
  const scan = sqlite.prepare(
    `SELECT * FROM sla_steps NOT INDEXED WHERE fired_at IS NULL AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, ticket_id LIMIT 500`,
  );
  const baseline: number[] = [];
  for (let i = 0; i < Math.min(ticks, 50); i++) {
    const a = performance.now();
    scan.all(now);
    baseline.push(performance.now() - a);
  }

  // The scheduler's tick with nothing due: one query, nothing fired.
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const idle: number[] = [];
  queries = 0;
  dueQueries = 0;
  for (let i = 0; i < ticks; i++) {
    const a = performance.now();
    await scheduler.tick();
    idle.push(performance.now() - a);
  }
  const idleQueries = queries / ticks;
  const idleDueQueries = dueQueries / ticks;
  gc();
  const heapAfterIdle = process.memoryUsage().heapUsed;

  // Ticks that fire: the clock moves so that `perTick` steps fall due before each tick.
  const perTick = 50;
  const firing: number[] = [];
  let fired = 0;
  let selects = 0;
  let firingQueries = 0;
  const firingTicks = Math.min(ticks, 20);
  for (let i = 0; i < firingTicks; i++) {
    clock.set(now + 1000 + (i + 1) * perTick * spacing - 1);
    queries = 0;
    dueQueries = 0;
    const before = fired;
    const a = performance.now();
    fired += await scheduler.tick();
    firing.push(performance.now() - a);
    firingQueries += queries;
    selects += dueQueries;
    if (fired - before !== perTick) throw new Error(`expected ${perTick} steps to fire, got ${fired - before}`);
  }
  gc();
  const rss = process.memoryUsage().rss;

  const b = stats(baseline);
  const iStats = stats(idle);
  const f = stats(firing);
  console.log(
    `${n.toLocaleString("en")} open tickets, ${(n * 2).toLocaleString("en")} clocks, ${steps.toLocaleString("en")} escalation steps due over 30 days (seeded in ${(seeded / 1000).toFixed(1)} s)`,
  );
  console.log(`query plan of the tick: ${plan.rows.map((r) => r.detail).join("; ")}\n`);
  console.log("| tick | ms p50 | ms p99 | due-step queries per tick | all queries per tick | steps fired per tick | p50 vs baseline |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(`| full scan, no index (baseline) | ${b.p50.toFixed(3)} | ${b.p99.toFixed(3)} | 1 | 1 | 0 | 1.00x |`);
  console.log(
    `| scheduler tick, nothing due | ${iStats.p50.toFixed(3)} | ${iStats.p99.toFixed(3)} | ${idleDueQueries.toFixed(0)} | ${idleQueries.toFixed(0)} | 0 | ${(iStats.p50 / b.p50).toFixed(4)}x |`,
  );
  console.log(
    `| scheduler tick, ${perTick} steps due | ${f.p50.toFixed(3)} | ${f.p99.toFixed(3)} | ${(selects / firingTicks).toFixed(0)} | ${(firingQueries / firingTicks).toFixed(0)} | ${perTick} | ${(f.p50 / b.p50).toFixed(2)}x |`,
  );
  console.log(`\nper fired step: ${(f.p50 / perTick).toFixed(2)} ms (its own transaction: re-check, mark fired, audit, notify, re-sync clocks)`);
  console.log(
    `memory: heap ${mb(heapBefore)} before ${ticks} idle ticks, ${mb(heapAfterIdle)} after (after a full gc); rss ${mb(rss)} at the end; the scheduler keeps no per-ticket state`,
  );
  await db.destroy();
}
