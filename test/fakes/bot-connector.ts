// A fake Bot Connector on 127.0.0.1: the REST routes the Agents SDK calls (checked against the published
// ConnectorAPI.json), each call recorded, realistic ids answered, and failures (429, 502...) on demand.
import { SPECS } from "../helpers/shared.js";
import http from "node:http";
import { readFileSync } from "node:fs";
import { closeServer, listenOnLoopback } from "./loopback.js";

/** botbuilder's Connector API, and the Bot Framework protocol's channel API (it also lists GET .../members/{memberId}). */
const SPECS_USED = [`${SPECS}/teams/botbuilder-js/ConnectorAPI.json`, `${SPECS}/teams/botframework-sdk/specs/botframework-protocol/botframework-channel.json`];

export interface ConnectorCall {
  method: string;
  path: string;
  /** The Swagger path template it matched, e.g. /v3/conversations/{conversationId}/activities. */
  route: string;
  conversationId?: string;
  activityId?: string;
  body: any;
  status: number;
  /** The Authorization header the bot sent (a Bearer token from Entra, or none in Emulator mode). */
  authorization?: string;
  /** The query string's parameters, when it had any (pagedmembers' pageSize and continuationToken). */
  query?: Record<string, string>;
}

interface Route {
  method: string;
  template: string;
  re: RegExp;
  names: string[];
}

function routesFromSpec(): Route[] {
  const out: Route[] = [];
  const seen = new Set<string>();
  for (const file of SPECS_USED) {
    const spec = JSON.parse(readFileSync(new URL(`file://${file}`), "utf8")) as { paths: Record<string, Record<string, unknown>> };
    for (const [template, methods] of Object.entries(spec.paths)) {
      const names: string[] = [];
      const re = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`);
      for (const m of Object.keys(methods)) {
        const key = `${m.toUpperCase()} ${template}`;
        if (!seen.has(key)) out.push({ method: m.toUpperCase(), template, re, names });
        seen.add(key);
      }
    }
  }
  // Literal segments ("history") before the {activityId} catch-all.
  const params = (r: Route) => r.names.length;
  return out.sort((a, b) => params(a) - params(b));
}

export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  /** Calls whose method and path the published Connector API does not have. */
  readonly unknown: { method: string; path: string }[] = [];
  private readonly server: http.Server;
  private readonly routes = routesFromSpec();
  private failures: { status: number; left: number; match?: (c: { method: string; route: string; conversationId?: string }) => boolean }[] = [];
  private seq = 1;
  /** People GET /v3/conversations/{id}/members/{memberId} knows, by their Teams user id ("29:..."). */
  private readonly members = new Map<string, Record<string, unknown>>();
  /** The most members one page of GET .../pagedmembers holds (Teams may answer fewer than the pageSize asked). */
  membersPerPage = 500;
  private waiters: { n: number; resolve: () => void }[] = [];
  /** While set, requests wait here before they are answered (see hold()). */
  private gate:
    { held: number; open: Promise<void>; watchers: { n: number; resolve: () => void }[]; match?: (c: { method: string; path: string }) => boolean } | undefined;
  url = "";

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    this.url = `${await listenOnLoopback(this.server)}/`;
    return this.url;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /** The next `count` calls (optionally only matching ones) answer `status` (429, 412, 502, 504...). */
  failNext(status: number, count = 1, match?: (c: { method: string; route: string; conversationId?: string }) => boolean): void {
    this.failures.push({ status, left: count, ...(match ? { match } : {}) });
  }

  /** A member of every conversation, as Teams describes one (id, name, aadObjectId, email, userPrincipalName). */
  addMember(member: { id: string } & Record<string, unknown>): void {
    this.members.set(member.id, member);
  }

  /** Holds every request (or every matching one) from now on until the returned function is called (a slow Bot Connector). */
  hold(match?: (c: { method: string; path: string }) => boolean): () => void {
    let release!: () => void;
    this.gate = { held: 0, open: new Promise<void>((r) => (release = r)), watchers: [], ...(match ? { match } : {}) };
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** Resolves once `n` requests are being held. */
  waitForHeld(n: number): Promise<void> {
    const gate = this.gate;
    if (!gate) return Promise.reject(new Error("the connector is not holding requests"));
    if (gate.held >= n) return Promise.resolve();
    return new Promise((resolve) => gate.watchers.push({ n, resolve }));
  }

  /** Successful calls that sent an activity (posts and updates). */
  sent(): ConnectorCall[] {
    return this.calls.filter((c) => c.status < 300 && (c.method === "POST" || c.method === "PUT") && c.route.includes("activities"));
  }

  /** Resolves once `n` successful activity sends have been recorded. */
  waitForSent(n: number): Promise<void> {
    if (this.sent().length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const gate = this.gate;
    if (gate && (!gate.match || gate.match({ method: req.method ?? "GET", path: req.url ?? "/" }))) {
      gate.held++;
      gate.watchers = gate.watchers.filter((w) => (gate.held >= w.n ? (w.resolve(), false) : true));
      await gate.open;
    }
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = raw ? JSON.parse(raw) : undefined;
    const path = (req.url ?? "/").split("?")[0]!;
    const query = new URL(req.url ?? "/", "http://connector").searchParams;
    const method = req.method ?? "GET";
    const pathNoPrefix = path.replace(/^\/+/, "/");
    let route: Route | undefined;
    let params: Record<string, string> = {};
    for (const r of this.routes) {
      const m = r.method === method ? r.re.exec(pathNoPrefix) : null;
      if (m) {
        route = r;
        params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
        break;
      }
    }
    const json = (status: number, value: unknown) => {
      this.calls.push({
        method,
        path,
        route: route?.template ?? "?",
        ...(params.conversationId ? { conversationId: params.conversationId } : {}),
        ...(params.activityId ? { activityId: params.activityId } : {}),
        body,
        status,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(query.size ? { query: Object.fromEntries(query) } : {}),
      });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
      this.wake();
    };
    if (!route) {
      this.unknown.push({ method, path });
      json(404, { error: { code: "BadArgument", message: `no such route ${method} ${path}` } });
      return;
    }
    const failure = this.failures.find(
      (f) =>
        f.left > 0 && (!f.match || f.match({ method, route: route!.template, ...(params.conversationId ? { conversationId: params.conversationId } : {}) })),
    );
    if (failure) {
      failure.left--;
      json(failure.status, { error: { code: failure.status === 429 ? "Throttled" : "ServiceError", message: `fake connector answered ${failure.status}` } });
      return;
    }
    const id = () => `1:${Date.now().toString(36)}${(this.seq++).toString().padStart(4, "0")}`;
    switch (route.template) {
      case "/v3/conversations":
        if (method === "POST") {
          const conversationId = body?.isGroup ? `19:${this.seq++}fake@thread.skype` : `a:fake-personal-${this.seq++}`;
          return json(201, { id: conversationId, activityId: id(), serviceUrl: this.url });
        }
        return json(200, { conversations: [], continuationToken: null });
      case "/v3/conversations/{conversationId}/activities":
      case "/v3/conversations/{conversationId}/activities/{activityId}":
        if (method === "PUT") return json(200, { id: params.activityId });
        if (method === "DELETE") return json(200, {});
        return json(201, { id: id() });
      case "/v3/conversations/{conversationId}/members":
        return json(200, [...this.members.values()]);
      case "/v3/conversations/{conversationId}/pagedmembers": {
        // PagedMembersResult: a page of at most pageSize members (Teams caps it at 500), and a token while more remain.
        const pageSize = Math.min(Number(query.get("pageSize") ?? 500) || 500, 500, this.membersPerPage);
        const from = Number(query.get("continuationToken") ?? 0);
        const all = [...this.members.values()];
        const next = from + pageSize;
        return json(200, { members: all.slice(from, next), ...(next < all.length ? { continuationToken: String(next) } : {}) });
      }
      case "/v3/conversations/{conversationId}/members/{memberId}": {
        // Teams takes a member's Teams user id or their AAD object id.
        const member = this.members.get(params.memberId ?? "") ?? [...this.members.values()].find((m) => m.aadObjectId === params.memberId);
        return member ? json(200, member) : json(404, { error: { code: "MemberNotFoundInConversation", message: "The member is not in this conversation." } });
      }
      default:
        return json(200, {});
    }
  }

  private wake(): void {
    const n = this.sent().length;
    this.waiters = this.waiters.filter((w) => (n >= w.n ? (w.resolve(), false) : true));
  }
}
