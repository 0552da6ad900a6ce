// Starts the real Bolt app on the project's HttpServer, pointed at a fake Slack Web API, and sends it
// requests signed and shaped as Slack sends them.
import { startSlack, type SlackDeps, type SlackHandle } from "../../adapters/slack/app.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { HttpServer } from "../../src/http/server.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { signedHeaders } from "../fakes/slack-sign.js";
import { exampleSettings, makeDesk, type TestDesk } from "../helpers/desk.js";

export const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TRIAGE = "CTRIAGE";
export const AGENTS = { ana: "UANA", bob: "UBOB" };
export const REQUESTER = "UREQ";
/** The fake Slack of the harness started last: payloads name a person by the handle it knows them by. */
let slackOfTest: FakeSlackApi | undefined;
/** A person's Slack handle, as payloads carry it in user.name (and users.info as name). */
const handle = (user: string) => slackOfTest?.users.get(user)?.name ?? user.toLowerCase();

export function slackSettings(): DeskSettings {
  const s = exampleSettings();
  return { ...s, roles: { ...s.roles, agent: [...(s.roles.agent ?? []), `slack:${AGENTS.ana}`, `slack:${AGENTS.bob}`] } };
}

export interface Harness extends TestDesk {
  fake: FakeSlackApi;
  slack: SlackHandle;
  url: string;
  logs: string[];
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<{ status: number; body: string; ms: number }>;
  command(text: string, user?: string, extra?: Record<string, string>): Promise<{ status: number; body: string; ms: number }>;
  /** Every answer a slash command got in its ack (the ack's JSON body), in the order the commands were sent. */
  answers: { response_type: string; text: string }[];
  interact(payload: Record<string, unknown>): Promise<{ status: number; body: string; ms: number }>;
  event(event: Record<string, unknown>, opts?: { eventId?: string; retryNum?: number }): Promise<{ status: number; body: string }>;
  /** Waits for after-ack work and drains the outbox. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;

/** The test's people as the fake Slack's users.info knows them (payloads name them by these handles). */
export function addPeople(fake: FakeSlackApi): void {
  slackOfTest = fake;
  fake.users.set(AGENTS.ana, { name: "ana", email: "ana@example.com" });
  fake.users.set(AGENTS.bob, { name: "bob" });
  fake.users.set(REQUESTER, { name: "rita", email: "rita@example.com", tz: "Europe/Paris" });
}

/**
 * The real Bolt app on `http`, pointed at `fake` and signed with SECRET. The outbox polls once a minute:
 * tests drain it themselves (settle), so nothing is sent behind their back.
 */
export function startSlackApp(
  t: TestDesk,
  http: HttpServer,
  fake: FakeSlackApi,
  opts: { config?: Partial<SlackDeps["config"]>; tuning?: SlackDeps["tuning"]; log?: (m: string) => void } = {},
): Promise<SlackHandle> {
  return startSlack({
    desk: t.desk,
    config: { botToken: "xoxb-test", signingSecret: SECRET, apiUrl: fake.apiUrl, ...opts.config },
    http,
    clock: t.clock,
    log: opts.log ?? (() => undefined),
    tuning: { pollMs: 60_000, backoffMs: 1000, ...opts.tuning },
  });
}

/** POSTs `body` to the app at `url`, signed with SECRET as Slack signs its requests. */
export async function signedPost(
  url: string,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; ms: number }> {
  const start = performance.now();
  const r = await fetch(url, { method: "POST", body, headers: { ...signedHeaders(SECRET, body, contentType), ...headers } });
  return { status: r.status, body: await r.text(), ms: performance.now() - start };
}

/** A /ticket slash command's fields, named and ordered as Slack sends them (java-slack-sdk SlashCommandPayload). */
export function slashCommand(text: string, o: { user: string; userName?: string; responseUrl: string; triggerId: string }): Record<string, string> {
  return {
    token: "verification-token",
    team_id: "T0001",
    team_domain: "example",
    channel_id: "CGENERAL",
    channel_name: "general",
    user_id: o.user,
    user_name: o.userName ?? o.user,
    command: "/ticket",
    text,
    api_app_id: "A0001",
    is_enterprise_install: "false",
    response_url: o.responseUrl,
    trigger_id: o.triggerId,
  };
}

/** A click or a modal submission, as Slack posts an interaction payload. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** `path` and `fake`: a restart on the same SQLite file and the same Slack (the fake is then left running on close). */
export async function startHarness(
  /** `rateScale`: Slack's limits times this, for tests whose backlog of cards is not what they test (pacing has its own tests). */
  opts: { triage?: string | null; path?: string; fake?: FakeSlackApi; callTimeoutMs?: number; ackBudgetMs?: number; rateScale?: number } = {},
): Promise<Harness> {
  const fake = opts.fake ?? (await new FakeSlackApi().start());
  addPeople(fake);
  const t = await makeDesk({ settings: slackSettings(), ...(opts.path ? { path: opts.path } : {}) });
  const http = new HttpServer();
  const logs: string[] = [];
  const port = await http.listen(0, "127.0.0.1");
  const slack = await startSlackApp(t, http, fake, {
    config: opts.triage === null ? {} : { triageChannel: opts.triage ?? TRIAGE },
    log: (m) => logs.push(m),
    tuning: {
      ...(opts.callTimeoutMs ? { callTimeoutMs: opts.callTimeoutMs } : {}),
      ...(opts.ackBudgetMs !== undefined ? { ackBudgetMs: opts.ackBudgetMs } : {}),
      ...(opts.rateScale ? { api: { rateScale: opts.rateScale } } : {}),
    },
  });
  const url = `http://127.0.0.1:${port}/slack/events`;
  const post = (body: string, contentType: string, headers: Record<string, string> = {}) => signedPost(url, body, contentType, headers);
  const h: Harness = {
    ...t,
    fake,
    slack,
    url,
    logs,
    post,
    answers: [],
    async command(text, user = REQUESTER, extra = {}) {
      const n = ++seq;
      const body = new URLSearchParams({
        ...slashCommand(text, { user, userName: fake.users.get(user)?.name ?? user, responseUrl: fake.responseUrl(n), triggerId: `${n}.1.trigger${n}` }),
        ...extra,
      }).toString();
      const r = await post(body, "application/x-www-form-urlencoded");
      if (r.status === 200 && r.body.startsWith("{")) h.answers.push(JSON.parse(r.body) as { response_type: string; text: string });
      return r;
    },
    interact(payload) {
      return post(interactionBody(payload), "application/x-www-form-urlencoded");
    },
    event(event, o = {}) {
      const id = o.eventId ?? `Ev${++seq}`;
      const body = JSON.stringify({
        token: "verification-token",
        team_id: "T0001",
        api_app_id: "A0001",
        event,
        type: "event_callback",
        event_id: id,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
        event_context: "4-eyJldCI6Im1lc3NhZ2UifQ",
      });
      return post(body, "application/json", o.retryNum ? { "x-slack-retry-num": String(o.retryNum), "x-slack-retry-reason": "http_timeout" } : {});
    },
    async settle() {
      for (let i = 0; i < 5; i++) {
        await slack.idle();
        await slack.outbox.drainAll();
      }
      await slack.idle();
    },
    async close() {
      await slack.stop();
      await http.close();
      if (!opts.fake) await fake.stop();
      await t.db.destroy();
    },
  };
  return h;
}

/** A block_actions payload as Slack sends it for a click on a message button. */
export function blockAction(
  user: string,
  action: Record<string, unknown>,
  where: { channel: string; ts: string; thread_ts?: string } = { channel: TRIAGE, ts: "1700000000.000101" },
): Record<string, unknown> {
  return {
    type: "block_actions",
    user: { id: user, username: handle(user), name: handle(user), team_id: "T0001" },
    api_app_id: "A0001",
    token: "verification-token",
    container: {
      type: "message",
      message_ts: where.ts,
      channel_id: where.channel,
      is_ephemeral: false,
      ...(where.thread_ts ? { thread_ts: where.thread_ts } : {}),
    },
    trigger_id: `${++seq}.1.trigger`,
    team: { id: "T0001", domain: "example" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: where.channel, name: "triage" },
    message: { type: "message", user: "UBOT", bot_id: "BBOT", ts: where.ts, text: "card", blocks: [] },
    response_url: `http://127.0.0.1:9/respond/${seq}`,
    actions: [{ block_id: "card.1.0", action_ts: `1700000500.${String(++seq).padStart(6, "0")}`, ...action }],
    state: { values: {} },
  };
}

/** A view_submission payload. */
export function viewSubmission(
  user: string,
  view: Record<string, unknown>,
  values: Record<string, Record<string, unknown>>,
  viewId = `V${++seq}`,
): Record<string, unknown> {
  return {
    type: "view_submission",
    team: { id: "T0001", domain: "example" },
    user: { id: user, username: handle(user), name: handle(user), team_id: "T0001" },
    api_app_id: "A0001",
    token: "verification-token",
    trigger_id: `${++seq}.1.trigger`,
    view: {
      id: viewId,
      team_id: "T0001",
      type: "modal",
      blocks: view.blocks,
      private_metadata: view.private_metadata ?? "",
      callback_id: view.callback_id,
      state: { values },
      hash: "1.abc",
      title: view.title,
      close: view.close,
      submit: view.submit,
      previous_view_id: null,
      root_view_id: viewId,
      app_id: "A0001",
      external_id: "",
      app_installed_team_id: "T0001",
      bot_id: "BBOT",
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}
