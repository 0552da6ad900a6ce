// Starts the Slack adapter: Bolt on the project's HTTP server at POST /slack/events (or Socket Mode),
// the Slack notifier on the desk, and the outbox worker that delivers through the paced sender.
// Every request is acknowledged only once what it asked for, or the raw request (the inbox), is committed
// (acks.ts); requests no listener takes are acknowledged at once with nothing done.
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from "@slack/bolt";
import type { Config } from "../../src/config.js";
import { type Clock, type Desk } from "../../src/core/index.js";
import type { HttpServer } from "../../src/http/server.js";
import { OutboxWorker } from "../../src/outbox/worker.js";
import { rememberRecentCalls } from "./recovery.js";
import { SlackApi, type ApiOptions } from "./api.js";
import { SlackContext } from "./context.js";
import { HomeService } from "./home.js";
import { registerActions } from "./listeners/actions.js";
import { registerCommands } from "./listeners/commands.js";
import { registerEvents } from "./listeners/events.js";
import { registerIncidents } from "./listeners/incidents.js";
import { registerShortcuts } from "./listeners/shortcuts.js";
import { registerViews } from "./listeners/views.js";
import { registerKnowledge } from "./listeners/knowledge.js";
import { SlackNotifier } from "./notifier.js";
import { ApprovalCardNotifier } from "../../src/capabilities/approvals/cards.js";
import { OUTBOX, PLATFORM } from "./ids.js";
import { SlackPeople } from "./people.js";
import { SLACK_GROUP, SlackUserGroups } from "./groups.js";
import { SlackDeliverer } from "./sender.js";
import { ackAfterListeners } from "./acks.js";
import { guardSlackRequest } from "./guard.js";

export const EVENTS_PATH = "/slack/events";

export interface SlackDeps {
  desk: Desk;
  config: NonNullable<Config["slack"]>;
  http: HttpServer;
  clock: Clock;
  log: (m: string) => void;
  /** Tests and benchmarks: the outbox poll interval, backoff base and limiter rates. */
  tuning?: { pollMs?: number; backoffMs?: number; api?: ApiOptions; callTimeoutMs?: number; ackBudgetMs?: number };
}

export interface SlackHandle {
  stop(): Promise<void>;
  /** Resolves when no after-ack work runs (tests await it instead of sleeping). */
  idle(): Promise<void>;
  outbox: OutboxWorker;
  /**
   * Works the inbox rows (stored, acknowledged events) a stop left unfinished, after the ack path is up.
   * Returns how many were scheduled; idle() waits for them.
   */
  replayInbox(): Promise<number>;
}

export async function startSlack({ desk, config, http, clock, log, tuning = {} }: SlackDeps): Promise<SlackHandle> {
  const logger = boltLogger(log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith("/") ? config.apiUrl : `${config.apiUrl}/` } : {}),
    // The outbox retries (with Slack's Retry-After); an ack-path call must not sit in retries past 3 seconds.
    retryConfig: { retries: 0 },
    // A call Slack does not answer fails instead of holding its outbox row (and its pass) forever; a post
    // that timed out is looked for by its metadata key before it is sent again.
    timeout: tuning.callTimeoutMs ?? 15_000,
    rejectRateLimitedCalls: true,
  };
  const socketMode = Boolean(config.appToken);
  const receiver = socketMode
    ? // Built here, not by App, so that apps.connections.open also goes to SLACK_API_URL (GovSlack, tests).
      // A request whose listener failed is not acked: Slack retries an event, and shows the person an error.
      new SocketModeReceiver({ appToken: config.appToken!, logger, installerOptions: { clientOptions }, processEventErrorHandler: async () => false })
    : new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: EVENTS_PATH,
        logger,
        // Past the ack budget a request is held in the inbox and acked; this only catches a listener that hangs.
        unhandledRequestTimeoutMillis: 2800,
        // A listener failed before anything was committed: 500 at once (Slack retries an event), no stack trace.
        processEventErrorHandler: async ({ response }) => {
          if (!response.headersSent) response.writeHead(500).end();
          return true;
        },
      });
  // No conversation store: nothing here reads context.conversation, and Bolt would look it up for every event.
  // The extended error handler is given the request's body, so ackAfterListeners knows which request failed.
  const app = new App({ token: config.botToken, logger, clientOptions, receiver, convoStore: false, extendedErrorHandler: true });
  const failed = new WeakSet<object>();
  ackAfterListeners(app, failed);

  const api = new SlackApi(app.client, tuning.api);
  const people = new SlackPeople(api, { log });
  // Roles given to Slack user groups ("slack-group:S0123"): members read through the paced API, cached.
  const groups = new SlackUserGroups(api, { log });
  desk.roles.addDirectory(groups);
  const home = new HomeService(desk, api);
  const ctx = new SlackContext(desk, api, people, home, log);
  if (tuning.ackBudgetMs !== undefined) ctx.ackBudgetMs = tuning.ackBudgetMs;
  registerCommands(app, ctx);
  registerShortcuts(app, ctx);
  registerViews(app, ctx);
  registerEvents(app, ctx);
  registerActions(app, ctx);
  registerKnowledge(app, ctx);
  registerIncidents(app, ctx);
  app.error((async ({ error, body }: { error: Error; body?: unknown }) => {
    if (body && typeof body === "object") failed.add(body);
    log(`slack: ${error.message}`);
  }) as never);

  desk.addNotifier(new SlackNotifier({ triageChannel: config.triageChannel, homeViewers: home.viewers }));
  // Approvers' cards in their DMs (Reject opens a modal asking the reason).
  desk.addNotifier(new ApprovalCardNotifier({ platform: PLATFORM, kind: OUTBOX.approval, keyPrefix: "approval" }));
  const outbox = new OutboxWorker({
    db: desk.db,
    clock,
    deliverer: new SlackDeliverer({ api, desk, triageChannel: config.triageChannel, home }),
    log,
    yieldTo: () => desk.quiet(250),
    ...(tuning.backoffMs ? { backoffMs: tuning.backoffMs } : {}),
  });
  // Before anything is sent: rows a kill left in flight are flagged to be looked for (and the count logged).
  await outbox.recoverInFlight();
  await rememberRecentCalls(api, desk.db, clock.now());
  desk.onCommit(() => void outbox.drain().catch((e) => log(`outbox slack: ${(e as Error).message}`)));
  ctx.wake = () => void outbox.drain().catch((e) => log(`outbox slack: ${(e as Error).message}`));
  outbox.start(tuning.pollMs ?? 1000);

  const auth = await app.client.auth.test().catch((e: Error) => {
    throw new Error(`Slack auth.test failed: ${e.message} (check SLACK_BOT_TOKEN and SLACK_API_URL)`);
  });
  ctx.botUserId = auth.user_id as string | undefined;
  const configuredGroups = Object.values(desk.settings.roles)
    .flatMap((ms) => ms ?? [])
    .filter((m) => m.startsWith(`${SLACK_GROUP}:`))
    .map((m) => m.slice(SLACK_GROUP.length + 1));
  if (configuredGroups.length) void groups.warm(configuredGroups);

  if (receiver instanceof HTTPReceiver) {
    http.route("POST", EVENTS_PATH, async (req, res) => {
      if (await guardSlackRequest(req, res, { signingSecret: config.signingSecret, log })) receiver.requestListener(req, res);
    });
  } else await app.start();
  if (!config.triageChannel) log("slack: SLACK_TRIAGE_CHANNEL is not set: new tickets get no triage card.");
  log(`slack: ${socketMode ? "Socket Mode" : `HTTP at POST ${EVENTS_PATH}`}, bot ${auth.user_id ?? "?"}`);

  return {
    outbox,
    idle: () => ctx.idle(),
    replayInbox: () => ctx.inbox.replay(),
    async stop() {
      outbox.stop();
      if (socketMode) await app.stop();
      await ctx.idle();
      await api.stop();
    },
  };
}

function boltLogger(log: (m: string) => void) {
  let level = LogLevel.WARN;
  const out =
    (lvl: string) =>
    (...m: unknown[]) =>
      log(`slack ${lvl}: ${m.map(String).join(" ")}`);
  return {
    debug: () => {},
    info: () => {},
    warn: out("warn"),
    error: out("error"),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
