// A fake Bot Framework token issuer on 127.0.0.1: the OpenID metadata and signing keys botbuilder fetches
// to verify incoming activities, and a signer for tokens as the Bot Connector would send them.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import http from "node:http";
import { closeServer, listenOnLoopback } from "./loopback.js";

const b64url = (v: Buffer | string) => Buffer.from(v).toString("base64url");

export class FakeBotIssuer {
  private readonly server: http.Server;
  private readonly key = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly kid = randomUUID();
  url = "";

  constructor() {
    this.server = http.createServer((req, res) => {
      const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
      if (req.url === "/openid") return json({ issuer: "https://api.botframework.com", jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ["RS256"] });
      if (req.url === "/keys") {
        const jwk = this.key.publicKey.export({ format: "jwk" }) as { n: string; e: string };
        return json({ keys: [{ kty: "RSA", use: "sig", kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ["msteams"] }] });
      }
      res.writeHead(404).end();
    });
  }

  /** The URL to give botbuilder as ToBotFromChannelOpenIdMetadataUrl. */
  get metadataUrl(): string {
    return `${this.url}/openid`;
  }

  /**
   * botbuilder settings that keep the public cloud's rules but fetch the signing keys from here (setting one
   * of these makes botbuilder take all of them as given, so the public cloud's values are repeated).
   */
  authSettings(): Record<string, string | boolean> {
    return {
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
      ToChannelFromBotOAuthScope: "https://api.botframework.com",
      ToBotFromChannelTokenIssuer: "https://api.botframework.com",
      OAuthUrl: "https://api.botframework.com",
      ToBotFromChannelOpenIdMetadataUrl: this.metadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: this.metadataUrl,
      CallerId: "urn:botframework:azure",
    };
  }

  async start(): Promise<void> {
    this.url = await listenOnLoopback(this.server);
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /** A channel token for `appId`, signed with this issuer's key, or with `forgeWith` (a key it does not publish). */
  token(appId: string, serviceUrl: string, opts: { forgeWith?: KeyObject; expiresInS?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: this.kid }));
    const payload = b64url(JSON.stringify({ iss: "https://api.botframework.com", aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + (opts.expiresInS ?? 3600) }));
    const sign = createSign("RSA-SHA256");
    sign.update(`${header}.${payload}`);
    return `${header}.${payload}.${b64url(sign.sign(opts.forgeWith ?? this.key.privateKey))}`;
  }
}

export function otherKey(): KeyObject {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
}
