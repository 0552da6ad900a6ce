// Starts the Teams adapter: the Microsoft 365 Agents SDK's CloudAdapter on the one HTTP server at
// POST /api/messages, the notifier that plans Teams messages, and the outbox worker that sends them.
import { Activity } from "@microsoft/agents-activity";
import type http from "node:http";
import { CloudAdapter, authorizeJWT, getAuthConfigWithDefaults, type AuthConfiguration, type Request as AgentRequest } from "@microsoft/agents-hosting";
import { ConfigError, type Config } from "../../src/config.js";
import { type Clock, type Desk, keepFiles } from "../../src/core/index.js";
import type { HttpServer } from "../../src/http/server.js";
import { OutboxWorker } from "../../src/outbox/worker.js";
import { mountFiles } from "../../src/http/files.js";
import { DeskBot } from "./bot.js";
import { ROSTER_TTL_MS, TeamsMembers, within } from "./people.js";
import { aadGroupsFor } from "./graph.js";
import { showFiles } from "./files.js";
import { installedChannel } from "./conversations.js";
import { ROW, TeamsNotifier } from "./notifier.js";
import { ApprovalCardNotifier } from "../../src/capabilities/approvals/cards.js";
import { PLATFORM } from "./translate.js";
import { TeamsDeliverer, type SenderOptions } from "./sender.js";
import { CapturedResponse, activityProblem, authSettings, authenticate, readActivityBody, type Refusal } from "./inbound.js";

export const MESSAGES_PATH = "/api/messages";

export interface TeamsOptions {
  desk: Desk;
  config: Pick<Config, "teams" | "publicUrl">;
  http: HttpServer;
  clock: Clock;
  log: (m: string) => void;
  /** Extra Agents SDK auth settings, over those made from the MicrosoftApp* variables. */
  auth?: Partial<AuthConfiguration>;
  /** Outbox and sender tuning (tests make backoff small). */
  outbox?: { intervalMs?: number; backoffMs?: number; maxAttempts?: number };
  sender?: Pick<SenderOptions, "attempts" | "backoffMs" | "rateScale">;
}

export interface TeamsHandle {
  stop(): Promise<void>;
  /** The team's members as the Bot Connector lists them (people.ts). */
  members: TeamsMembers;
  worker: OutboxWorker;
  adapter: CloudAdapter;
}

export async function startTeams(o: TeamsOptions): Promise<TeamsHandle> {
  const t = o.config.teams;
  const appId = t.appId ?? "";
  // One configuration, completed with the SDK's defaults, for the adapter and the token check alike.
  if (!appId && process.env.NODE_ENV === "production") {
    // The SDK refuses to run without an app id in production; said plainly instead of as its stack trace.
    throw new ConfigError("Teams Emulator mode (no MicrosoftAppId) cannot run with NODE_ENV=production: set MicrosoftAppId, or unset NODE_ENV to test locally");
  }
  const settings = getAuthConfigWithDefaults(authSettings(t, o.auth));
  // The service URL claim is also compared exactly in inbound.ts; the SDK's own (host) check is kept on.
  const adapter = new CloudAdapter(settings, undefined, undefined, { validateServiceUrl: true, emitStackTrace: false });
  const checkToken = authorizeJWT(settings);
  // Roles given to AAD groups ("teams-group:<id>"): membership asked of Microsoft Graph.
  const aadGroups = aadGroupsFor(o.desk.settings.roles, t.graph, { now: () => o.clock.now(), log: o.log });
  if (aadGroups) o.desk.roles.addDirectory(aadGroups);
  adapter.onTurnError = async (context, error) => {
    o.log(`teams: turn failed: ${error.stack ?? error}`);
    await context
      .sendActivity(
        Activity.fromObject({ type: "message", text: "Sorry, something went wrong on my side; nothing was lost, please try again.", textFormat: "plain" }),
      )
      .catch(() => undefined);
  };

  // Where agents' cards go: the configured channel, else the channel the app was last installed in.
  let agentsChannel = t.triageConversation ?? (await installedChannel(o.desk.db));
  // Teams takes files as links to this server: GET /files/<token>, under PUBLIC_URL.
  mountFiles(o.http, { db: o.desk.db, clock: o.clock });
  const publicUrl = o.config.publicUrl;
  // The agents' team read from the Bot Connector, so configured agents are named before they speak.
  const members = new TeamsMembers({
    adapter,
    appId,
    desk: o.desk,
    now: () => o.clock.now(),
    log: o.log,
    ...(o.sender?.rateScale ? { rateScale: o.sender.rateScale } : {}),
  });
  const bot = new DeskBot({
    desk: o.desk,
    clock: o.clock,
    log: o.log,
    onInstalledInChannel: (id) => (agentsChannel = t.triageConversation ?? id),
    showFiles: async (files) => showFiles(o.desk.db, await keepFiles(o.desk.db, files, o.clock.now()), publicUrl, o.clock.now()),
    members: { directory: members, channel: () => agentsChannel },
  });
  // Read at start (names kept from before a restart stay meanwhile), then again as it goes stale.
  if (agentsChannel) await within(members.refresh(agentsChannel));
  const rereadRoster = setInterval(() => void (agentsChannel ? members.refresh(agentsChannel) : undefined), ROSTER_TTL_MS).unref();
  o.desk.addNotifier(new TeamsNotifier(() => agentsChannel));
  // Approvers' cards in their 1:1 chats (Reject opens an Action.ShowCard asking the reason).
  o.desk.addNotifier(new ApprovalCardNotifier({ platform: PLATFORM, kind: ROW.approval, keyPrefix: "teams-approval" }));

  const deliverer = new TeamsDeliverer({
    adapter,
    appId,
    db: o.desk.db,
    desk: o.desk,
    now: () => o.clock.now(),
    ...(publicUrl ? { publicUrl } : {}),
    ...o.sender,
  });
  const worker = new OutboxWorker({
    db: o.desk.db,
    clock: o.clock,
    deliverer,
    log: o.log,
    yieldTo: () => o.desk.quiet(250),
    ...(o.outbox?.backoffMs ? { backoffMs: o.outbox.backoffMs } : {}),
    ...(o.outbox?.maxAttempts ? { maxAttempts: o.outbox.maxAttempts } : {}),
  });
  // Before anything is sent: rows a kill left in flight are flagged to be sent again and counted (and the count logged).
  await worker.recoverInFlight();
  let stopped = false;
  const wake = () => void (stopped ? undefined : worker.drain().catch((e) => o.log(`teams outbox: ${(e as Error).message}`)));
  o.desk.onCommit(wake);
  worker.start(o.outbox?.intervalMs ?? 1000);

  const emulator = !appId;
  const refuse = (res: http.ServerResponse, r: Refusal, answered = false) => {
    // One line for each refused request, never a stack: these are the sender's mistakes (or an attack).
    o.log(`teams: refused a request to ${MESSAGES_PATH} (${r.status}): ${r.reason}`);
    if (!answered && !res.writableEnded) res.writeHead(r.status, { "content-type": "text/plain; charset=utf-8" }).end(r.reason);
  };
  o.http.route("POST", MESSAGES_PATH, async (req, res) => {
    // Without an app id nothing is authenticated, so only this machine may talk to the bot.
    if (emulator && !isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403, { "content-type": "text/plain" }).end("Teams runs in Emulator mode (no MicrosoftAppId): only loopback clients are accepted.");
      return;
    }
    const body = await readActivityBody(req, res);
    if (!body.ok) return refuse(res, body.refusal, body.answered);
    let user: AgentRequest["user"];
    if (!emulator) {
      // Who is calling before what they sent is looked at: an unauthenticated caller learns nothing more.
      const auth = await authenticate(checkToken, req, body.value);
      if (!auth.ok) return refuse(res, auth.refusal);
      user = auth.user;
    }
    const problem = activityProblem(body.value);
    if (problem) return refuse(res, { status: 400, reason: problem });
    // The SDK answers only once the turn is over, and the turn awaits desk.handle: the 2xx follows the commit.
    const answer = new CapturedResponse();
    try {
      await adapter.process(
        { body: body.value, headers: req.headers as Record<string, string>, method: req.method ?? "POST", ...(user ? { user } : {}) },
        answer,
        (context) => bot.run(context),
      );
    } catch (err) {
      // The turn's own failures are answered by onTurnError; this is the adapter failing around it
      // (e.g. no token for the Bot Connector). The caller hears that it failed, not why.
      o.log(
        `teams: could not process an activity: ${String((err as Error)?.message ?? err)
          .replace(/\s+/g, " ")
          .slice(0, 300)}`,
      );
      if (!res.writableEnded)
        res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end("the bot could not process this activity; nothing was changed");
      return;
    }
    answer.writeTo(res);
  });
  o.log(
    emulator
      ? `Teams: POST ${MESSAGES_PATH} in Emulator mode${t.emulator ? " (TEAMS_EMULATOR=true)" : ""}: no MicrosoftAppId, so activities are NOT authenticated and only loopback clients are accepted.`
      : `Teams: POST ${MESSAGES_PATH} for app ${appId}; every activity's token is verified.`,
  );
  if (!publicUrl) o.log("Teams: PUBLIC_URL is not set: report charts and exports cannot be linked in Teams cards.");
  if (!agentsChannel) o.log("Teams: no agents' channel yet (set TEAMS_TRIAGE_CONVERSATION or install the app in a team channel).");

  return {
    worker,
    adapter,
    members,
    async stop() {
      stopped = true;
      clearInterval(rereadRoster);
      worker.stop();
      // Let a pass already under way (and the one it may have queued) finish before the database goes away.
      await worker.drain().catch(() => undefined);
      await worker.drain().catch(() => undefined);
      await deliverer.stop();
      await members.stop();
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
