// A real kill -9: the bot (`src/main.ts`) runs as a child process against the fake Slack, fans out an
// incident's status messages and requester confirmations, is killed with SIGKILL while posts are in flight
// (the fake has taken them but holds the answers), and is started again on the same SQLite file. Every
// message must be in Slack exactly once: the posts that landed are found by their metadata key, the rest
// are sent after the restart.
import { type ChildProcess, spawn } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import type { Actor } from "../../src/core/commands.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { makeDesk, ok, tempDbPath, capabilitiesOf } from "../helpers/desk.js";
import { AGENTS, SECRET, slackSettings } from "./harness.js";

const caps = capabilitiesOf();

const CHANNELS = Array.from({ length: 6 }, (_, i) => `CSTATUS${String(i + 1).padStart(2, "0")}`);
const REQUESTERS = Array.from({ length: 4 }, (_, i) => `UREQ${i + 1}`);
/** The fake answers this many posts at once, then holds the answers; the kill comes once this many more are held. */
const ANSWERED = 3;
const HELD = 3;

let child: ChildProcess | undefined;
let fake: FakeSlackApi | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await fake?.stop();
});

/** Queues the fan-out in the file (as a command would), with no adapter running. */
async function queueFanOut(path: string): Promise<void> {
  const t = await makeDesk({ path, settings: slackSettings(), notifiers: [new SlackNotifier({})] });
  const ana: Actor = { platform: "slack", userId: AGENTS.ana, displayName: "ana" };
  for (const channel of CHANNELS) ok(await t.desk.handle({ actor: ana, command: { kind: "incident", action: { kind: "subscribe", channel } } }));
  for (const user of REQUESTERS)
    ok(await t.desk.handle({ actor: { platform: "slack", userId: user, displayName: user }, command: caps.parse(`vpn drops for ${user}`) }));
  ok(await t.desk.handle({ actor: ana, command: caps.parse("incident SEV1 VPN concentrator down") }));
  await t.db.destroy();
}

function startBot(path: string, api: string): { proc: ChildProcess; log: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DESKHAND_DB: path,
      PORT: "0",
      HOST: "127.0.0.1",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api,
      SLACK_TRIAGE_CHANNEL: "",
      MicrosoftAppId: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return { proc, log: () => out, exited };
}

function query<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Resolves when the child's outbox has nothing unfinished for Slack (read from the file it writes). */
async function drained(path: string, deadline: number): Promise<void> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    for (;;) {
      const { n } = db.prepare("SELECT count(*) AS n FROM outbox WHERE platform = 'slack' AND status != 'sent'").get() as { n: number };
      if (n === 0) return;
      if (Date.now() > deadline) throw new Error(`${n} Slack messages still unsent`);
      await new Promise((r) => setTimeout(r, 100)); // another process's progress: polled, there is no event to await
    }
  } finally {
    db.close();
  }
}

describe("kill -9 during a Slack fan-out", () => {
  it("after the restart every message is in Slack exactly once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => Date.now(); // the bot runs on the system clock; message ts must be real times
    const path = tempDbPath();
    await queueFanOut(path);
    const expected = CHANNELS.length + REQUESTERS.length; // at least: a status message per channel, a confirmation per requester

    // First life: answer a few posts, then hold the answers (the posts are made), and kill once some are held.
    let posts = 0;
    const first = startBot(path, fake.apiUrl);
    child = first.proc;
    const killed = new Promise<void>((resolve) => {
      fake!.onCall = (call) => {
        if (call.method !== "chat.postMessage") return;
        posts++;
        if (posts === ANSWERED) fake!.answerDelayMs["chat.postMessage"] = 120_000;
        if (posts === ANSWERED + HELD) {
          first.proc.kill("SIGKILL");
          resolve();
        }
      };
    });
    await killed;
    expect(await first.exited).toBe(null); // killed by the signal, not exited
    fake.onCall = undefined;
    delete fake.answerDelayMs["chat.postMessage"];
    const landedBeforeKill = fake.history.posted.length;
    expect(landedBeforeKill).toBeGreaterThanOrEqual(ANSWERED + HELD);
    const queued = query<{ n: number }>(path, "SELECT count(*) AS n FROM outbox WHERE platform = 'slack' AND kind IN ('incident', 'requester')")[0]!.n;
    expect(landedBeforeKill).toBeLessThan(queued); // some were never sent before the kill
    const inFlight = query<{ n: number }>(
      path,
      "SELECT count(*) AS n FROM outbox WHERE platform = 'slack' AND status = 'sending' AND called_at IS NOT NULL",
    )[0]!;
    expect(inFlight.n).toBeGreaterThanOrEqual(HELD);

    // Second life on the same file.
    const second = startBot(path, fake.apiUrl);
    child = second.proc;
    await drained(path, Date.now() + 60_000);
    expect(second.log()).toMatch(/slack: \d+ messages were in flight at the last stop; each is looked for in its channel and sent again only if absent/);

    const keys = fake.history.posted.map((p) => p.metadata?.event_payload.key as string);
    const rows = query<{ key: string; kind: string; recovery: string | null }>(
      path,
      "SELECT key, kind, recovery FROM outbox WHERE platform = 'slack' AND kind IN ('incident', 'requester')",
    );
    expect(rows.length).toBeGreaterThanOrEqual(expected); // the fan-out, and what intake said besides
    for (const r of rows)
      expect(
        keys.filter((k) => k === r.key),
        r.key,
      ).toHaveLength(1);
    expect(new Set(keys).size).toBe(keys.length); // nothing else doubled either
    expect(rows.filter((r) => r.recovery === "found").length).toBeGreaterThanOrEqual(HELD);
    expect(fake.history.posted.filter((p) => CHANNELS.includes(p.channel))).toHaveLength(CHANNELS.length);
    expect(new Set(fake.history.posted.filter((p) => p.channel.startsWith("D")).map((p) => p.channel))).toEqual(
      new Set(REQUESTERS.map((u) => `D${u.slice(1)}`)),
    );
    expect(fake.history.posted.filter((p) => p.channel.startsWith("D") || CHANNELS.includes(p.channel))).toHaveLength(rows.length);
    expect(fake.violations).toEqual([]);
  }, 120_000); // two process starts (tsx, Bolt) on a loaded machine
});
