// config -> db -> migrate -> core -> adapters -> scheduler; graceful stop.
import dotenv from "dotenv";
import { runConsole } from "../adapters/console/console.js";
import { ConsoleNotifier } from "../adapters/console/notifier.js";
import { startupBlock } from "../adapters/console/startup.js";
import { startSlack } from "../adapters/slack/app.js";
import { mountWebhooks } from "../adapters/webhooks/routes.js";
import { ConfigError, loadConfig } from "./config.js";
import { systemClock } from "./core/clock.js";
import { filesDirBeside, standardCapabilities } from "./capabilities/index.js";
import { JobTicker, startCapabilities } from "./jobs.js";
import { Desk } from "./core/desk.js";
import { FIRST_ROLES, auditRoleConfig } from "./capabilities/roles/config-audit.js";
import { HttpServer } from "./http/server.js";
import { SettingsError, loadSettings, settingsPath } from "./settings.js";
import { StorageError, openDatabase } from "./store/connection.js";
import { migrateToLatest } from "./store/migrate.js";

const log = (m: string) => process.stderr.write(`${m}\n`);

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env, process.argv.slice(2));
  const file = config.settingsFile ?? settingsPath(process.env);
  const settings = loadSettings(file);
  const { db } = openDatabase(config.dbPath, { checkpointInBackground: true });
  await migrateToLatest(db);
  const desk = new Desk({
    db,
    clock: systemClock,
    settings,
    log,
    capabilities: standardCapabilities(settings, systemClock, { filesDir: filesDirBeside(config.dbPath) }),
  });
  const consoleWanted = config.forceConsole || (!config.slack && !config.teams.appId) || Boolean(process.stdin.isTTY);
  // What the desk tells console people waits for them in the outbox until they next act at the console.
  if (consoleWanted) desk.addNotifier(new ConsoleNotifier());
  // In a terminal, start-up notes are gathered and said in one block before the prompt; later ones go to stderr.
  const startupNotes: string[] = [];
  let gathering = Boolean(process.stdin.isTTY);
  const startLog = (m: string) => (gathering ? void startupNotes.push(m) : log(m));
  // A change to the settings file's roles since the last run goes into the audit trail.
  const rolesChanged = await auditRoleConfig(desk);
  if (rolesChanged && rolesChanged !== FIRST_ROLES) startLog(`roles changed in the settings file: ${rolesChanged} (recorded in the audit trail)`);
  // Before the desk takes commands (triage starts learning now rather than on the first ticket).
  for (const n of await startCapabilities(desk, desk.capabilities)) startLog(n);

  const http = new HttpServer(log);
  const platforms: string[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  if (config.slack) {
    const slack = await startSlack({ desk, config: config.slack, http, clock: systemClock, log, tuning: { api: { rateScale: config.rateScale } } });
    platforms.push("slack");
    stoppers.push(() => slack.stop());
    // Events acknowledged before the last stop whose work was not finished: worked now, each acting once.
    const replayed = await slack.replayInbox();
    if (replayed) log(`slack: working ${replayed} event${replayed === 1 ? "" : "s"} acknowledged before the last stop`);
  }
  // Teams answers POST /api/messages: verified with an app id, or in Emulator mode (unauthenticated, loopback
  // only) when TEAMS_EMULATOR=true asks for it or a terminal is attached. An app id or TEAMS_EMULATOR makes Teams
  // a platform that keeps the process serving. Imported on demand, so piped console use does not load the SDK.
  if (config.teams.appId || config.teams.emulator || process.stdin.isTTY) {
    const { startTeams } = await import("../adapters/teams/app.js");
    const teams = await startTeams({ desk, config, http, clock: systemClock, log: startLog, sender: { rateScale: config.rateScale } });
    if (config.teams.appId || config.teams.emulator) platforms.push("teams");
    stoppers.push(() => teams.stop());
  }

  // Start-up notes go to a person watching (a terminal, or a service's log when a platform runs).
  const note = (m: string) => (process.stdin.isTTY || platforms.length ? startLog(m) : undefined);
  const webhooks = mountWebhooks({ http, desk, clock: systemClock, sources: settings.alerts ?? [], env: process.env, log: note });

  // Every capability's scheduled work (SLA escalations, approval timers, the digest) on one ticker: caught up
  // on what fell due while the desk was down, then one interval timer.
  const jobs = new JobTicker(desk, desk.capabilities, { log });
  for (const n of await jobs.start()) note(n);
  stoppers.push(async () => jobs.stop());

  let httpState: string;
  try {
    const port = await http.listen(config.port, config.host);
    httpState = `on ${config.host}:${port} (/healthz)`;
    if (!gathering && platforms.length) log(`HTTP on ${config.host}:${port} (/healthz)`);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "EADDRINUSE" ? `port ${config.port} is in use (set PORT)` : (err as Error).message;
    if (platforms.length) throw new ConfigError(`cannot listen for HTTP: ${why}`);
    httpState = `off: ${why}; the console works without it`;
  }
  if (gathering) {
    gathering = false;
    log(
      startupBlock(
        {
          deskName: settings.deskName,
          platforms,
          http: httpState,
          emulator: !config.teams.appId,
          console: consoleWanted,
          webhooks,
          alertSources: (settings.alerts ?? []).map((a) => a.name),
          sla: Boolean(settings.sla),
          approvals: Boolean(settings.approvals),
          digest: Boolean(settings.reports?.digest),
        },
        startupNotes,
      ),
    );
  }

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const s of stoppers) await s().catch((e) => log(`stop: ${(e as Error).message}`));
    await http.close();
    await db.destroy();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  if (consoleWanted) {
    await runConsole(desk, { input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY), user: config.consoleUser });
    // A service whose stdin closed keeps serving its platforms and webhooks; alone, the console's end is the end.
    if (!platforms.length && !webhooks.length) await stop(0);
  }
  return 0;
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof SettingsError || err instanceof StorageError;
  log(known ? `deskhand: ${err.message}` : `deskhand: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
