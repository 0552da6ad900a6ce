// Alerts under load: how many alerts a second the webhook accepts, and what a storm of 1,000 alerts in
// 10 seconds for one service does to the Slack `/ticket` ack path (p50/p99), against the same `/ticket`
// load with no storm, measured in the same run. Generators run in their own processes; the fake Slack
// Web API in a third.
import { HELD } from "../adapters/slack/listeners/commands.js";
import { fork } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { mountWebhooks } from "../adapters/webhooks/routes.js";
import { startSlack } from "../adapters/slack/app.js";
import { standardCapabilities } from "../src/capabilities/index.js";
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { HttpServer } from "../src/http/server.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { parseSettings } from "../src/settings.js";
import { EXAMPLE_SETTINGS, tempDbPath } from "../test/helpers/desk.js";
import { readFileSync } from "node:fs";
import type { LoadJob, LoadResult } from "./intake-load.js";
import type { StormJob, StormResult } from "./alerts-load.js";

const SECRET = "bench-signing-secret";
const TOKEN = "bench-alert-token";
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : NaN;
};

export async function run(args: string[]): Promise<void> {
  const ticketRate = Number(args[0] ?? 20);
  const fakeProcess = fork(new URL("./intake-fake.ts", import.meta.url).pathname, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const fakeUrl = await new Promise<string>((resolve) => fakeProcess.once("message", (m) => resolve((m as { url: string }).url)));
  const settings = parseSettings(
    `${readFileSync(EXAMPLE_SETTINGS, "utf8").replace(/^alerts:[\s\S]*$/m, "")}\nalerts:\n  sources:\n    - { name: generic, format: generic, auth: { bearer_env: BENCH_TOKEN } }\n`,
    "bench.yaml",
  );
  const { db } = openDatabase(tempDbPath("alerts.db"), { checkpointInBackground: true });
  await migrateToLatest(db);
  const desk = new Desk({ db, clock: systemClock, settings, capabilities: standardCapabilities(settings) });
  const http = new HttpServer();
  const port = await http.listen(0, "127.0.0.1");
  const slack = await startSlack({
    desk,
    config: { botToken: "xoxb-bench", signingSecret: SECRET, apiUrl: `${fakeUrl}/api/`, triageChannel: "CTRIAGE" },
    http,
    clock: systemClock,
    log: () => {},
  });
  mountWebhooks({ http, desk, clock: systemClock, sources: settings.alerts!, env: { BENCH_TOKEN: TOKEN }, log: () => {} });
  const base = `http://127.0.0.1:${port}`;

  const tickets = fork(new URL("./intake-load.ts", import.meta.url).pathname, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const storms = fork(new URL("./alerts-load.ts", import.meta.url).pathname, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ticketLoad = (label: string, seconds: number) =>
    new Promise<LoadResult>((resolve) => {
      tickets.once("message", (r) => resolve(r as LoadResult));
      tickets.send({
        url: `${base}/slack/events`,
        secret: SECRET,
        rate: ticketRate,
        count: ticketRate * seconds,
        concurrency: 32,
        users: 20,
        label,
        responseUrlBase: `${fakeUrl}/respond/`,
        maxMs: 30_000,
        heldText: HELD,
      } satisfies LoadJob);
    });
  const storm = (job: Omit<StormJob, "url" | "token">) =>
    new Promise<StormResult>((resolve) => {
      storms.once("message", (r) => resolve(r as StormResult));
      storms.send({ ...job, url: `${base}/hooks/generic`, token: TOKEN } satisfies StormJob);
    });

  await ticketLoad("warm", 2);
  await storm({ rate: 0, count: 50, concurrency: 4, sameFingerprint: false, label: "warm" });
  await slack.idle();

  const quiet = await ticketLoad("quiet", 10);
  await slack.idle();
  // One POST carrying 2,000 distinct alerts for one service, sent a second into a 10 s /ticket load: the
  // desk must keep acknowledging Slack while it works through them.
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const [bulkLoad, bulkPost] = await Promise.all([
    ticketLoad("bulk", 10),
    new Promise((r) => setTimeout(r, 1000)).then(() => storm({ rate: 0, count: 1, concurrency: 1, sameFingerprint: false, label: "bulk", perPost: 2000 })),
  ]);
  stalls.disable();
  await slack.idle();
  const [during, stormOne] = await Promise.all([
    ticketLoad("storm", 10),
    storm({ rate: 100, count: 1000, concurrency: 0, sameFingerprint: true, label: "one" }),
  ]);
  await slack.idle();
  const stormMany = await storm({ rate: 100, count: 1000, concurrency: 0, sameFingerprint: false, label: "many" });
  const flat = await storm({ rate: 0, count: 2000, concurrency: 16, sameFingerprint: true, label: "max" });
  const [oneTicket] = await db.selectFrom("alerts").select(["ticket_id", "repeats"]).where("fingerprint", "=", "one-storm").execute();
  const manyTickets = await db
    .selectFrom("alerts")
    .select(db.fn.count<number>("ticket_id").distinct().as("n"))
    .where("fingerprint", "like", "many-%")
    .executeTakeFirstOrThrow();
  const offers = await db.selectFrom("alert_storms").select(db.fn.countAll<number>().as("n")).where("service", "=", "checkout-many").executeTakeFirstOrThrow();

  const row = (label: string, r: LoadResult) => `| ${label} | ${r.ok}/${r.sent} | ${pct(r.latencies, 0.5).toFixed(1)} | ${pct(r.latencies, 0.99).toFixed(1)} |`;
  console.log(`/ticket at ${ticketRate} req/s for 10 s, signed, from a second process; the storm from a third; fake Slack API in a fourth.\n`);
  console.log("| /ticket ack | acked | p50 ms | p99 ms |");
  console.log("|---|---|---|---|");
  console.log(row("no storm (baseline)", quiet));
  console.log(
    `${row("during 1,000 alerts in 10 s for one service", during)}  p99 ${(pct(during.latencies, 0.99) / pct(quiet.latencies, 0.99)).toFixed(2)}x baseline`,
  );
  console.log(
    `${row("during one POST of 2,000 alerts", bulkLoad)}  p99 ${(pct(bulkLoad.latencies, 0.99) / pct(quiet.latencies, 0.99)).toFixed(2)}x baseline (target: p99 under 100 ms)`,
  );
  console.log(
    `\nThe 2,000-alert POST: ${bulkPost.accepted} accepted, ${bulkPost.failed} failed, answered in ${(bulkPost.elapsedMs / 1000).toFixed(2)} s; longest event-loop stall meanwhile ${(stalls.max / 1e6).toFixed(0)} ms.`,
  );
  console.log("\n| storm | alerts sent | accepted | failed | alerts/s | result |");
  console.log("|---|---|---|---|---|---|");
  const rate = (s: StormResult) => ((s.accepted / s.elapsedMs) * 1000).toFixed(0);
  console.log(
    `| 1,000 in 10 s, one fingerprint | ${stormOne.sent} | ${stormOne.accepted} | ${stormOne.failed} | ${rate(stormOne)} | one ticket (#${oneTicket?.ticket_id}), repeat count ${oneTicket?.repeats} |`,
  );
  console.log(
    `| 1,000 in 10 s, 1,000 fingerprints, one service | ${stormMany.sent} | ${stormMany.accepted} | ${stormMany.failed} | ${rate(stormMany)} | ${Number(manyTickets.n)} tickets, ${Number(offers.n)} incident offer (storm: offer mode) |`,
  );
  console.log(
    `| 2,000 as fast as 16 connections go | ${flat.sent} | ${flat.accepted} | ${flat.failed} | ${rate(flat)} | accepted per second, one fingerprint |`,
  );
  tickets.kill();
  storms.kill();
  await slack.stop();
  await http.close();
  fakeProcess.send("stop");
  await db.destroy();
}
