import http from "node:http";
import net from "node:net";
import { MsalTokenProvider, clearJwksClients } from "@microsoft/agents-hosting";
import { afterEach, describe, expect, it } from "vitest";
import { FakeBotIssuer, otherKey } from "../fakes/bot-openid.js";
import { FakeEntraToken } from "../fakes/entra-token.js";
import { routeHosts } from "../fakes/microsoft-hosts.js";
import { counts } from "../helpers/desk.js";
import { PERSONAL, TENANT, harness, newId, recorded, type Harness } from "./harness.js";

const APP_ID = "cd59cf47-aca1-41e0-8441-387faee8331e";
const SECRET = "secret";
let h: Harness | undefined;
let issuer: FakeBotIssuer | undefined;
let entra: FakeEntraToken | undefined;
let unroute: (() => void) | undefined;
afterEach(async () => {
  await h?.close();
  await issuer?.close();
  await entra?.close();
  unroute?.();
  // The SDK keeps signing keys and access tokens per process: each test starts from none.
  MsalTokenProvider.clearSharedCaches();
  clearJwksClients();
  h = issuer = entra = unroute = undefined;
});

/** The real adapter with an app id; Microsoft's sign-in hosts answered by local fakes. */
async function authenticated(opts: { appPassword?: string } = {}) {
  issuer = new FakeBotIssuer();
  await issuer.start();
  // Entra publishes the same keys, so a token from another issuer fails on its issuer, not on a missing key.
  entra = new FakeEntraToken({ [APP_ID]: SECRET }, () => issuer!.jwks());
  await entra.start();
  unroute = await routeHosts({ ...issuer.hosts, ...entra.hosts });
  h = await harness({ teams: { appId: APP_ID, appPassword: opts.appPassword ?? SECRET } });
  return { h, issuer, entra };
}

const message = (h: Harness) => recorded("20191021205338231-request-integrationBot.json", h.connector.url, { id: newId(), text: "printer jams" });
const taskFetch = (h: Harness) =>
  recorded("20191020021852930-request-integrationBot.json", h.connector.url, {
    id: newId(),
    conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL },
    value: { data: { dialog: "newTicket" } },
  });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("Teams authentication with an app id", () => {
  it("says at start-up that every token is verified", async () => {
    const { h } = await authenticated();
    expect(h.logs.join("\n")).toContain(`for app ${APP_ID}; every activity's token is verified`);
  });

  it("an activity without a token gets 401, changes nothing, and is logged in one line", async () => {
    const { h } = await authenticated();
    const before = await counts(h.t.db);
    const res = await h.post(message(h));
    expect(res.status).toBe(401);
    expect(await counts(h.t.db)).toEqual(before);
    expect(h.connector.calls).toEqual([]);
    const refused = h.logs.filter((l) => l.includes("refused"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).not.toMatch(/\n\s+at /);
  });

  it("a forged token (signed with a key the issuer does not publish) gets 401", async () => {
    const { h, issuer } = await authenticated();
    const activity = message(h);
    const res = await h.post(activity, bearer(issuer.token(APP_ID, activity.serviceUrl, { forgeWith: otherKey() })));
    expect(res.status).toBe(401);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
    // The signing keys were asked of Microsoft's published address (here, the fake behind it).
    expect(issuer.requests).toContain("/v1/.well-known/keys");
  });

  it("a token for another bot, an expired one, or one from another issuer gets 401", async () => {
    const { h, issuer } = await authenticated();
    const a = taskFetch(h);
    expect((await h.post(a, bearer(issuer.token("someone-else", a.serviceUrl)))).status).toBe(401);
    const b = taskFetch(h);
    expect((await h.post(b, bearer(issuer.token(APP_ID, b.serviceUrl, { expiresInS: -600 })))).status).toBe(401);
    const c = taskFetch(h);
    expect((await h.post(c, bearer(issuer.token(APP_ID, c.serviceUrl, { issuer: "https://sts.example.com/" })))).status).toBe(401);
    expect(h.logs.at(-1)).toMatch(/issuer/i);
  });

  it("a token whose service URL claim is missing or names another host gets 401", async () => {
    const { h, issuer } = await authenticated();
    const a = message(h);
    expect((await h.post(a, bearer(issuer.token(APP_ID, undefined)))).status).toBe(401);
    const b = message(h);
    expect((await h.post(b, bearer(issuer.token(APP_ID, "https://smba.trafficmanager.net/emea/")))).status).toBe(401);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
    expect(h.connector.calls).toEqual([]);
  });

  it("a correctly signed token is accepted", async () => {
    const { h, issuer } = await authenticated();
    const activity = taskFetch(h);
    const res = await h.post(activity, bearer(issuer.token(APP_ID, activity.serviceUrl)));
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe("continue");
  });

  it("outbound calls carry a token the bot got from Entra with its app id and password (client credentials)", async () => {
    const { h, issuer, entra } = await authenticated();
    await h.post(
      recorded("20191019235900304-request-integrationBot.json", h.connector.url, {
        id: newId(),
        membersAdded: [{ id: "28:cd59cf47-aca1-41e0-8441-387faee8331e" }],
        conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: "19:097e6717fd7245bdbeba6baa13840db8@thread.skype" },
        channelData: { team: { id: "19:097e6717fd7245bdbeba6baa13840db8@thread.skype" }, eventType: "teamMemberAdded", tenant: { id: TENANT } },
      }),
      bearer(issuer.token(APP_ID, h.connector.url)),
    );
    const activity = message(h);
    const res = await h.post(activity, bearer(issuer.token(APP_ID, activity.serviceUrl)));
    expect(res.status).toBe(200);
    await h.flush();
    expect(entra.requests.length).toBeGreaterThanOrEqual(1);
    expect(entra.requests[0]).toEqual({
      tenant: "botframework.com",
      clientId: APP_ID,
      clientSecret: SECRET,
      scope: "https://api.botframework.com/.default",
      grantType: "client_credentials",
    });
    // The in-turn answer and the proactive channel card both went out signed with that token.
    const sent = h.connector.sent();
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const call of sent) expect(entra.issued.map((t) => `Bearer ${t}`)).toContain(call.authorization);
    expect(sent.some((c) => c.conversationId === "19:097e6717fd7245bdbeba6baa13840db8@thread.skype")).toBe(true);
  });

  it("a password Entra refuses: the activity is answered 502 (Teams delivers it again), nothing is half done, one log line", async () => {
    const { h, issuer, entra } = await authenticated({ appPassword: "wrong" });
    const activity = message(h);
    const res = await h.post(activity, bearer(issuer.token(APP_ID, activity.serviceUrl)));
    expect(res.status).toBe(502);
    expect(String(res.body)).not.toMatch(/AADSTS|invalid_client|at /);
    expect(entra.requests[0]?.clientSecret).toBe("wrong");
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
    const logged = h.logs.filter((l) => l.includes("could not process"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toMatch(/\n\s+at /);
  });
});

describe("Teams Emulator mode (no app id)", () => {
  it("accepts loopback clients and refuses any other address with 403", async () => {
    h = await harness();
    expect((await h.post(message(h))).status).toBe(200);

    // A request as if from another machine, through the real server's request handler.
    const socket = new net.Socket();
    Object.defineProperty(socket, "remoteAddress", { value: "203.0.113.7" });
    const req = new http.IncomingMessage(socket);
    req.method = "POST";
    req.url = "/api/messages";
    const res = new http.ServerResponse(req);
    const done = new Promise<number>((resolve) => {
      const end = res.end.bind(res);
      res.end = ((...args: Parameters<typeof res.end>) => {
        resolve(res.statusCode);
        return end(...args);
      }) as typeof res.end;
    });
    h.http.server.emit("request", req, res);
    req.push(JSON.stringify(message(h)));
    req.push(null);
    expect(await done).toBe(403);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toHaveLength(1);
  });
});
