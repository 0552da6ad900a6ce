// Outage fan-out: one incident status update to 300 Slack and 100 Teams status channels and to 2,000
// requesters (1,500 Slack, 500 Teams), through the real desk, outbox workers and senders in a bot child
// process, to fake platforms in this process that enforce DESIGN.md's rate limits (test/fakes/rate-limits.ts,
// in front of FakeSlackApi and FakeBotConnector). Every limit, the fakes' and the senders' alike, is scaled
// by --scale (default 5) so the run takes a minute instead of six. Printed: completion time against the
// least time the limits allow, and 429s; then a second run with injected 429s, 5xx, timeouts and lost
// answers and one kill -9 of the bot mid-way: messages lost and delivered twice.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { dirname, join } from "node:path";
import { openDatabase } from "../src/store/connection.js";
import { FakeBotConnector } from "../test/fakes/bot-connector.js";
import { LimitedProxy, type Delivered, type FaultKind } from "../test/fakes/limited-proxy.js";
import { RateLimits, SLACK_LIMITS, TEAMS_LIMITS, minimumMs, slackLimitsOf, teamsLimitsOf, type Window } from "../test/fakes/rate-limits.js";
import { FakeSlackApi } from "../test/fakes/slack-api.js";
import { SCENARIO, copyFor, ids, seedTemplate } from "./fanout-seed.js";

interface RunOptions {
  scale: number;
  faults?: { rate: number; kinds: FaultKind[] };
  killAt?: number;
  timeoutMs: number;
}

/** Counts what the proxies recorded since the last call (each delivery is looked at once). */
class Tally {
  readonly slackStatus = new Map<string, number>();
  readonly slackRequesters = new Map<string, number>();
  readonly teamsStatus = new Map<string, number>();
  readonly teamsRequesters = new Map<string, number>();
  /** When the last target first got it, per platform. */
  readonly lastFirst = { slack: 0, teams: 0 };
  /** When the first target got it, per kind of target (for FANOUT_PROGRESS). */
  readonly firstAt = new Map<Map<string, number>, number>();
  private seen = { slack: 0, teams: 0 };

  constructor(private readonly marker: string) {}

  update(slack: Delivered[], teams: Delivered[]): this {
    for (; this.seen.slack < slack.length; this.seen.slack++) {
      const d = slack[this.seen.slack]!;
      if (d.status !== 200 || !d.answer.ok || !JSON.stringify(d.body).includes(this.marker)) continue;
      const ch = String(d.body.channel);
      if (d.path === "/api/chat.update" && ch.startsWith("CSTATUS")) this.add(this.slackStatus, ch, d.at, "slack");
      if (d.path === "/api/chat.postMessage" && ch.startsWith("DREQ")) this.add(this.slackRequesters, ch, d.at, "slack");
    }
    for (; this.seen.teams < teams.length; this.seen.teams++) {
      const d = teams[this.seen.teams]!;
      if (d.status >= 300 || !JSON.stringify(d.body).includes(this.marker)) continue;
      const conv = decodeURIComponent(d.path.split("/")[3] ?? "");
      if (d.method === "PUT" && conv.startsWith("19:status-")) this.add(this.teamsStatus, conv, d.at, "teams");
      if (d.method === "POST" && conv.startsWith("a:personal-req-")) this.add(this.teamsRequesters, conv, d.at, "teams");
    }
    return this;
  }

  private add(m: Map<string, number>, k: string, at: number, p: "slack" | "teams"): void {
    if (!m.has(k)) this.lastFirst[p] = Math.max(this.lastFirst[p], at);
    if (!this.firstAt.has(m)) this.firstAt.set(m, at);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
}

/**
 * What Slack sends back for a post or an edit (about a kilobyte): FakeSlackApi spreads the spec's sample
 * message, a union of every field (2 MB), which would make the bot's client spend its time decoding.
 */
function realisticAnswer(call: { path: string }, json: Record<string, any>): Record<string, any> | undefined {
  if (call.path !== "/api/chat.postMessage" && call.path !== "/api/chat.update") return undefined;
  if (!json.ok) return json;
  const m = json.message as Record<string, unknown> | undefined;
  const message = m
    ? Object.fromEntries(["type", "subtype", "text", "user", "bot_id", "ts", "thread_ts", "metadata"].filter((k) => m[k] !== undefined).map((k) => [k, m[k]]))
    : undefined;
  return { ok: true, channel: json.channel, ts: json.ts, ...(json.text !== undefined ? { text: json.text } : {}), ...(message ? { message } : {}) };
}

const delivered = (t: Tally) => t.slackStatus.size + t.slackRequesters.size + t.teamsStatus.size + t.teamsRequesters.size;
const expected = SCENARIO.slackChannels + SCENARIO.slackRequesters + SCENARIO.teamsChannels + SCENARIO.teamsRequesters;
const twice = (m: Map<string, number>) => [...m.values()].filter((n) => n > 1).length;

function startBot(db: string, slackApi: string, scale: number, logFile: string): Promise<ChildProcess> {
  const out = openSync(logFile, "a");
  const prof = process.env.FANOUT_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.FANOUT_PROFILE}`] : [];
  const child = spawn(process.execPath, [...prof, "--import", "tsx", join(dirname(new URL(import.meta.url).pathname), "fanout-bot.ts")], {
    env: { ...process.env, FANOUT_DB: db, FANOUT_SLACK_API: slackApi, FANOUT_RATE_SCALE: String(scale) },
    stdio: ["ignore", out, out, "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the bot exited (${code}) before it was ready; see ${logFile}`)));
    child.on("message", (m: { kind: string }) => m.kind === "ready" && resolve(child));
  });
}

const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

async function unfinished(dbPath: string): Promise<Record<string, number>> {
  const { db } = openDatabase(dbPath);
  try {
    const rows = await db
      .selectFrom("outbox")
      .select(["platform", "status", db.fn.countAll<number>().as("n")])
      .groupBy(["platform", "status"])
      .execute();
    // In flight: a row whose platform call had started (rows still waiting in a pace were sent nowhere).
    const called = await db
      .selectFrom("outbox")
      .select(["platform", db.fn.countAll<number>().as("n")])
      .where("status", "=", "sending")
      .where("called_at", "is not", null)
      .groupBy("platform")
      .execute();
    return Object.fromEntries([...rows.map((r) => [`${r.platform}:${r.status}`, Number(r.n)]), ...called.map((r) => [`${r.platform}:called`, Number(r.n)])]);
  } finally {
    await db.destroy();
  }
}

async function runOnce(template: string, o: RunOptions) {
  const slackFake = await new FakeSlackApi().start();
  slackFake.lean = true;
  // Message ts from the clock, as Slack's: the lookup of a message in doubt reads history from shortly before its first attempt.
  slackFake.tsClock = () => Date.now();
  const slackLimits = new RateLimits(SLACK_LIMITS, o.scale);
  const message = (d: { path: string }) => d.path === "/api/chat.postMessage" || d.path === "/api/chat.update";
  const faults = o.faults ? { ...o.faults, holdMs: 500, faultable: message } : undefined;
  const slack = new LimitedProxy({
    upstream: slackFake.url,
    platform: "slack",
    limits: slackLimits,
    limitsOf: (c) => slackLimitsOf(c.path.replace(/^\/api\//, ""), c.body),
    answer: realisticAnswer,
    ...(faults ? { faults } : {}),
  });
  await slack.start();
  const connector = new FakeBotConnector();
  await connector.start();
  const teamsLimits = new RateLimits(TEAMS_LIMITS, o.scale);
  const teamsFaults = o.faults ? { ...o.faults, holdMs: 500, faultable: (c: { path: string }) => c.path.includes("/activities") } : undefined;
  const teams = new LimitedProxy({
    upstream: connector.url,
    platform: "teams",
    limits: teamsLimits,
    limitsOf: (c) => {
      const conv = c.path.match(/^\/v3\/conversations\/([^/]+)/)?.[1];
      const tenant = String(c.body?.conversation?.tenantId ?? c.body?.tenantId ?? ids.tenant);
      return conv ? teamsLimitsOf(decodeURIComponent(conv), tenant) : c.path === "/v3/conversations" ? [{ limit: "tenant", key: tenant }] : [];
    },
    ...(teamsFaults ? { faults: teamsFaults } : {}),
  });
  await teams.start();
  const db = await copyFor(template, teams.url);
  const logFile = `${db}.bot.log`;

  let bot = await startBot(db, `${slack.url}/api/`, o.scale, logFile);
  const orphan = () => bot.kill("SIGKILL");
  process.once("exit", orphan);
  const marker = `bench-${Date.now().toString(36)}`;
  const start = Date.now();
  const outcome = new Promise<{ ok: boolean; text: string; ms: number }>((r) => bot.once("message", r as never));
  bot.send({ kind: "update", text: `Mail is flowing again for most people; we are watching the queues (${marker})` });
  const said = await outcome;
  if (!said.ok) throw new Error(`the update was refused: ${said.text}`);
  if (process.env.FANOUT_PROGRESS) console.error(`the update's command took ${fmt(said.ms)}: ${said.text}`);

  let inFlightAtKill: Record<string, number> | undefined;
  const deadline = start + o.timeoutMs;
  // What reached each target with this update's text, from the proxies' record of what took effect upstream.
  const t = new Tally(marker);
  let lastReport = start;
  for (;;) {
    t.update(slack.delivered, teams.delivered);
    if (o.killAt !== undefined && !inFlightAtKill && delivered(t) >= o.killAt * expected) {
      bot.kill("SIGKILL");
      await exited(bot);
      const left = await unfinished(db);
      inFlightAtKill = { slack: left["slack:called"] ?? 0, teams: left["teams:called"] ?? 0 };
      bot = await startBot(db, `${slack.url}/api/`, o.scale, logFile);
    }
    if (delivered(t) >= expected) {
      // Every target has it; a fault run waits for the outbox to settle too (late retries could still double).
      const left = await unfinished(db);
      const open = Object.entries(left).filter(([k]) => /:(pending|retrying|sending)$/.test(k));
      if (!o.faults || !open.length) break;
    }
    if (Date.now() > deadline) break;
    if (process.env.FANOUT_PROGRESS && Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      console.error(`${fmt(Date.now() - start)}: slack ${t.slackStatus.size}+${t.slackRequesters.size}, teams ${t.teamsStatus.size}+${t.teamsRequesters.size}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (process.env.FANOUT_PROGRESS) {
    const first = (m: Map<string, number>) => fmt((t.firstAt.get(m) ?? NaN) - start);
    console.error(
      `first arrivals: Slack status ${first(t.slackStatus)}, requesters ${first(t.slackRequesters)}; Teams status ${first(t.teamsStatus)}, requesters ${first(t.teamsRequesters)}`,
    );
  }
  bot.kill("SIGTERM");
  await exited(bot);
  process.removeListener("exit", orphan);
  const outbox = await unfinished(db);
  const result = {
    t,
    slackMs: t.lastFirst.slack - start,
    teamsMs: t.lastFirst.teams - start,
    rateLimited: { slack: slack.rateLimited, teams: teams.rateLimited },
    refusedBy: { slack: Object.fromEntries(slackLimits.refused), teams: Object.fromEntries(teamsLimits.refused) },
    injected: { slack: slack.injected, teams: teams.injected },
    inFlightAtKill,
    outbox,
    violations: slackFake.violations.length,
    logFile,
    commandMs: said.ms,
  };
  await slack.stop();
  await teams.stop();
  await slackFake.stop();
  await connector.close();
  return result;
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const scaledW = (w: Window[], s: number) => w.map((x) => ({ count: x.count, ms: x.ms / s }));

export async function run(args: string[]): Promise<void> {
  // Fixed costs (the update command itself, each call's round trip) do not shrink with the scale, so a much
  // faster world than 5x would charge them against a minimum they are not part of at the real limits.
  const at = args.indexOf("--scale");
  const scale = at >= 0 ? Number(args[at + 1]) : 5;
  if (!(scale > 0)) throw new Error(`--scale takes a positive number (got ${args[at + 1]})`);
  const s = SCENARIO;
  const seedStart = Date.now();
  const template = await seedTemplate();
  console.log(
    `Seeded ${s.slackRequesters + s.teamsRequesters} linked tickets, ${s.slackChannels} Slack and ${s.teamsChannels} Teams status channels in ${fmt(Date.now() - seedStart)}.`,
  );
  console.log(
    `Every rate limit (fakes and senders) scaled ${scale}x: Tier 3 is ${50} per ${60 / scale} s, chat.postMessage ${600} per ${60 / scale} s workspace-wide (assumed), Teams ${50} per ${1000 / scale} ms per tenant.\n`,
  );

  // The least time the limits allow: each platform's binding limit for its calls.
  const slackMin = Math.max(
    minimumMs(s.slackChannels, scaledW(SLACK_LIMITS.Tier3!, scale)),
    minimumMs(s.slackRequesters, scaledW(SLACK_LIMITS.postWorkspace!, scale)),
    minimumMs(1, scaledW(SLACK_LIMITS.postPerChannel!, scale)),
  );
  const teamsMin = Math.max(
    minimumMs(s.teamsChannels + s.teamsRequesters, scaledW(TEAMS_LIMITS.tenant!, scale)),
    minimumMs(1, scaledW(TEAMS_LIMITS.thread!, scale)),
  );
  const bindingSlack =
    minimumMs(s.slackChannels, scaledW(SLACK_LIMITS.Tier3!, scale)) >= minimumMs(s.slackRequesters, scaledW(SLACK_LIMITS.postWorkspace!, scale))
      ? "Tier 3 chat.update"
      : "chat.postMessage workspace cap";

  const a = await runOnce(template, { scale, timeoutMs: 20 * Math.max(slackMin, teamsMin) + 60_000 });
  const ratio = (ms: number, min: number) => (min > 0 ? `${(ms / min).toFixed(2)}x` : "n/a");
  console.log("### Run 1: one status update, no faults\n");
  console.log("| platform | status channels edited | requesters told | completed in | least the limits allow | ratio (target <= 1.10x) | 429s (target 0) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  console.log(
    `| Slack | ${a.t.slackStatus.size} / ${s.slackChannels} | ${a.t.slackRequesters.size} / ${s.slackRequesters} | ${fmt(a.slackMs)} | ${fmt(slackMin)} (${bindingSlack}) | ${ratio(a.slackMs, slackMin)} | ${a.rateLimited.slack} |`,
  );
  console.log(
    `| Teams | ${a.t.teamsStatus.size} / ${s.teamsChannels} | ${a.t.teamsRequesters.size} / ${s.teamsRequesters} | ${fmt(a.teamsMs)} | ${fmt(teamsMin)} (tenant 50/s) | ${ratio(a.teamsMs, teamsMin)} | ${a.rateLimited.teams} |`,
  );
  const both = Math.max(a.slackMs, a.teamsMs);
  console.log(
    `| both | ${a.t.slackStatus.size + a.t.teamsStatus.size} | ${a.t.slackRequesters.size + a.t.teamsRequesters.size} | ${fmt(both)} | ${fmt(Math.max(slackMin, teamsMin))} | ${ratio(both, Math.max(slackMin, teamsMin))} | ${a.rateLimited.slack + a.rateLimited.teams} |`,
  );
  console.log(`\noutbox after: ${JSON.stringify(a.outbox)}; Slack spec violations: ${a.violations}; 429s by limit: ${JSON.stringify(a.refusedBy)}`);

  if (args.includes("--no-faults")) return;
  const rate = 0.03;
  const b = await runOnce(template, {
    scale,
    faults: { rate, kinds: ["429", "5xx", "timeout", "lost"] },
    killAt: 0.5,
    timeoutMs: 40 * Math.max(slackMin, teamsMin) + 120_000,
  });
  const lost = (m: Map<string, number>, n: number) => n - m.size;
  console.log(`\n### Run 2: ${rate * 100}% of message calls answered 429, 5xx, a timeout or a lost answer (evenly), and the bot killed with -9 at half way\n`);
  console.log(
    "| platform | expected | delivered | lost (target 0) | delivered twice | in flight at the kill (call started) | injected 429 / 5xx / timeout / lost answer | 429s from the limits | dead letters |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const inj = (x: Record<FaultKind, number>) => `${x["429"]} / ${x["5xx"]} / ${x.timeout} / ${x.lost}`;
  console.log(
    `| Slack | ${s.slackChannels + s.slackRequesters} | ${b.t.slackStatus.size + b.t.slackRequesters.size} | ${lost(b.t.slackStatus, s.slackChannels) + lost(b.t.slackRequesters, s.slackRequesters)} | ${twice(b.t.slackRequesters)} posts (target 0); ${twice(b.t.slackStatus)} edits repeated | ${b.inFlightAtKill?.slack ?? "-"} | ${inj(b.injected.slack)} | ${b.rateLimited.slack} | ${b.outbox["slack:dead"] ?? 0} |`,
  );
  console.log(
    `| Teams | ${s.teamsChannels + s.teamsRequesters} | ${b.t.teamsStatus.size + b.t.teamsRequesters.size} | ${lost(b.t.teamsStatus, s.teamsChannels) + lost(b.t.teamsRequesters, s.teamsRequesters)} | ${twice(b.t.teamsRequesters)} posts (target <= ${(b.inFlightAtKill?.teams ?? 0) + b.injected.teams.lost}: in flight at the kill + lost answers); ${twice(b.t.teamsStatus)} edits repeated | ${b.inFlightAtKill?.teams ?? "-"} | ${inj(b.injected.teams)} | ${b.rateLimited.teams} | ${b.outbox["teams:dead"] ?? 0} |`,
  );
  console.log(
    `\nrun 2 took ${fmt(Math.max(b.slackMs, b.teamsMs))}; outbox after: ${JSON.stringify(b.outbox)}; 429s by limit: ${JSON.stringify(b.refusedBy)}; bot logs: ${b.logFile}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
