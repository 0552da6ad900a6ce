// A fake Slack Web API on 127.0.0.1: records every call, checks its arguments against Slack's published
// OpenAPI spec and its Block Kit against the published limits, answers in Slack's response shapes, and
// can be told to answer 429 with Retry-After or a Slack error.
import { SPECS as SHARED_SPECS } from "../helpers/shared.js";
import { readFileSync } from "node:fs";
import http from "node:http";
import { checkSurface } from "./slack-blocks.js";
import { NEWER_ARGS, SlackHistory } from "./slack-history.js";
import { closeServer, listenOnLoopback } from "./loopback.js";

const SPECS = `${SHARED_SPECS}/slack`;
const SAMPLES = `${SPECS}/java-slack-sdk/json-logs/samples/api`;

interface Param {
  name: string;
  in: string;
  type?: string;
  required?: boolean;
}
const spec = JSON.parse(readFileSync(`${SPECS}/slack-api-specs/web-api/slack_web_openapi_v2.json`, "utf8")) as {
  paths: Record<string, Record<string, { parameters?: Param[] }>>;
};

/**
 * Methods newer than the 2021 spec, with their documented arguments (docs.slack.dev reference pages and
 * @slack/web-api's request types): files.getUploadURLExternal needs filename and length; completeUploadExternal
 * needs files, a JSON array of {id, title?}, and shares into channel_id (or channels) and thread_ts when given.
 */
const NEWER_METHODS: Record<string, Param[]> = {
  // Socket Mode's handshake, called with the app-level token (xapp-) in the Authorization header.
  "apps.connections.open": [{ name: "token", in: "header", type: "string" }],
  "files.getUploadURLExternal": [
    { name: "token", in: "header", type: "string" },
    { name: "filename", in: "formData", type: "string", required: true },
    { name: "length", in: "formData", type: "integer", required: true },
    { name: "alt_txt", in: "formData", type: "string" },
    { name: "snippet_type", in: "formData", type: "string" },
  ],
  "files.completeUploadExternal": [
    { name: "token", in: "header", type: "string" },
    { name: "files", in: "formData", type: "string", required: true },
    { name: "channel_id", in: "formData", type: "string" },
    { name: "channels", in: "formData", type: "string" },
    { name: "thread_ts", in: "formData", type: "string" },
    { name: "initial_comment", in: "formData", type: "string" },
    { name: "blocks", in: "formData", type: "string" },
  ],
};

/** A file between files.getUploadURLExternal and files.completeUploadExternal. */
export interface FakeUpload {
  id: string;
  filename: string;
  length: number;
  bytes?: Buffer;
  completed?: { channel?: string; thread?: string; title?: string; comment?: string };
}

export interface Call {
  method: string;
  args: Record<string, unknown>;
  /** Blocks / view decoded from their JSON strings. */
  blocks?: Record<string, unknown>[];
  view?: Record<string, unknown>;
  at: number;
}

const samples = new Map<string, Record<string, unknown>>();
const sample = (method: string): Record<string, unknown> => {
  let s = samples.get(method);
  if (!s) {
    try {
      s = JSON.parse(readFileSync(`${SAMPLES}/${method}.json`, "utf8")) as Record<string, unknown>;
    } catch {
      s = {};
    }
    samples.set(method, s);
  }
  return s;
};

export interface FakeUser {
  name: string;
  email?: string;
  tz?: string;
}

export class FakeSlackApi {
  readonly calls: Call[] = [];
  /** Every argument or Block Kit problem seen; tests assert it stays empty. */
  readonly violations: string[] = [];
  readonly users = new Map<string, FakeUser>();
  /** Members of each user group (usergroups.users.list); an id not here is answered no_such_subteam. */
  readonly usergroups = new Map<string, string[]>();
  /** Where apps.connections.open sends Socket Mode clients (a FakeSocketMode server). */
  socketUrl?: string;
  /** Messages conversations.replies returns, by "channel:ts". */
  readonly messages = new Map<string, Record<string, unknown>>();
  /** Files by id, as uploaded through the external upload flow. */
  readonly uploads = new Map<string, FakeUpload>();
  private readonly failures: { method: string; status?: number; retryAfter?: number; error?: string; times: number }[] = [];
  /** Every message posted, with its metadata: what conversations.history and .replies answer from. */
  readonly history = new SlackHistory();
  /** When set, a message's ts is this clock's time (seconds.sequence), so history's oldest/latest mean something. */
  tsClock?: () => number;
  /** Per method: the call takes effect at once but its answer waits this long (a crash can then lose the answer). */
  readonly answerDelayMs: Record<string, number> = {};
  /** Told of each call as it arrives (before its answer). */
  onCall?: (call: Call) => void;
  private seq = 100;
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";
  /** Simulated server latency, for benchmarks. */
  delayMs = 0;
  /** Answer without the spec samples' extra fields (benchmarks: the chat.postMessage sample is 2 MB, a real answer about 1 KB). */
  lean = false;

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url for a slash command or interaction. */
  responseUrl(id: string | number): string {
    return `${this.url}/respond/${id}`;
  }

  rateLimit(method: string, retryAfterSeconds: number, times = 1): void {
    this.failures.push({ method, status: 429, retryAfter: retryAfterSeconds, times });
  }

  fail(method: string, error: string, times = 1): void {
    this.failures.push({ method, error, times });
  }

  /** The next `times` calls of `method` take effect (a post is posted) but are answered with HTTP `status`, as when a proxy or a timeout loses Slack's answer. */
  loseAnswer(method: string, times = 1, status = 503): void {
    this.lost.push({ method, times, status });
  }
  private readonly lost: { method: string; times: number; status: number }[] = [];

  of(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private nextTs(): string {
    if (this.tsClock) return `${Math.floor(this.tsClock() / 1000)}.${String(++this.seq).padStart(6, "0")}`;
    return `1700000000.${String(++this.seq).padStart(6, "0")}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/upload/")) return this.receiveUpload(url.pathname.slice("/upload/".length), Buffer.concat(chunks), req.method ?? "", res);
    const raw = Buffer.concat(chunks).toString("utf8");
    const type = req.headers["content-type"] ?? "";
    const args: Record<string, unknown> = type.includes("json")
      ? raw
        ? (JSON.parse(raw) as Record<string, unknown>)
        : {}
      : Object.fromEntries(new URLSearchParams(raw));
    for (const [k, v] of url.searchParams) args[k] = v;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };

    if (url.pathname.startsWith("/respond/")) {
      this.record("response_url", args);
      // Slack answers an expired or used-up response_url with a 404 and the reason as plain text.
      const refused = this.failures.find((f) => f.method === "response_url" && f.times > 0);
      if (refused) {
        refused.times--;
        res.writeHead(404, { "content-type": "text/plain" }).end(refused.error);
        return;
      }
      return send(200, { ok: true });
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const call = this.record(method, args);
    const problems = this.validate(method, args, call, Boolean(req.headers.authorization));
    const failure = this.failures.find((f) => f.method === method && f.times > 0);
    if (failure) {
      failure.times--;
      if (failure.status === 429) return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(failure.retryAfter ?? 1) });
      return send(200, { ok: false, error: failure.error });
    }
    if (problems.length) {
      this.violations.push(...problems.map((p) => `${method}: ${p}`));
      return send(200, {
        ok: false,
        error: problems.some((p) => p.startsWith("blocks") || p.startsWith("view")) ? "invalid_blocks" : "invalid_arguments",
        response_metadata: { messages: problems },
      });
    }
    const answer = this.answer(method, args);
    this.onCall?.(call);
    if (this.answerDelayMs[method]) await new Promise((r) => setTimeout(r, this.answerDelayMs[method]));
    const lost = this.lost.find((l) => l.method === method && l.times > 0);
    if (lost) {
      lost.times--;
      res.writeHead(lost.status, { "content-type": "text/html" }).end("<html><body>upstream error</body></html>");
      return;
    }
    send(200, answer);
  }

  private record(method: string, args: Record<string, unknown>): Call {
    const call: Call = { method, args, at: Date.now() };
    const parse = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : v);
    try {
      if (args.blocks !== undefined) call.blocks = parse(args.blocks) as Record<string, unknown>[];
      if (args.view !== undefined) call.view = parse(args.view) as Record<string, unknown>;
    } catch {
      this.violations.push(`${method}: blocks/view is not JSON`);
    }
    this.calls.push(call);
    return call;
  }

  /** Required parameters present, no unknown ones, values of the declared types (views.* are listed as GET; clients POST). */
  private validate(method: string, args: Record<string, unknown>, call: Call, authorized: boolean): string[] {
    const path = spec.paths[`/${method}`];
    const newer = NEWER_METHODS[method];
    if (!path && !newer) return [`${method} is not a Slack Web API method`];
    const params = newer ?? Object.values(path!).flatMap((op) => op.parameters ?? []);
    const errs: string[] = [];
    const known = new Map(params.map((p) => [p.name, p]));
    for (const p of params) {
      if (p.name === "token") continue;
      if (p.required && (args[p.name] === undefined || args[p.name] === "")) errs.push(`missing required ${p.name}`);
    }
    if (!authorized && args.token === undefined) errs.push("no token");
    for (const [k, v] of Object.entries(args)) {
      const p = known.get(k);
      if (!p) {
        const newer = NEWER_ARGS[method]?.[k];
        if (newer) errs.push(...newer(v));
        else errs.push(`unknown argument ${k}`);
        continue;
      }
      const s = String(v);
      if (p.type === "boolean" && !["true", "false", "1", "0"].includes(s)) errs.push(`${k} must be a boolean`);
      if (p.type === "integer" && !/^-?\d+$/.test(s)) errs.push(`${k} must be an integer`);
      if (p.type === "number" && Number.isNaN(Number(s))) errs.push(`${k} must be a number`);
    }
    if (call.blocks) errs.push(...checkSurface("message", call.blocks).map((e) => `blocks: ${e}`));
    if (call.view) {
      const kind = call.view.type === "home" ? "home" : "modal";
      errs.push(...checkSurface(kind, call.view.blocks, call.view).map((e) => `view: ${e}`));
    }
    if (["chat.postMessage", "chat.update", "chat.postEphemeral"].includes(method) && !args.text && !call.blocks) errs.push("no text or blocks");
    if (method === "files.completeUploadExternal") errs.push(...this.checkComplete(args));
    return errs;
  }

  /** The upload host: takes the bytes for one file id, which must be exactly the length announced. */
  private receiveUpload(id: string, bytes: Buffer, verb: string, res: http.ServerResponse): void {
    const u = this.uploads.get(id);
    this.calls.push({ method: "upload", args: { file: id, bytes: bytes.length }, at: Date.now() });
    if (!u || verb !== "POST") {
      res.writeHead(404, { "content-type": "text/plain" }).end("no such upload");
      return;
    }
    if (bytes.length !== u.length) this.violations.push(`upload ${id}: ${bytes.length} bytes sent, ${u.length} announced as length`);
    u.bytes = bytes;
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${bytes.length}`);
  }

  /** files: a JSON array of {id, title?} naming files uploaded in full; one destination at most. */
  private checkComplete(args: Record<string, unknown>): string[] {
    let files: unknown;
    try {
      files = JSON.parse(String(args.files));
    } catch {
      return ["files is not JSON"];
    }
    if (!Array.isArray(files) || !files.length) return ["files must be a non-empty JSON array"];
    const errs: string[] = [];
    for (const f of files as Record<string, unknown>[]) {
      if (!f || typeof f.id !== "string") errs.push("each file needs an id");
      else if (Object.keys(f).some((k) => !["id", "title", "highlight_type"].includes(k))) errs.push(`file ${f.id}: unknown keys`);
      else if (f.title !== undefined && typeof f.title !== "string") errs.push(`file ${f.id}: title must be a string`);
      else {
        const u = this.uploads.get(f.id);
        if (!u) errs.push(`file ${f.id} was not given an upload URL`);
        else if (!u.bytes) errs.push(`file ${f.id} was completed before its bytes were uploaded`);
        else if (u.completed) errs.push(`file ${f.id} was already completed`);
      }
    }
    if (args.channel_id !== undefined && args.channels !== undefined) errs.push("channel_id and channels are exclusive");
    if (args.thread_ts !== undefined && args.channel_id === undefined && args.channels === undefined) errs.push("thread_ts needs a channel");
    return errs;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const base = this.lean ? {} : sample(method);
    switch (method) {
      case "auth.test":
        return {
          ...base,
          ok: true,
          url: "https://example.slack.com/",
          team: "Example",
          user: "deskhand",
          team_id: "T0001",
          user_id: "UBOT",
          bot_id: "BBOT",
          is_enterprise_install: false,
        };
      case "chat.postMessage": {
        const channel = String(args.channel);
        // Posting to a user id lands in the app's DM with them.
        const ch = channel.startsWith("U") ? `D${channel.slice(1)}` : channel;
        const ts = this.nextTs();
        const posted = this.history.post(ch, ts, args);
        return {
          ok: true,
          channel: ch,
          ts,
          message: {
            ...(base.message as object),
            type: "message",
            text: String(args.text ?? ""),
            user: "UBOT",
            bot_id: "BBOT",
            ts,
            ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
            ...(posted.metadata ? { metadata: posted.metadata } : {}),
          },
        };
      }
      case "chat.update":
        return { ...base, ok: true, channel: args.channel, ts: args.ts, text: args.text ?? "" };
      case "chat.postEphemeral":
        return { ...base, ok: true, message_ts: this.nextTs() };
      case "chat.getPermalink":
        return {
          ...base,
          ok: true,
          channel: args.channel,
          permalink: `https://example.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}`,
        };
      case "apps.connections.open":
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: "invalid_auth" };
      case "usergroups.users.list": {
        const members = this.usergroups.get(String(args.usergroup));
        return members ? { ok: true, users: [...members] } : { ok: false, error: "no_such_subteam" };
      }
      case "users.info": {
        const id = String(args.user);
        const u = this.users.get(id) ?? { name: id.toLowerCase() };
        return {
          ok: true,
          user: {
            ...(base.user as object),
            id,
            name: u.name,
            real_name: u.name,
            tz: u.tz ?? "Europe/London",
            deleted: false,
            is_bot: false,
            profile: {
              ...((base.user as { profile?: object })?.profile ?? {}),
              display_name: u.name,
              real_name: u.name,
              email: u.email ?? `${u.name}@example.com`,
            },
          },
        };
      }
      case "conversations.open": {
        const users = String(args.users ?? "");
        return { ok: true, channel: { ...(base.channel as object), id: `D${users.replace(/^U/, "")}`, is_im: true, user: users } };
      }
      case "files.getUploadURLExternal": {
        const id = `F${++this.seq}`;
        this.uploads.set(id, { id, filename: String(args.filename), length: Number(args.length) });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const listed = JSON.parse(String(args.files)) as { id: string; title?: string }[];
        const template = ((base.files as Record<string, unknown>[] | undefined) ?? [{}])[0]!;
        const channel = args.channel_id === undefined ? undefined : String(args.channel_id);
        return {
          ok: true,
          files: listed.map((f) => {
            const u = this.uploads.get(f.id)!;
            u.completed = {
              ...(channel ? { channel } : {}),
              ...(args.thread_ts ? { thread: String(args.thread_ts) } : {}),
              ...(f.title ? { title: f.title } : {}),
              ...(args.initial_comment ? { comment: String(args.initial_comment) } : {}),
            };
            return {
              ...template,
              id: f.id,
              title: f.title ?? u.filename,
              name: u.filename,
              size: u.length,
              user: "UBOT",
              channels: channel ? [channel] : [],
              shares: {},
            };
          }),
        };
      }
      case "conversations.replies":
        return this.history.replies(args, this.messages.get(`${String(args.channel)}:${String(args.ts)}`));
      case "conversations.history":
        return this.history.history(args);
      case "views.open":
      case "views.publish":
      case "views.update":
      case "views.push":
        return {
          ok: true,
          view: { ...(base.view as object), id: `V${++this.seq}`, ...(typeof args.view === "string" ? (JSON.parse(args.view) as object) : {}) },
        };
      default:
        return { ...base, ok: true };
    }
  }
}
