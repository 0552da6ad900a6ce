// A proxy on 127.0.0.1 in front of a fake platform server (FakeSlackApi, FakeBotConnector) that makes it
// behave like the real platform under load: it enforces the platform's rate limits (rate-limits.ts),
// answering 429 (with Retry-After on Slack) instead of forwarding, and, when asked, injects faults at a
// rate: 429s, 5xx, timeouts (held, then the connection dropped, nothing forwarded) and lost answers (the
// call takes effect upstream, then the connection drops before the answer: the case that makes a sender
// wonder whether it posted). The fakes stay as they are: this composes with them.
import http from "node:http";
import type { RateLimits } from "./rate-limits.js";
import { closeServer, listenOnLoopback } from "./loopback.js";

export type FaultKind = "429" | "5xx" | "timeout" | "lost";

export interface ProxiedCall {
  /** HTTP method and path, e.g. POST /api/chat.postMessage or PUT /v3/conversations/x/activities/y. */
  method: string;
  path: string;
  /** The request body, decoded (JSON or form). */
  body: Record<string, any>;
}

export interface Delivered extends ProxiedCall {
  /** The upstream's answer: what took effect, whether or not the caller heard it. */
  status: number;
  answer: Record<string, any>;
  at: number;
  /** The caller never got this answer (a lost-answer fault). */
  answerLost: boolean;
}

export interface ProxyOptions {
  upstream: string;
  platform: "slack" | "teams";
  limits: RateLimits;
  /** The limits a call counts against (none: not limited). */
  limitsOf(call: ProxiedCall): { limit: string; key: string }[];
  /**
   * Rewrites an upstream answer before the caller gets it. FakeSlackApi answers posts with the spec's sample
   * message (a union of every field, megabytes); a benchmark trims it to what Slack really sends back.
   */
  answer?: (call: ProxiedCall, json: Record<string, any>) => Record<string, any> | undefined;
  faults?: {
    /** Chance per call that `faultable` accepts, 0..1, of one fault drawn evenly from `kinds`. */
    rate: number;
    kinds: FaultKind[];
    /** How long a timeout holds the call before dropping it. */
    holdMs: number;
    faultable(call: ProxiedCall): boolean;
    random?: () => number;
  };
}

export class LimitedProxy {
  readonly delivered: Delivered[] = [];
  /** 429s answered because the caller went over a limit (the figure that must stay 0). */
  rateLimited = 0;
  readonly injected: Record<FaultKind, number> = { "429": 0, "5xx": 0, timeout: 0, lost: 0 };
  private readonly server = http.createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
  /** To the upstream: a fresh connection a call, so a socket the upstream closed when idle is never reused. */
  private readonly agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
  url = "";

  constructor(private readonly config: ProxyOptions) {}

  async start(): Promise<string> {
    // Clients keep connections open between bursts; closing them while idle races a client reusing one.
    this.server.keepAliveTimeout = 120_000;
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
    this.agent.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = String(req.headers["content-type"] ?? "");
    const text = raw.toString("utf8");
    let body: Record<string, any>;
    try {
      body = type.includes("json") ? (text ? JSON.parse(text) : {}) : Object.fromEntries(new URLSearchParams(text));
    } catch {
      body = {};
    }
    const call: ProxiedCall = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, body };

    const refused = this.config.limits.admit(this.config.limitsOf(call), Date.now());
    if (refused) {
      this.rateLimited++;
      return this.tooMany(res, refused.retryAfterMs);
    }
    const f = this.config.faults;
    const random = f?.random ?? Math.random;
    const fault = f && f.faultable(call) && random() < f.rate ? f.kinds[Math.floor(random() * f.kinds.length)]! : undefined;
    if (fault) this.injected[fault]++;
    if (fault === "429") return this.tooMany(res, 1000);
    if (fault === "5xx") return void res.writeHead(this.config.platform === "slack" ? 503 : 502, { "content-type": "text/plain" }).end("injected server error");
    if (fault === "timeout") return void setTimeout(() => res.destroy(), f!.holdMs);

    const answer = await this.forward(req, raw);
    this.delivered.push({ ...call, status: answer.status, answer: answer.json, at: Date.now(), answerLost: fault === "lost" });
    if (fault === "lost") return void res.destroy();
    const rewritten = this.config.answer?.(call, answer.json);
    if (rewritten) {
      const body = Buffer.from(JSON.stringify(rewritten));
      return void res.writeHead(answer.status, { ...answer.headers, "content-length": String(body.length) }).end(body);
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  private tooMany(res: http.ServerResponse, waitMs: number): void {
    if (this.config.platform === "slack") {
      res
        .writeHead(429, { "content-type": "application/json", "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) })
        .end(JSON.stringify({ ok: false, error: "ratelimited" }));
    } else {
      res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "Throttled", message: "rate limited by the fake" } }));
    }
  }

  private forward(
    req: http.IncomingMessage,
    raw: Buffer,
  ): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer; json: Record<string, any> }> {
    const target = new URL(req.url ?? "/", this.config.upstream);
    const headers = { ...req.headers, host: target.host, "content-length": String(raw.length) };
    return new Promise((resolve, reject) => {
      const out = http.request(target, { method: req.method, headers, agent: this.agent }, (up) => {
        const parts: Buffer[] = [];
        up.on("data", (c: Buffer) => parts.push(c));
        up.on("end", () => {
          const body = Buffer.concat(parts);
          let json: Record<string, any>;
          try {
            json = JSON.parse(body.toString("utf8") || "{}");
          } catch {
            json = {};
          }
          const { connection: _c, "keep-alive": _k, "transfer-encoding": _t, ...rest } = up.headers;
          resolve({ status: up.statusCode ?? 502, headers: rest, body, json });
        });
        up.on("error", reject);
      });
      out.on("error", reject);
      out.end(raw);
    });
  }
}
