// How long a 90-day report takes over a large desk: N tickets (default 1,000,000) spread over 120 days,
// each with its audit trail, against a baseline of one bare aggregate scan over the same 90 days.
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { computeFigures, computeReportFigures } from "../src/capabilities/reports/figures.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";

const DAY = 86_400_000;

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 1_000_000);
  const path = tempDbPath("report-bench.db");
  const { db, sqlite } = openDatabase(path);
  await migrateToLatest(db);
  const now = Date.UTC(2026, 10, 24, 9);
  const start = now - 120 * DAY;
  const built = performance.now();
  // Seeded, not random: the same desk every run.
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  sqlite.exec("DROP TRIGGER IF EXISTS tickets_fts_ai"); // the FTS index is not what this measures
  const person = sqlite.prepare("INSERT INTO people (platform, user_id, display_name, created_at) VALUES ('console', ?, ?, 0)");
  const ticket =
    sqlite.prepare(`INSERT INTO tickets (title, description, type, category, impact, urgency, priority, status, requester_id, assignee_id, team, tags, source_kind, created_at, updated_at, first_response_at, resolved_at, closed_at)
    VALUES ('bench ticket', '', 'incident', ?, 'medium', 'medium', 'P3', ?, ?, ?, ?, '[]', 'console', ?, ?, ?, ?, ?)`);
  const audit = sqlite.prepare(
    "INSERT INTO audit_events (at, ticket_id, actor_id, platform, action, field, from_value, to_value) VALUES (?, ?, ?, 'console', ?, ?, ?, ?)",
  );
  const categories = ["Network", "Hardware", "Access", "Software", null];
  const teams = ["Network", "Service Desk", "Service Desk", "Service Desk", null];
  let audits = 0;
  sqlite.transaction(() => {
    for (let i = 1; i <= 60; i++) person.run(i <= 10 ? (["ana", "bob"][i - 1] ?? `agent${i}`) : `user${i}`, `person ${i}`);
    for (let i = 1; i <= n; i++) {
      const created = start + Math.floor(rnd() * 120 * DAY);
      const requester = 11 + Math.floor(rnd() * 50);
      const agent = 1 + Math.floor(rnd() * 2);
      const c = Math.floor(rnd() * 5);
      const ack = created + Math.floor(rnd() * 4 * 3_600_000);
      const resolved = rnd() < 0.85 ? ack + Math.floor(rnd() * 3 * DAY) : null;
      const done = resolved !== null && resolved < now;
      const status = done ? "resolved" : "in_progress";
      ticket.run(categories[c], status, requester, agent, teams[c], created, done ? resolved : ack, ack, done ? resolved : null, null);
      audit.run(created, i, requester, "create", "status", null, "new");
      audit.run(ack, i, agent, "claimed", "status", "new", "in_progress");
      audits += 2;
      if (rnd() < 0.2) {
        audit.run(ack + 3_600_000, i, agent, "status", "status", "in_progress", "waiting");
        audit.run(ack + 2 * 3_600_000, i, requester, "commented", "status", "waiting", "in_progress");
        audits += 2;
      }
      if (done) {
        audit.run(resolved, i, agent, "resolved", "status", "in_progress", "resolved");
        audits++;
      }
    }
  })();
  sqlite.exec("ANALYZE");
  const buildS = (performance.now() - built) / 1000;
  const settings = exampleSettings();
  const range = { from: now - 90 * DAY, to: now, days: 90 };

  const time = async (f: () => Promise<unknown> | unknown) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const baseline = () =>
    sqlite
      .prepare("SELECT count(*), avg(first_response_at - created_at), avg(resolved_at - created_at) FROM tickets WHERE created_at >= ? AND created_at < ?")
      .get(range.from, range.to);
  const report = () => computeFigures(db, settings, range, now);
  // What `report` runs since the chart compares periods: this period's figures, the previous period's, SLA
  // attainment for both, and the backlog and agents' load read back from the audit trail at the period's start.
  const compared = () => computeReportFigures(db, settings, range, now);
  await time(compared); // warm the page cache once, as a running desk would have it
  const runs = 3;
  let b = 0;
  let r = 0;
  let c = 0;
  let figures: Awaited<ReturnType<typeof report>> | undefined;
  for (let i = 0; i < runs; i++) {
    b += await time(baseline);
    r += await time(async () => (figures = await report()));
    c += await time(compared);
  }
  const size = statSync(path).size / 1024 / 1024;
  console.log(
    `${n.toLocaleString("en")} tickets, ${audits.toLocaleString("en")} audit events over 120 days; built in ${buildS.toFixed(1)} s; database ${size.toFixed(0)} MB; load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log("| 90-day query | ms (mean of 3) | vs baseline |");
  console.log("|---|---|---|");
  console.log(`| one bare aggregate scan of the range (baseline) | ${(b / runs).toFixed(0)} | 1.00x |`);
  console.log(`| this period's figures alone (the report before it compared periods) | ${(r / runs).toFixed(0)} | ${(r / b).toFixed(1)}x |`);
  console.log(`| the full report: both periods, SLA attainment, the standing at the start (no chart) | ${(c / runs).toFixed(0)} | ${(c / b).toFixed(1)}x |`);
  console.log(`\n${figures!.created.toLocaleString("en")} tickets opened in the range; ${figures!.timeToResolve.count.toLocaleString("en")} resolved.`);
  await db.destroy();
  if (process.env.KEEP_BENCH_DB) console.log(path);
}
