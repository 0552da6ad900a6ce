// A real kill -9 in the middle of a burst of intake: the bot (`src/main.ts`) runs as a child process against
// the fake Slack, takes signed requests 16 at a time, and is killed with SIGKILL after some have been answered
// 200 while others are in flight; then it is started again on the same SQLite file. Every request that was
// answered 200 must be in SQLite exactly once, and its person must hear the answer: the ack's own text for a
// slash command, the outbox's message (sent after the restart if need be) for a click or an event.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { makeDesk, ok, tempDbPath, capabilitiesOf } from "../helpers/desk.js";
import { AGENTS, SECRET, interactionBody, signedPost, slackSettings, slashCommand } from "./harness.js";
import { committed } from "./durable.js";
import { HELD } from "../../adapters/slack/listeners/commands.js";

const caps = capabilitiesOf();

const IN_FLIGHT = 16;
/** Answered requests before the kill: the rest of the burst is in flight or not yet sent. */
const KILL_AFTER = 60;
const BURST = 400;
const TRIAGE = "CTRIAGE";
/** Tickets made before the click burst, each clicked once (their cards are posted first, which takes a while). */
const CLICKED_TICKETS = 80;

let child: ChildProcess | undefined;
let fake: FakeSlackApi | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await fake?.stop();
  fake = undefined;
});

/** deskhand.example.yaml with Ana as a Slack agent (the bot reads DESKHAND_CONFIG). */
function settingsFile(): string {
  const path = tempDbPath("settings.yaml");
  writeFileSync(path, readFileSync("deskhand.example.yaml", "utf8").replace("    - console:bob\n", `    - console:bob\n    - slack:${AGENTS.ana}\n`));
  return path;
}

interface Bot {
  proc: ChildProcess;
  url: Promise<string>;
  exited: Promise<number | null>;
  log: () => string;
}

function startBot(path: string, settings: string): Bot {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DESKHAND_DB: path,
      DESKHAND_CONFIG: settings,
      PORT: "0",
      HOST: "127.0.0.1",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake!.apiUrl,
      SLACK_TRIAGE_CHANNEL: TRIAGE,
      OUTBOUND_RATE_SCALE: "50",
      MicrosoftAppId: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = new Promise<string>((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d.toString();
      const m = /HTTP on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}/slack/events`);
    };
    proc.stdout!.on("data", seen);
    proc.stderr!.on("data", seen);
    proc.on("exit", () => reject(new Error(`the bot exited before listening:\n${out}`)));
  });
  url.catch(() => {});
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  return { proc, url, exited, log: () => out };
}

interface Sent {
  i: number;
  status: number;
  body: string;
}

/**
 * Sends `count` requests, IN_FLIGHT at a time, and kills the bot once KILL_AFTER have been answered 200.
 * Returns every request's fate (status 0: no answer, the connection died with the bot).
 */
async function burstAndKill(bot: Bot, count: number, request: (i: number) => { body: string; contentType: string }, killAfter = KILL_AFTER): Promise<Sent[]> {
  const url = await bot.url;
  const sent: Sent[] = [];
  let answered = 0;
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < count && !killed) {
      const i = next++;
      const { body, contentType } = request(i);
      try {
        const r = await signedPost(url, body, contentType);
        sent.push({ i, status: r.status, body: r.body });
        if (r.status === 200 && ++answered === killAfter) {
          killed = true;
          bot.proc.kill("SIGKILL");
        }
      } catch {
        sent.push({ i, status: 0, body: "" });
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  expect(await bot.exited).toBe(null); // killed by the signal
  return sent;
}

/** Polls the file the restarted bot writes until `done` holds (another process's progress: there is no event to await). */
async function until(done: () => boolean, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const unsent = (path: string) =>
  committed<{ n: number }>(path, "SELECT count(*) AS n FROM outbox WHERE platform = 'slack' AND status != 'sent' AND status != 'dead'")[0]!.n;
const unworked = (path: string) => committed<{ n: number }>(path, "SELECT count(*) AS n FROM inbox WHERE done_at IS NULL")[0]!.n;

function slashBody(i: number): { body: string; contentType: string } {
  const user = `UCRASH${i % 20}`;
  const body = new URLSearchParams(
    slashCommand(`printer burst-${i} jams`, { user, userName: user.toLowerCase(), responseUrl: `${fake!.responseUrl(i)}?req=${i}`, triggerId: `${i}.1.crash` }),
  ).toString();
  return { body, contentType: "application/x-www-form-urlencoded" };
}

describe("kill -9 in the middle of an intake burst", () => {
  it("slash commands: every /ticket answered 200 is one ticket after the restart, and its answer was the ack", async () => {
    fake = await new FakeSlackApi().start();
    const path = tempDbPath();
    const settings = settingsFile();
    const first = startBot(path, settings);
    child = first.proc;
    const sent = await burstAndKill(first, BURST, slashBody);
    const acked = sent.filter((s) => s.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(sent.some((s) => s.status === 0)).toBe(true); // some were cut off by the kill

    const second = startBot(path, settings);
    child = second.proc;
    await second.url;
    // A request the desk could not commit within 2 s was held in the inbox and acked "Got it"; its answer
    // follows through response_url, from the first life or, after the kill, from the inbox at start-up.
    const held = acked.filter((s) => JSON.parse(s.body).text === HELD);
    const answered = (i: number) => fake!.of("response_url").filter((c) => c.args.req === String(i));
    await until(() => held.every((s) => answered(s.i).length > 0) && unworked(path) === 0, "the held requests' answers");
    const tickets = committed<{ id: number; title: string }>(path, "SELECT id, title FROM tickets");
    for (const s of acked) {
      const mine = tickets.filter((t) => t.title === `printer burst-${s.i} jams`);
      expect(mine, `request ${s.i}`).toHaveLength(1);
      // The person heard it: in the ack, or (held) through response_url; ephemeral, naming the very ticket in the file.
      const ack = JSON.parse(s.body) as { response_type: string; text: string };
      const answer = ack.text === HELD ? answered(s.i)[0]?.args : ack;
      expect({ response_type: answer?.response_type, text: answer?.text }, `request ${s.i}`).toEqual({
        response_type: "ephemeral",
        text: expect.stringMatching(new RegExp(`^Opened #${mine[0]!.id} `)),
      });
    }
    expect(new Set(tickets.map((t) => t.title)).size).toBe(tickets.length); // nothing doubled, acked or not
  }, 180_000);

  it("card clicks: every claim answered 200 is applied once after the restart, and the card's thread says it once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => Date.now();
    fake.users.set(AGENTS.ana, { name: "ana" });
    const path = tempDbPath();
    const settings = settingsFile();
    const t = await makeDesk({ path, settings: slackSettings(), notifiers: [new SlackNotifier({ triageChannel: TRIAGE })] });
    for (let i = 1; i <= CLICKED_TICKETS; i++)
      ok(
        await t.desk.handle({
          actor: { platform: "slack", userId: `UCRASH${i % 20}`, displayName: `crash${i % 20}` },
          command: caps.parse(`laptop ${i} will not boot`),
        }),
      );
    await t.db.destroy();

    // First life: the cards are posted, then a burst of Claim clicks, each on its own ticket.
    const first = startBot(path, settings);
    child = first.proc;
    await first.url;
    await until(() => unsent(path) === 0, "the cards to be posted");
    const click = (i: number) => {
      const ticket = i + 1;
      const payload = {
        type: "block_actions",
        user: { id: AGENTS.ana, username: "ana", name: "ana", team_id: "T0001" },
        api_app_id: "A0001",
        token: "t",
        container: { type: "message", message_ts: `1700009000.${String(ticket).padStart(6, "0")}`, channel_id: TRIAGE, is_ephemeral: false },
        trigger_id: `${i}.2.crash`,
        team: { id: "T0001", domain: "x" },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: TRIAGE, name: "triage" },
        message: { type: "message", user: "UBOT", ts: `1700009000.${String(ticket).padStart(6, "0")}`, text: "card", blocks: [] },
        response_url: fake!.responseUrl(`c${i}`),
        actions: [
          {
            block_id: "card",
            action_id: `ticket.claim.${ticket}`,
            type: "button",
            value: JSON.stringify({ ticket, verb: "claim" }),
            action_ts: `1700009100.${String(i).padStart(6, "0")}`,
          },
        ],
        state: { values: {} },
      };
      return { body: interactionBody(payload), contentType: "application/x-www-form-urlencoded" };
    };
    const sent = await burstAndKill(first, CLICKED_TICKETS, click, CLICKED_TICKETS / 2);
    const acked = sent.filter((s) => s.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(CLICKED_TICKETS / 2);
    expect(sent.some((s) => s.status === 0)).toBe(true);

    const second = startBot(path, settings);
    child = second.proc;
    await second.url;
    await until(() => unsent(path) === 0, "the outbox to drain after the restart");
    for (const s of acked) {
      const ticket = s.i + 1;
      expect(
        committed(path, "SELECT t.status, p.user_id FROM tickets t JOIN people p ON p.id = t.assignee_id WHERE t.id = ?", ticket),
        `ticket ${ticket}`,
      ).toEqual([{ status: "in_progress", user_id: AGENTS.ana }]);
      expect(committed(path, "SELECT count(*) AS n FROM audit_events WHERE ticket_id = ? AND action = 'claimed' AND field = 'assignee'", ticket)).toEqual([
        { n: 1 },
      ]);
      // Ana hears it where she clicked: the card's thread says so, once.
      expect(
        fake.history.posted.filter((p) => p.channel === TRIAGE && p.thread_ts && String(p.text) === `ana claimed #${ticket}`),
        `ticket ${ticket}`,
      ).toHaveLength(1);
    }
    const keys = fake.history.posted.map((p) => p.metadata?.event_payload.key as string);
    expect(new Set(keys).size).toBe(keys.length); // no message posted twice
  }, 240_000);

  it("Events API messages: every DM answered 200 is one ticket after the restart (worked from the inbox), confirmed once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => Date.now();
    const path = tempDbPath();
    const settings = settingsFile();
    const first = startBot(path, settings);
    child = first.proc;
    const at = (i: number) => `1700008000.${String(i).padStart(6, "0")}`;
    const userOf = (i: number) => `UEV${i % 40}`;
    /** The DM's id, as the fake's conversations.open names it too. */
    const dmOf = (i: number) => `D${userOf(i).slice(1)}`;
    const dm = (i: number) => {
      const event = {
        type: "message",
        channel: dmOf(i),
        channel_type: "im",
        user: userOf(i),
        text: `vpn event-${i} drops`,
        ts: at(i),
        event_ts: at(i),
        team: "T0001",
      };
      const body = JSON.stringify({
        token: "t",
        team_id: "T0001",
        api_app_id: "A0001",
        event,
        type: "event_callback",
        event_id: `EvCrash${i}`,
        event_time: 1700008000,
        authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
      });
      return { body, contentType: "application/json" };
    };
    const sent = await burstAndKill(first, BURST, dm);
    const acked = sent.filter((s) => s.status === 200);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    // Some acknowledged events had not been worked when the bot died: the restart must do it.
    const leftOver = unworked(path);

    const second = startBot(path, settings);
    child = second.proc;
    await second.url;
    await until(() => unworked(path) === 0 && unsent(path) === 0, "the inbox and the outbox to be worked");
    if (leftOver) expect(second.log()).toMatch(/slack: working \d+ events? acknowledged before the last stop/);
    const tickets = committed<{ id: number; title: string }>(path, "SELECT id, title FROM tickets");
    for (const s of acked) {
      const mine = tickets.filter((t) => t.title === `vpn event-${s.i} drops`);
      expect(mine, `event ${s.i}`).toHaveLength(1);
      // The person hears of it in their DM with the bot, once.
      const confirmations = fake.history.posted.filter((p) => p.channel === dmOf(s.i) && String(p.text).includes(`I opened #${mine[0]!.id}:`));
      expect(confirmations, `event ${s.i}`).toHaveLength(1);
    }
    expect(new Set(tickets.map((t) => t.title)).size).toBe(tickets.length);
  }, 180_000);
});
