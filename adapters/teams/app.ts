// Starts the Teams adapter: botbuilder's CloudAdapter on the one HTTP server at POST /api/messages,
// the notifier that plans Teams messages, and the outbox worker that sends them.
import type http from "node:http";
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions, type Response as BotResponse } from "botbuilder";
import { AuthenticationError } from "botframework-connector";
import type { Config } from "../../src/config.js";
import type { Clock } from "../../src/core/clock.js";
import type { Desk } from "../../src/core/desk.js";
import type { HttpServer } from "../../src/http/server.js";
import { OutboxWorker } from "../../src/outbox/worker.js";
import { keepFiles } from "../../src/core/files.js";
import { mountFiles } from "../../src/http/files.js";
import { DeskBot } from "./bot.js";
import { aadGroupsFor } from "./graph.js";
import { showFiles } from "./files.js";
import { installedChannel } from "./conversations.js";
import { ROW, TeamsNotifier } from "./notifier.js";
import { ApprovalCardNotifier } from "../../src/core/approvals/cards.js";
import { PLATFORM } from "./translate.js";
import { TeamsDeliverer, type SenderOptions } from "./sender.js";

export const MESSAGES_PATH = "/api/messages";
const MAX_BODY = 1024 * 1024;

export interface TeamsOptions {
  desk: Desk;
  config: Pick<Config, "teams" | "publicUrl">;
  http: HttpServer;
  clock: Clock;
  log: (m: string) => void;
  /** Extra botbuilder auth settings (tests point the OpenID metadata at a local server). */
  auth?: ConfigurationBotFrameworkAuthenticationOptions;
  /** Outbox and sender tuning (tests make backoff small). */
  outbox?: { intervalMs?: number; backoffMs?: number; maxAttempts?: number };
  sender?: Pick<SenderOptions, "attempts" | "backoffMs" | "rateScale">;
}

export interface TeamsHandle {
  stop(): Promise<void>;
  worker: OutboxWorker;
  adapter: CloudAdapter;
}

export async function startTeams(o: TeamsOptions): Promise<TeamsHandle> {
  const t = o.config.teams;
  const appId = t.appId ?? "";
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: t.appPassword ?? "",
    MicrosoftAppTenantId: t.tenantId ?? "",
    MicrosoftAppType: t.appType,
    ...o.auth,
  });
  rejectBadSignatures(auth);
  const adapter = new CloudAdapter(auth);
  // Roles given to AAD groups ("teams-group:<id>"): membership asked of Microsoft Graph.
  const aadGroups = aadGroupsFor(o.desk.settings.roles, t.graph, { now: () => o.clock.now(), log: o.log });
  if (aadGroups) o.desk.roles.addDirectory(aadGroups);
  adapter.onTurnError = async (context, error) => {
    o.log(`teams: turn failed: ${(error as Error).stack ?? error}`);
    await context.sendActivity({ type: "message", text: "Sorry, something went wrong on my side; nothing was lost, please try again.", textFormat: "plain" }).catch(() => undefined);
  };

  // Where agents' cards go: the configured channel, else the channel the app was last installed in.
  let agentsChannel = t.triageConversation ?? (await installedChannel(o.desk.db));
  // Teams takes files as links to this server: GET /files/<token>, under PUBLIC_URL.
  mountFiles(o.http, { db: o.desk.db, clock: o.clock });
  const publicUrl = o.config.publicUrl;
  const bot = new DeskBot({
    desk: o.desk,
    clock: o.clock,
    log: o.log,
    onInstalledInChannel: (id) => (agentsChannel = t.triageConversation ?? id),
    showFiles: async (files) => showFiles(o.desk.db, await keepFiles(o.desk.db, files, o.clock.now()), publicUrl, o.clock.now()),
  });
  o.desk.addNotifier(new TeamsNotifier(() => agentsChannel));
  // Approvers' cards in their 1:1 chats (Reject opens an Action.ShowCard asking the reason).
  o.desk.addNotifier(new ApprovalCardNotifier({ platform: PLATFORM, kind: ROW.approval, keyPrefix: "teams-approval" }));

  const deliverer = new TeamsDeliverer({ adapter, appId, db: o.desk.db, desk: o.desk, now: () => o.clock.now(), ...(publicUrl ? { publicUrl } : {}), ...o.sender });
  const worker = new OutboxWorker({ db: o.desk.db, clock: o.clock, deliverer, log: o.log, yieldTo: () => o.desk.quiet(250), ...(o.outbox?.backoffMs ? { backoffMs: o.outbox.backoffMs } : {}), ...(o.outbox?.maxAttempts ? { maxAttempts: o.outbox.maxAttempts } : {}) });
  // Before anything is sent: rows a kill left in flight are flagged to be sent again and counted (and the count logged).
  await worker.recoverInFlight();
  let stopped = false;
  const wake = () => void (stopped ? undefined : worker.drain().catch((e) => o.log(`teams outbox: ${(e as Error).message}`)));
  o.desk.onCommit(wake);
  worker.start(o.outbox?.intervalMs ?? 1000);

  const emulator = !appId;
  o.http.route("POST", MESSAGES_PATH, async (req, res) => {
    // Without an app id nothing is authenticated, so only this machine may talk to the bot.
    if (emulator && !isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403, { "content-type": "text/plain" }).end("Teams runs in Emulator mode (no MicrosoftAppId): only loopback clients are accepted.");
      return;
    }
    const body = await readJson(req);
    if (!body.ok) {
      res.writeHead(body.status, { "content-type": "text/plain" }).end(body.error);
      return;
    }
    await adapter.process({ body: body.value, headers: req.headers as Record<string, string>, method: req.method }, botResponse(res), (context) => bot.run(context));
  });
  o.log(
    emulator
      ? `Teams: POST ${MESSAGES_PATH} in Emulator mode: no MicrosoftAppId, so activities are NOT authenticated and only loopback clients are accepted.`
      : `Teams: POST ${MESSAGES_PATH} for app ${appId}; every activity's token is verified.`,
  );
  if (!publicUrl) o.log("Teams: PUBLIC_URL is not set: report charts and exports cannot be linked in Teams cards.");
  if (!agentsChannel) o.log("Teams: no agents' channel yet (set TEAMS_TRIAGE_CONVERSATION or install the app in a team channel).");

  return {
    worker,
    adapter,
    async stop() {
      stopped = true;
      worker.stop();
      // Let a pass already under way (and the one it may have queued) finish before the database goes away.
      await worker.drain().catch(() => undefined);
      await worker.drain().catch(() => undefined);
      await deliverer.stop();
    },
  };
}

/**
 * botbuilder reports a token whose signature does not verify as a plain jsonwebtoken error, which
 * CloudAdapter answers with 500; it is a refused token like any other, so it is answered 401.
 */
function rejectBadSignatures(auth: ConfigurationBotFrameworkAuthentication): void {
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (...args) => {
    try {
      return await authenticate(...args);
    } catch (err) {
      const name = (err as Error)?.name;
      if (name === "JsonWebTokenError" || name === "NotBeforeError" || name === "TokenExpiredError") throw new AuthenticationError(`Unauthorized: ${(err as Error).message}`, 401);
      throw err;
    }
  };
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

async function readJson(req: http.IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; status: number; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, status: 413, error: "activity too large" };
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, status: 400, error: "the body must be a JSON activity object" };
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    return { ok: false, status: 400, error: "the body is not JSON" };
  }
}

/** Node's plain ServerResponse in the shape CloudAdapter.process expects (Express-like status/header/send). */
function botResponse(res: http.ServerResponse): BotResponse {
  let status = 200;
  let body: unknown;
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
      return this;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return this;
    },
    send(b: unknown) {
      body = b;
      return this;
    },
    end() {
      if (res.writableEnded) return;
      if (body === undefined) res.writeHead(status).end();
      else if (typeof body === "string") res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
      else res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    },
  };
}
