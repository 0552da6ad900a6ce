// A fake Microsoft Entra token endpoint on 127.0.0.1 (standing in for login.microsoftonline.com through
// ./microsoft-hosts.ts): the instance discovery and OpenID metadata MSAL reads, and the client-credentials
// token endpoint the bot's outbound calls get their Bot Connector token from. Every token request is recorded.
import http from "node:http";
import { closeServer, listenOnLoopback } from "./loopback.js";

export const ENTRA_LOGIN = "login.microsoftonline.com";

export interface TokenRequest {
  tenant: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  grantType: string;
}

export class FakeEntraToken {
  readonly requests: TokenRequest[] = [];
  /** Tokens handed out, in order. */
  readonly issued: string[] = [];
  private readonly server: http.Server;
  url = "";

  /**
   * `secrets`: client id -> the secret it must present (others are refused as Entra does, 401 invalid_client).
   * `keys`: the signing keys Entra publishes for its tenants (GET /<tenant>/discovery/v2.0/keys); none if not given.
   */
  constructor(
    private readonly secrets: Record<string, string>,
    private readonly keys?: () => unknown,
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  get hosts(): Record<string, string> {
    return { [ENTRA_LOGIN]: this.url };
  }

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "https://login.microsoftonline.com");
    const json = (status: number, v: unknown): void => void res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(v));
    const base = `https://${ENTRA_LOGIN}`;
    if (url.pathname === "/common/discovery/instance") {
      return json(200, {
        tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [
          {
            preferred_network: ENTRA_LOGIN,
            preferred_cache: "login.windows.net",
            aliases: [ENTRA_LOGIN, "login.windows.net", "login.microsoft.com", "sts.windows.net"],
          },
        ],
      });
    }
    if (/^\/[^/]+\/discovery\/v2\.0\/keys$/.test(url.pathname) && this.keys) return json(200, this.keys());
    const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (meta) {
      const t = meta[1]!;
      return json(200, {
        token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
        issuer: `${base}/${t}/v2.0`,
        jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
      });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token && req.method === "POST") {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const r: TokenRequest = {
        tenant: token[1]!,
        clientId: form.get("client_id") ?? "",
        clientSecret: form.get("client_secret") ?? "",
        scope: form.get("scope") ?? "",
        grantType: form.get("grant_type") ?? "",
      };
      this.requests.push(r);
      if (this.secrets[r.clientId] === undefined || this.secrets[r.clientId] !== r.clientSecret) {
        return json(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided.", error_codes: [7000215] });
      }
      const accessToken = `fake-entra-token-${this.issued.length + 1}`;
      this.issued.push(accessToken);
      return json(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
    }
    json(404, { error: "not_found" });
  }
}
