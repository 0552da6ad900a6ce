// A fake Microsoft identity platform token endpoint and Microsoft Graph on 127.0.0.1: the client-credentials
// grant (form-encoded, checked field by field) and POST /v1.0/users/{id}/checkMemberGroups as Graph
// documents them (bearer token, JSON body {groupIds} of 1 to 20 ids, answer {value: [...]}, 404 for an
// unknown user). Every request that breaks those rules is recorded as a violation.
import http from "node:http";
import { closeServer, listenOnLoopback } from "./loopback.js";

export interface GraphCall {
  path: string;
  body: unknown;
  token?: string;
}

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  readonly violations: string[] = [];
  /** Group ids of each user, by AAD object id (transitive membership, as checkMemberGroups answers). */
  readonly memberOf = new Map<string, string[]>();
  readonly clientId = "5a3b8f0e-1111-4a2b-9c3d-0123456789ab";
  readonly clientSecret = "graph-secret";
  /** Answer Graph calls with this status (e.g. 503) while set. */
  failWith: number | undefined;
  private readonly tokens = new Set<string>();
  private issued = 0;
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  async start(): Promise<this> {
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  get tokenUrl(): string {
    return `${this.url}/tenant-1/oauth2/v2.0/token`;
  }

  get apiUrl(): string {
    return `${this.url}/v1.0`;
  }

  get tokensIssued(): number {
    return this.issued;
  }

  /** Makes every token issued so far invalid (as when one expires early or is revoked). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const graphError = (status: number, code: string, message: string): void => json(status, { error: { code, message } });

    if (url.pathname === "/tenant-1/oauth2/v2.0/token") {
      const f = new URLSearchParams(raw);
      this.calls.push({ path: url.pathname, body: Object.fromEntries(f) });
      const problems: string[] = [];
      if (req.method !== "POST") problems.push("token: must be POST");
      if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) problems.push("token: body must be form-encoded");
      if (f.get("grant_type") !== "client_credentials") problems.push("token: grant_type must be client_credentials");
      if (f.get("scope") !== "https://graph.microsoft.com/.default") problems.push("token: scope must be https://graph.microsoft.com/.default");
      if (problems.length) {
        this.violations.push(...problems);
        return json(400, { error: "invalid_request", error_description: problems.join("; ") });
      }
      if (f.get("client_id") !== this.clientId || f.get("client_secret") !== this.clientSecret)
        return json(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
      const token = `graph-token-${++this.issued}`;
      this.tokens.add(token);
      return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }

    const m = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/.exec(url.pathname);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    this.calls.push({ path: url.pathname, body, ...(token ? { token } : {}) });
    if (!m || req.method !== "POST") {
      this.violations.push(`${req.method} ${url.pathname} is not a call the app should make`);
      return graphError(400, "BadRequest", "Unsupported request");
    }
    if (!token || !this.tokens.has(token)) return graphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.");
    if (!String(req.headers["content-type"]).startsWith("application/json")) this.violations.push("checkMemberGroups: content-type must be application/json");
    const ids = (body as { groupIds?: unknown })?.groupIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || ids.some((x) => typeof x !== "string") || Object.keys(body as object).length !== 1) {
      this.violations.push(`checkMemberGroups: body must be {groupIds: 1 to 20 ids} (got ${raw.slice(0, 200)})`);
      return graphError(400, "Request_BadRequest", "Invalid groupIds");
    }
    if (this.failWith) return graphError(this.failWith, "serviceNotAvailable", "The service is temporarily unavailable.");
    const user = decodeURIComponent(m[1]!);
    const groups = this.memberOf.get(user);
    if (!groups)
      return graphError(404, "Request_ResourceNotFound", `Resource '${user}' does not exist or one of its queried reference-property objects are not present.`);
    const member = new Set(groups.map((g) => g.toLowerCase()));
    return json(200, {
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)",
      value: (ids as string[]).filter((g) => member.has(g.toLowerCase())).map((g) => g.toLowerCase()),
    });
  }
}
