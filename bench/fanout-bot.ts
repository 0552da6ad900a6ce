// The bot process of the fan-out benchmark: the real desk, the real Slack and Teams adapters and their
// outbox workers on the benchmark's SQLite file, talking to the fake platforms the parent process runs
// (so their record survives when this process is killed with -9). Started by bench/fanout.ts with
//   FANOUT_DB, FANOUT_SLACK_API, FANOUT_RATE_SCALE
// it says "ready" over IPC, runs `incident update ...` when told, and otherwise just drains the outbox.
import { startSlack } from "../adapters/slack/app.js";
import { startTeams } from "../adapters/teams/app.js";
import { standardCapabilities } from "../src/capabilities/index.js";
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { HttpServer } from "../src/http/server.js";
import { openDatabase } from "../src/store/connection.js";
import { exampleSettings } from "../test/helpers/desk.js";

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (bench/fanout.ts starts this process)`);
  return v;
};
const log = (m: string) => process.stderr.write(`[bot ${process.pid}] ${m}\n`);
const rateScale = Number(env("FANOUT_RATE_SCALE"));

const { db } = openDatabase(env("FANOUT_DB"), { checkpointInBackground: true });
const settings = exampleSettings();
const desk = new Desk({ db, clock: systemClock, settings, log, capabilities: standardCapabilities(settings) });
const http = new HttpServer(log);
await http.listen(0, "127.0.0.1");
// No triage channel or agents' channel: the measured traffic is the status channels and the requesters.
const slack = await startSlack({
  desk,
  config: { botToken: "xoxb-bench", signingSecret: "bench-secret", apiUrl: env("FANOUT_SLACK_API") },
  http,
  clock: systemClock,
  log,
  tuning: { api: { rateScale } },
});
const teams = await startTeams({ desk, config: { teams: { appType: "MultiTenant" } } as never, http, clock: systemClock, log, sender: { rateScale } });

process.on("message", (m: { kind: string; text?: string }) => {
  if (m.kind !== "update") return;
  const started = Date.now();
  void desk
    .handle({
      actor: { platform: "console", userId: "operator", displayName: "operator" },
      command: desk.parse(`incident update 1 ${m.text}`),
      idempotencyKey: `bench:${m.text}`,
    })
    .then((o) => process.send?.({ kind: "outcome", ok: o.ok, text: o.text, ms: Date.now() - started }));
});
process.on("SIGTERM", () => {
  void (async () => {
    await slack.stop();
    await teams.stop();
    await http.close();
    await db.destroy();
    process.exit(0);
  })();
});
// Nudge both workers at start: a restarted process resumes what the killed one left.
void slack.outbox.drain();
void teams.worker.drain();
process.send?.({ kind: "ready" });
