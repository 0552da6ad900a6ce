// POST /hooks/<source>: monitoring alerts in, after the source's secret (bearer token or HMAC signature)
// checks out. Answers: 200 with what became of each alert, once they are committed; 400 naming the field,
// 401 (a wrong secret, or a signed request replayed inside its window), 413, 500, 503.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, type Desk } from "../../src/core/index.js";
import { deliveryKey, parseAlerts, receiveAlerts } from "../../src/capabilities/alerts/index.js";
import { PartialDeliveryError, PayloadError, ReplayError, type AlertSource } from "../../src/capabilities/alerts/model.js";
import type { HttpServer } from "../../src/http/server.js";

export const MAX_BODY = 1024 * 1024;
export const MAX_SIGNATURE_AGE_S = 300;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY) return reject(new HttpError(413, `the body is over ${MAX_BODY} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `the body is over ${MAX_BODY} bytes`));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Whether two secrets are equal, in a time that tells nothing of either: both are first hashed (HMAC with a
 * key drawn at start, so the digests cannot be precomputed) to 32 bytes, and the digests compared in constant
 * time. Comparing the raw strings would return early on a length mismatch and so leak the secret's length.
 */
const compareKey = randomBytes(32);
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHmac("sha256", compareKey).update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Bearer: `Authorization: Bearer <secret>`. HMAC (Grafana's scheme): hex HMAC-SHA256 of "<timestamp>:<body>".
 * Returns the signature of a signed request (its replay is refused once it has been used), else undefined.
 */
export function checkAuth(source: AlertSource, secret: string, headers: IncomingMessage["headers"], body: Buffer, nowMs: number): string | undefined {
  if (source.auth.kind === "bearer") {
    const given = /^Bearer\s+(.+)$/i.exec(String(headers.authorization ?? ""))?.[1]?.trim();
    if (!given || !sameSecret(given, secret)) throw new HttpError(401, "missing or wrong bearer token");
    return undefined;
  }
  const sig = String(headers[source.auth.signatureHeader] ?? "").replace(/^sha256=/, "");
  const tsText = String(headers[source.auth.timestampHeader] ?? "");
  if (!sig) throw new HttpError(401, `missing signature header ${source.auth.signatureHeader}`);
  if (!/^\d+$/.test(tsText)) throw new HttpError(401, `missing or malformed timestamp header ${source.auth.timestampHeader}`);
  const tsMs = tsText.length > 11 ? Number(tsText) : Number(tsText) * 1000;
  if (Math.abs(nowMs - tsMs) > MAX_SIGNATURE_AGE_S * 1000) throw new HttpError(401, "the signature's timestamp is more than 5 minutes old (a replay?)");
  const expected = createHmac("sha256", secret).update(`${tsText}:`).update(body).digest("hex");
  if (!sameSecret(sig.toLowerCase(), expected)) throw new HttpError(401, "the signature does not match the body");
  return expected;
}

export interface WebhookDeps {
  http: HttpServer;
  desk: Desk;
  clock: Clock;
  sources: AlertSource[];
  env: NodeJS.ProcessEnv;
  log: (m: string) => void;
}

/** Mounts one route per source; returns the names of the sources that can accept alerts (secret set). */
export function mountWebhooks(d: WebhookDeps): string[] {
  const ready: string[] = [];
  const waiting: string[] = [];
  for (const source of d.sources) {
    const secret = d.env[source.auth.env]?.trim();
    if (secret) ready.push(source.name);
    else waiting.push(`/hooks/${source.name} (${source.auth.env})`);
    d.http.route("POST", `/hooks/${source.name}`, async (req, res) => {
      try {
        if (!secret) throw new HttpError(503, `this webhook has no secret yet: set ${source.auth.env}`);
        const body = await readBody(req);
        const now = d.clock.now();
        const signature = checkAuth(source, secret, req.headers, body, now);
        let json: unknown;
        try {
          json = JSON.parse(body.toString("utf8"));
        } catch (err) {
          throw new HttpError(400, `malformed JSON: ${(err as Error).message}`);
        }
        const alerts = parseAlerts(source.format, json, source.severityLabel);
        // A signature stays refusable for twice its window: a request dated up to 5 minutes ahead is still
        // inside the window 10 minutes after it was first used.
        const delivery = { key: deliveryKey(body), ...(signature ? { signature: { value: signature, since: now - 2 * MAX_SIGNATURE_AGE_S * 1000 } } : {}) };
        const results = await receiveAlerts(d.desk, source, alerts, delivery);
        send(res, 200, { ok: true, accepted: results.length, results });
      } catch (err) {
        if (err instanceof HttpError) return send(res, err.status, { ok: false, error: err.message, ...(err.field ? { field: err.field } : {}) });
        if (err instanceof PayloadError) return send(res, 400, { ok: false, error: err.message, field: err.field });
        if (err instanceof ReplayError) return send(res, 401, { ok: false, error: err.message });
        if (err instanceof PartialDeliveryError) {
          d.log(`webhook ${source.name}: ${err.message}`);
          return send(res, 500, {
            ok: false,
            error: `${err.taken} of ${err.total} alerts were stored before a failure; send the same body again and the rest are taken (the first ${err.taken} are not counted twice)`,
            taken: err.taken,
          });
        }
        d.log(`webhook ${source.name}: the alerts could not be stored: ${(err as Error)?.message ?? err}`);
        send(res, 500, { ok: false, error: "the alert could not be stored; nothing was changed, send it again" });
      }
    });
  }
  if (waiting.length) d.log(`Webhooks refusing alerts until their secret is set: ${waiting.join(", ")}`);
  return ready;
}
