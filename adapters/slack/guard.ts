// Checks made on a Slack HTTP request before Bolt reads it. Bolt verifies the signature and refuses a request
// dated more than 5 minutes in the past, but accepts one dated any time in the future (a captured request
// signed with a clock set ahead could be replayed for as long as that clock was ahead); and it turns a form
// field sent twice into an array that the listeners would read as a string. The body is read here once and
// handed on to Bolt, which uses a request's rawBody when it is already there.
import type { IncomingMessage, ServerResponse } from "node:http";
import { defaultBodyLimit, verifySlackRequest } from "@slack/bolt";
import { esc } from "./render.js";

/** Slack's window: a request more than this far from now, in either direction, is refused. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

export interface GuardOptions {
  signingSecret: string;
  nowMs?: () => number;
  log: (m: string) => void;
  bodyLimit?: number;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve("too large");
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The names of the form fields that appear more than once. */
export function repeatedFields(form: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of new URLSearchParams(form).keys()) (seen.has(name) ? repeated : seen).add(name);
  return [...repeated];
}

function reply(res: ServerResponse, status: number, body = "", type = "text/plain"): false {
  res.writeHead(status, body ? { "content-type": type } : {}).end(body);
  return false;
}

/**
 * Reads the body and answers the request itself when it must be refused: 413 over the size limit, 401 when
 * dated more than 5 minutes ahead, and a clear answer when a signed form repeats a field. Returns true when
 * the request may go on to Bolt (which checks the signature and a stale date).
 */
export async function guardSlackRequest(req: IncomingMessage, res: ServerResponse, o: GuardOptions): Promise<boolean> {
  const body = await readBody(req, o.bodyLimit ?? defaultBodyLimit);
  if (body === "too large") return reply(res, 413);
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;

  const nowS = Math.floor((o.nowMs?.() ?? Date.now()) / 1000);
  const stamp = Number(req.headers["x-slack-request-timestamp"]);
  if (Number.isFinite(stamp) && stamp - nowS > MAX_CLOCK_SKEW_S) {
    o.log(`slack: refused a request dated ${stamp - nowS} s ahead of this server's clock (more than ${MAX_CLOCK_SKEW_S} s either way is refused)`);
    return reply(res, 401);
  }

  if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) return true;
  const text = body.toString();
  const repeated = repeatedFields(text);
  if (!repeated.length) return true;
  // Only a signed request hears why; anyone else gets the same 401 as any unsigned request.
  try {
    verifySlackRequest({
      signingSecret: o.signingSecret,
      body: text,
      headers: { "x-slack-signature": String(req.headers["x-slack-signature"] ?? ""), "x-slack-request-timestamp": stamp },
    });
  } catch {
    return reply(res, 401);
  }
  const why = `The request was malformed: ${repeated.map((f) => `"${esc(f)}"`).join(", ")} ${repeated.length === 1 ? "was" : "were"} sent more than once. Nothing was done; please try again.`;
  o.log(`slack: refused a signed request with repeated form fields (${repeated.join(", ")})`);
  // A slash command's answer is shown to the person who typed it; other requests have no one to show it to.
  if (new URLSearchParams(text).has("command")) return reply(res, 200, JSON.stringify({ response_type: "ephemeral", text: why }), "application/json");
  return reply(res, 400, why);
}
