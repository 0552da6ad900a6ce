// A fake Bot Framework token issuer on 127.0.0.1: the OpenID metadata and signing keys Microsoft publishes
// at login.botframework.com (reached through ./microsoft-hosts.ts), and a signer for tokens as the Bot
// Connector sends them with each activity.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import http from "node:http";
import { closeServer, listenOnLoopback } from "./loopback.js";

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");
export const BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";
/** Where Microsoft publishes the channel's OpenID metadata and keys (the Agents SDK reads the keys there). */
export const BOT_FRAMEWORK_LOGIN = "login.botframework.com";

export class FakeBotIssuer {
  private readonly server: http.Server;
  private readonly key = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly kid = randomUUID();
  /** Paths asked for, in order (the keys are fetched once, then cached by the SDK). */
  readonly requests: string[] = [];
  url = "";

  constructor() {
    this.server = http.createServer((req, res) => {
      this.requests.push(req.url ?? "");
      const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
      if (req.url === "/v1/.well-known/openidconfiguration") {
        return json({
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: "https://invalid.botframework.com",
          jwks_uri: `https://${BOT_FRAMEWORK_LOGIN}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ["RS256"],
          token_endpoint_auth_methods_supported: ["private_key_jwt"],
        });
      }
      if (req.url === "/v1/.well-known/keys") return json(this.jwks());
      res.writeHead(404).end();
    });
  }

  /** The published signing keys (JWKS). */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.key.publicKey.export({ format: "jwk" }) as { n: string; e: string };
    return { keys: [{ kty: "RSA", use: "sig", kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ["msteams"] }] };
  }

  /** The host this fake stands in for, for routeHosts(). */
  get hosts(): Record<string, string> {
    return { [BOT_FRAMEWORK_LOGIN]: this.url };
  }

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /** A channel token for `appId`, signed with this issuer's key, or with `forgeWith` (a key it does not publish). */
  token(appId: string, serviceUrl: string | undefined, opts: { forgeWith?: KeyObject; expiresInS?: number; issuer?: string } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: this.kid }));
    const claims = {
      iss: opts.issuer ?? BOT_FRAMEWORK_ISSUER,
      aud: appId,
      ...(serviceUrl === undefined ? {} : { serviceurl: serviceUrl }),
      nbf: now - 60,
      iat: now - 60,
      exp: now + (opts.expiresInS ?? 3600),
    };
    const payload = b64url(JSON.stringify(claims));
    const sign = createSign("RSA-SHA256");
    sign.update(`${header}.${payload}`);
    return `${header}.${payload}.${b64url(sign.sign(opts.forgeWith ?? this.key.privateKey))}`;
  }
}

export function otherKey(): KeyObject {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
}
