// What comes in on POST /api/messages before the Agents SDK sees it: the body read within a bound, the
// token checked by the SDK's own JWT middleware (plus the service URL claim, checked exactly), and the
// activity's shape checked, so a bad request gets a 4xx and one log line instead of a TypeError mid-turn.
import type http from "node:http";
import { Activity } from "@microsoft/agents-activity";
import { authorizeJWT, type AuthConfiguration, type Request as AgentRequest, type WebResponse } from "@microsoft/agents-hosting";

/** Teams' own limit for a message is about 28 KB; 1 MiB leaves room for any card a client sends back. */
export const MAX_BODY = 1024 * 1024;
/** After a 413, this much more of the body is read and dropped before the connection is cut. */
const DRAIN_LIMIT = 4 * MAX_BODY;

export type Refusal = { status: number; reason: string };

/**
 * The body as JSON. Too large: a 413 is answered at once with `Connection: close`, the rest of the body is
 * read and dropped (up to DRAIN_LIMIT, then the socket is cut), so the sender's next request never lands
 * in the unread remains of this one.
 */
export async function readActivityBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; refusal: Refusal; answered?: boolean }> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > MAX_BODY) return { ok: false, refusal: tooLarge(req, res), answered: true };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, refusal: tooLarge(req, res), answered: true };
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value))
      return { ok: false, refusal: { status: 400, reason: "the body must be a JSON activity object" } };
    return { ok: true, value: value as Record<string, unknown> };
  } catch {
    return { ok: false, refusal: { status: 400, reason: "the body is not JSON" } };
  }
}

function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): Refusal {
  const reason = `the activity is larger than ${MAX_BODY} bytes`;
  res.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" }).end(reason);
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT) req.socket.destroy();
  });
  req.resume();
  return { status: 413, reason };
}

const INVOKES_WITH_VALUE = new Set(["adaptiveCard/action", "task/fetch", "task/submit", "composeExtension/fetchTask", "composeExtension/submitAction"]);

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/** Why this is not an activity the bot can act on, or undefined when it is. */
export function activityProblem(a: Record<string, unknown>): string | undefined {
  if (!nonEmpty(a.type)) return "the activity has no type";
  if (!nonEmpty(a.channelId)) return "the activity has no channelId";
  if (!isObject(a.conversation) || !nonEmpty(a.conversation.id)) return "the activity names no conversation (conversation.id)";
  if (!isObject(a.from) || !nonEmpty(a.from.id)) return "the activity names no sender (from.id)";
  if (!isObject(a.recipient) || !nonEmpty(a.recipient.id)) return "the activity names no recipient (recipient.id)";
  if (!nonEmpty(a.serviceUrl) || !/^https?:\/\/[^/\s]+/i.test(a.serviceUrl)) return "the activity has no http(s) serviceUrl to answer on";
  if (a.text !== undefined && a.text !== null && typeof a.text !== "string") return "the activity's text is not a string";
  if (a.entities !== undefined && a.entities !== null && !Array.isArray(a.entities)) return "the activity's entities are not a list";
  if (a.membersAdded !== undefined && a.membersAdded !== null && !Array.isArray(a.membersAdded)) return "the activity's membersAdded is not a list";
  if (a.type === "invoke") {
    if (!nonEmpty(a.name)) return "the invoke has no name";
    if (INVOKES_WITH_VALUE.has(a.name) && !isObject(a.value)) return `the ${a.name} invoke has no value object`;
  }
  try {
    Activity.fromObject(a);
  } catch (err) {
    return `the activity does not match the Bot Framework schema (${zodSummary(err)})`;
  }
  return undefined;
}

function zodSummary(err: unknown): string {
  const issues = (err as { issues?: { path?: (string | number)[]; message?: string }[] }).issues;
  if (!issues?.length) return "unreadable";
  return issues
    .slice(0, 3)
    .map((i) => `${(i.path ?? []).join(".") || "activity"}: ${i.message ?? "invalid"}`)
    .join("; ");
}

/**
 * A verified caller, or why not. The token goes through the Agents SDK's JWT middleware (signature
 * against the issuer's published keys, audience = the app id, issuer, expiry); the service URL claim is
 * then compared exactly with the activity's serviceUrl (the SDK compares host names only).
 */
export async function authenticate(
  check: ReturnType<typeof authorizeJWT>,
  req: http.IncomingMessage,
  activity: Record<string, unknown>,
): Promise<{ ok: true; user: AgentRequest["user"] } | { ok: false; refusal: Refusal }> {
  const request: AgentRequest = { headers: req.headers as AgentRequest["headers"], method: req.method ?? "POST" };
  const answer = new CapturedResponse();
  let passed = false;
  await check(request, answer, () => (passed = true));
  if (!passed) {
    const detail = (answer.body as { "jwt-auth-error"?: string } | undefined)?.["jwt-auth-error"] ?? "unauthorized";
    return { ok: false, refusal: { status: answer.statusCode === 200 ? 401 : answer.statusCode, reason: `the token was refused: ${detail}` } };
  }
  const claim = (request.user as { serviceurl?: unknown } | undefined)?.serviceurl;
  if (typeof claim !== "string" || trimSlash(claim) !== trimSlash(String(activity.serviceUrl))) {
    return { ok: false, refusal: { status: 401, reason: "the token's serviceurl claim does not match the activity's serviceUrl" } };
  }
  return { ok: true, user: request.user };
}

const trimSlash = (u: string) => u.replace(/\/+$/, "").toLowerCase();

/** The SDK's WebResponse, kept in memory: the handler decides what goes on the wire. */
export class CapturedResponse implements WebResponse {
  statusCode = 200;
  headers: Record<string, string> = {};
  body: unknown;
  headersSent = false;
  writableEnded = false;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  send(body?: unknown): this {
    this.body = body;
    return this;
  }

  end(): this {
    this.writableEnded = true;
    return this;
  }

  /** Writes what was captured to the real response. */
  writeTo(res: http.ServerResponse): void {
    if (res.writableEnded) return;
    if (this.body === undefined) res.writeHead(this.statusCode, this.headers).end();
    else if (typeof this.body === "string") res.writeHead(this.statusCode, { "content-type": "text/plain; charset=utf-8", ...this.headers }).end(this.body);
    else res.writeHead(this.statusCode, { ...this.headers, "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(this.body));
  }
}

/** The SDK's settings from today's variables (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType). */
export function authSettings(
  t: { appId?: string; appPassword?: string; tenantId?: string; appType: string },
  extra: Partial<AuthConfiguration> = {},
): AuthConfiguration {
  if (!t.appId) return { ...extra };
  const base: AuthConfiguration = { clientId: t.appId, validateIssuer: true };
  if (t.appType === "UserAssignedMSI") return { ...base, authType: "UserManagedIdentity", ...(t.tenantId ? { tenantId: t.tenantId } : {}), ...extra };
  // A MultiTenant bot takes its tokens from the botframework.com tenant (the SDK's default); a SingleTenant one from its own.
  return {
    ...base,
    authType: "ClientSecret",
    clientSecret: t.appPassword ?? "",
    ...(t.appType === "SingleTenant" && t.tenantId ? { tenantId: t.tenantId } : {}),
    ...extra,
  };
}
