// Azure AD groups as the core's group directory: "teams-group:<group id>" in the roles settings gives a role
// to every member, asked of Microsoft Graph (POST /users/{id}/checkMemberGroups, transitive) with the app's
// client-credentials token, cached per person.
import type { GraphConfig } from "../../src/config.js";
import { TtlCache, type GroupDirectory } from "../../src/capabilities/roles/groups.js";
import { PLATFORM } from "./translate.js";

export const TEAMS_GROUP = "teams-group";
/** checkMemberGroups takes at most 20 group ids a call. */
const PER_CALL = 20;
const SCOPE = "https://graph.microsoft.com/.default";

export interface GraphGroupsOptions {
  apiUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  ttlMs?: number;
  timeoutMs?: number;
  now?: () => number;
  log?: (m: string) => void;
}

/** What is missing for Graph to answer, or undefined when it can. */
export function graphMissing(g: GraphConfig | undefined): string | undefined {
  if (!g?.clientId || !g.clientSecret) return "client credentials (GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET, or MicrosoftAppId and MicrosoftAppPassword)";
  if (!g.tokenUrl) return "a tenant (MicrosoftAppTenantId or GRAPH_TENANT_ID) or GRAPH_TOKEN_URL";
  return undefined;
}

export class GraphGroups implements GroupDirectory {
  readonly scheme = TEAMS_GROUP;
  readonly platform = PLATFORM;
  private readonly memberships: TtlCache<string[]>;
  private token: { value: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: GraphGroupsOptions) {
    this.memberships = new TtlCache(options.ttlMs ?? 600_000, options.now);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The groups the person is in; when Graph cannot say (and nothing is cached), none, and the log says why. */
  async memberOf(userId: string, groups: string[]): Promise<string[]> {
    try {
      return await this.memberships.get(`${userId}\n${[...groups].sort().join(",")}`, () => this.check(userId, groups));
    } catch (err) {
      this.options.log?.(
        `teams: cannot ask Microsoft Graph for the AAD groups of ${userId} (${(err as Error).message}); roles from AAD groups are not given to them for now`,
      );
      return [];
    }
  }

  private async check(userId: string, groups: string[]): Promise<string[]> {
    const found = new Set<string>();
    for (let i = 0; i < groups.length; i += PER_CALL) {
      const r = await this.post<{ value?: string[] }>(`/users/${encodeURIComponent(userId)}/checkMemberGroups`, { groupIds: groups.slice(i, i + PER_CALL) });
      for (const id of r?.value ?? []) found.add(id.toLowerCase());
    }
    // Answered in the spelling the settings use.
    return groups.filter((g) => found.has(g.toLowerCase()));
  }

  /** A Graph call; a token refused once is fetched afresh; a person the directory does not know is in no group. */
  private async post<T>(path: string, body: unknown, fresh = false): Promise<T | undefined> {
    const res = await fetch(`${this.options.apiUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${await this.accessToken(fresh)}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (res.status === 401 && !fresh) return this.post(path, body, true);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`Graph ${path.split("/")[3] ?? path}: HTTP ${res.status} ${await errorCode(res)}`);
    return (await res.json()) as T;
  }

  private async accessToken(fresh: boolean): Promise<string> {
    if (fresh) this.token = undefined;
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => (this.pendingToken = undefined));
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const res = await fetch(this.options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        scope: SCOPE,
        grant_type: "client_credentials",
      }).toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new Error(`Graph token: HTTP ${res.status} ${await errorCode(res)}`);
    const t = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!t.access_token) throw new Error("Graph token: the answer has no access_token");
    // Renewed a minute before it expires.
    this.token = { value: t.access_token, expiresAt: this.now() + Math.max(0, (t.expires_in ?? 3600) - 60) * 1000 };
    return t.access_token;
  }
}

async function errorCode(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { error?: string | { code?: string }; error_description?: string };
    return typeof j.error === "string" ? j.error : (j.error?.code ?? text.slice(0, 120));
  } catch {
    return text.slice(0, 120);
  }
}

/** The directory for the roles that name AAD groups, when any do and Graph can be asked; else says why not. */
export function aadGroupsFor(
  roles: Partial<Record<string, string[]>>,
  graph: GraphConfig | undefined,
  o: { now: () => number; log: (m: string) => void },
): GraphGroups | undefined {
  const named = Object.values(roles).some((ms) => (ms ?? []).some((m) => m.startsWith(`${TEAMS_GROUP}:`)));
  if (!named) return undefined;
  const missing = graphMissing(graph);
  if (missing) {
    o.log(`Teams: roles name AAD groups (${TEAMS_GROUP}:<id>) but Microsoft Graph has no ${missing}; those roles are not given.`);
    return undefined;
  }
  return new GraphGroups({
    apiUrl: graph!.apiUrl,
    tokenUrl: graph!.tokenUrl!,
    clientId: graph!.clientId!,
    clientSecret: graph!.clientSecret!,
    now: o.now,
    log: o.log,
  });
}
