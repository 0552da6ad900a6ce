// Slack intake: signed `/ticket <text>` requests over loopback, from a load generator in a second process,
// at rising rates, to (a) a bare Bolt app that only acks (the framework's own ceiling) and (b) Deskhand's
// Slack adapter with the whole desk behind it, both mounted the same way on an HttpServer, with the fake
// Slack Web API answering
// (in a third process). Then counts the tickets in SQLite: none may be lost or doubled.
// Deskhand acknowledges each request only after its ticket is committed (group commit, src/core/batches.ts),
// with the answer in the ack itself; the bare app acknowledges before doing anything.
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { startSlack } from "../adapters/slack/app.js";
import { HELD } from "../adapters/slack/listeners/commands.js";
import { standardCapabilities } from "../src/capabilities/index.js";
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { HttpServer } from "../src/http/server.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";
import type { LoadJob, LoadResult } from "./intake-load.js";

const SECRET = "bench-signing-secret";
const SECONDS = 3;
/** Rounds at each rate (each: the bare app, then Deskhand); the table shows the round with the median ratio. */
const ROUNDS = 3;
const USERS = 20;

const pctOf = (n: number, of: number) => `${of ? ((100 * n) / of).toFixed(1) : "0"}%`;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : NaN;
};

async function bareBolt(apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: "/slack/events", logLevel: LogLevel.ERROR });
  const app = new App({ token: "xoxb-bare", receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 0 } } });
  app.command("/ticket", async ({ ack }) => {
    await ack();
  });
  const http = new HttpServer();
  http.route("POST", "/slack/events", (req, res) => receiver.requestListener(req, res));
  const port = await http.listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => http.close() };
}

export async function run(args: string[]): Promise<void> {
  const rates = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const plan = rates.length ? rates : [50, 100, 200, 400, 0];
  const fakeProcess = fork(new URL("./intake-fake.ts", import.meta.url).pathname, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const fakeUrl = await new Promise<string>((resolve) => fakeProcess.once("message", (m) => resolve((m as { url: string }).url)));
  const fake = { apiUrl: `${fakeUrl}/api/`, responseUrl: (id: string) => `${fakeUrl}/respond/${id}` };
  const settings = exampleSettings();
  const { db } = openDatabase(tempDbPath("intake.db"), { checkpointInBackground: true });
  await migrateToLatest(db);
  // `npm run bench intake -- core` measures the adapter over the bare ticket core (no triage/SLA/incidents).
  const coreOnly = args.includes("core");
  const desk = new Desk({ db, clock: systemClock, settings, capabilities: coreOnly ? [] : standardCapabilities(settings) });
  const http = new HttpServer();
  const port = await http.listen(0, "127.0.0.1");
  const logs: string[] = [];
  const slack = await startSlack({
    desk,
    config: { botToken: "xoxb-bench", signingSecret: SECRET, apiUrl: fake.apiUrl, triageChannel: "CTRIAGE" },
    http,
    clock: systemClock,
    log: (m) => logs.push(m),
  });
  const deskUrl = `http://127.0.0.1:${port}/slack/events`;
  const bare = await bareBolt(fake.apiUrl);

  const child = fork(new URL("./intake-load.ts", import.meta.url).pathname, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const load = (job: Omit<LoadJob, "secret" | "responseUrlBase" | "users" | "heldText">) =>
    new Promise<LoadResult>((resolve) => {
      child.once("message", (r) => resolve(r as LoadResult));
      child.send({ ...job, secret: SECRET, users: USERS, responseUrlBase: fake.responseUrl(""), heldText: HELD });
    });

  // Warm-up: every bench user known (users.info cached), JIT warm under load like the rounds', on both apps.
  await load({ url: bare.url, rate: 50, count: 100, concurrency: 1, label: "warm-bare", maxMs: 10_000 });
  await load({ url: deskUrl, rate: 100, count: 400, concurrency: 32, label: "warm", maxMs: 10_000 });
  await slack.idle();

  const rows: string[] = [];
  let acked = 0;
  let sentTotal = 0;
  for (const rate of plan) {
    const count = rate ? rate * SECONDS : 1500;
    const common = { rate, count, concurrency: 32, maxMs: 15_000 };
    // Rounds alternate the two apps, so a slow spell of the machine (a shared VM) falls on both.
    const rounds: { bareRate: number; deskRate: number; sent: number; failed: number; held: number; busy: number; cpuMs: number }[] = [];
    const bareLatencies: number[] = [];
    const deskLatencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const b = await load({ ...common, url: bare.url, label: `bare${rate}.${round}` });
      const label = `r${rate}.${round}`;
      const t0 = Date.now();
      // How busy the event loop that reads and acks the requests was, and the process's CPU per request
      // (every thread: triage's trainer and the checkpointer included): the headroom left at this rate.
      const loop0 = performance.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      const d = await load({ ...common, url: deskUrl, label });
      const loop = performance.eventLoopUtilization(loop0);
      const cpu = process.cpuUsage(cpu0);
      await slack.idle();
      const made = await db
        .selectFrom("tickets")
        .select([db.fn.countAll<number>().as("n"), db.fn.max("created_at").as("last")])
        .where("title", "like", `printer ${label}-%`)
        .executeTakeFirstOrThrow();
      acked += d.ok;
      sentTotal += d.sent;
      bareLatencies.push(...b.latencies);
      deskLatencies.push(...d.latencies);
      rounds.push({
        bareRate: (b.ok / b.elapsedMs) * 1000,
        deskRate: (Number(made.n) / Math.max(Number(made.last) - t0, d.elapsedMs)) * 1000,
        sent: d.sent,
        failed: d.failed + b.failed,
        held: d.held,
        busy: loop.utilization,
        cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, d.sent),
      });
    }
    const ratios = rounds.map((r) => r.deskRate / r.bareRate);
    const median = rounds[ratios.indexOf([...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)]!)]!;
    rows.push(
      `| ${rate ? `${rate} req/s` : "max (32 in flight)"} | ${rounds.reduce((n, r) => n + r.sent, 0)} | ${median.bareRate.toFixed(0)} | ${pct(bareLatencies, 0.5).toFixed(1)} / ${pct(bareLatencies, 0.99).toFixed(1)} | ${median.deskRate.toFixed(0)} | ${pct(deskLatencies, 0.5).toFixed(1)} / ${pct(deskLatencies, 0.99).toFixed(1)} | ${(median.deskRate / median.bareRate).toFixed(2)}x | ${ratios.map((r) => r.toFixed(2)).join(", ")} | ${pctOf(
        rounds.reduce((n, r) => n + r.held, 0),
        rounds.reduce((n, r) => n + r.sent, 0),
      )} | ${pctOf(median.busy, 1)} / ${median.cpuMs.toFixed(1)} | ${rounds.reduce((n, r) => n + r.failed, 0)} |`,
    );
  }
  const all = await db
    .selectFrom("tickets")
    .select([db.fn.countAll<number>().as("n"), db.fn.count<number>("title").distinct().as("distinct")])
    .where("title", "like", "printer r%")
    .executeTakeFirstOrThrow();
  const pending = await db.selectFrom("outbox").select(db.fn.countAll<number>().as("n")).where("status", "!=", "sent").executeTakeFirstOrThrow();
  console.log(
    `${coreOnly ? "Ticket core only (no capabilities)" : "Full desk (standard capabilities: triage, SLA, incidents...)"}; ${ROUNDS} rounds of ${SECONDS} s at each rate (max: 1,500 requests, 32 in flight), each round the bare app then Deskhand; ${USERS} users; loopback; generator in a second process`,
  );
  console.log("Rates: the round with the median ratio; ack latencies: every request of the rounds.");
  console.log(
    "Deskhand's ack follows the commit: a 200 means the ticket is in SQLite and carries the answer, or, for a request the desk could not commit within 2 s (held), that the raw request is in SQLite's inbox and the answer follows through response_url. The bare app acks before any work. Tickets/s counts tickets committed, held ones included.\n",
  );
  console.log(
    "Event loop busy: the share of the round the thread that reads and acknowledges requests was working (near 100%, requests queue behind each other and the ack waits); CPU: the process's, every thread, per request.\n",
  );
  console.log(
    "| offered load | requests | bare Bolt acks/s | bare ack p50 / p99 ms | Deskhand tickets/s | Deskhand ack (after commit) p50 / p99 ms | vs bare | each round | held | Deskhand event loop busy / CPU ms a request | errors |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  console.log(
    `\nAcked ${acked} of ${sentTotal} requests; tickets in SQLite: ${Number(all.n)} (${Number(all.distinct)} distinct): lost ${acked - Number(all.distinct)}, doubled ${Number(all.n) - Number(all.distinct)}.`,
  );
  console.log(
    `Outbox messages still queued behind the per-channel pacing (1 a second into the triage channel): ${Number(pending.n)}; they are delivered later, not lost.`,
  );
  child.kill();
  await slack.stop();
  await bare.close();
  await http.close();
  fakeProcess.send("stop");
  await db.destroy();
}
