import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeBotIssuer, otherKey } from "../fakes/bot-openid.js";
import { counts } from "../helpers/desk.js";
import { PERSONAL, TENANT, harness, newId, recorded, type Harness } from "./harness.js";

const APP_ID = "cd59cf47-aca1-41e0-8441-387faee8331e";
let h: Harness | undefined;
let issuer: FakeBotIssuer | undefined;
afterEach(async () => {
  await h?.close();
  await issuer?.close();
  h = undefined;
  issuer = undefined;
});

async function authenticated() {
  issuer = new FakeBotIssuer();
  await issuer.start();
  h = await harness({ teams: { appId: APP_ID, appPassword: "secret" }, auth: issuer.authSettings() });
  return { h, issuer };
}

const message = (h: Harness) => recorded("20191021205338231-request-integrationBot.json", h.connector.url, { id: newId(), text: "printer jams" });
/** An invoke is answered in the HTTP response, so a verified one needs no outbound (token-fetching) call. */
const taskFetch = (h: Harness) => recorded("20191020021852930-request-integrationBot.json", h.connector.url, { id: newId(), conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL }, value: { data: { dialog: "newTicket" } } });

describe("Teams authentication with an app id", () => {
  it("says at start-up that every token is verified", async () => {
    const { h } = await authenticated();
    expect(h.logs.join("\n")).toContain(`for app ${APP_ID}; every activity's token is verified`);
  });

  it("an activity without a token gets 401 and changes nothing", async () => {
    const { h } = await authenticated();
    const before = await counts(h.t.db);
    const res = await h.post(message(h));
    expect(res.status).toBe(401);
    expect(await counts(h.t.db)).toEqual(before);
    expect(h.connector.calls).toEqual([]);
  });

  it("a forged token (signed with a key the issuer does not publish) gets 401", async () => {
    const { h, issuer } = await authenticated();
    const activity = message(h);
    const res = await h.post(activity, { authorization: `Bearer ${issuer.token(APP_ID, activity.serviceUrl, { forgeWith: otherKey() })}` });
    expect(res.status).toBe(401);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
  });

  it("a token for another bot, or an expired one, gets 401", async () => {
    const { h, issuer } = await authenticated();
    const a = taskFetch(h);
    expect((await h.post(a, { authorization: `Bearer ${issuer.token("someone-else", a.serviceUrl)}` })).status).toBe(401);
    const b = taskFetch(h);
    expect((await h.post(b, { authorization: `Bearer ${issuer.token(APP_ID, b.serviceUrl, { expiresInS: -600 })}` })).status).toBe(401);
  });

  it("a correctly signed token is accepted", async () => {
    const { h, issuer } = await authenticated();
    const activity = taskFetch(h);
    const res = await h.post(activity, { authorization: `Bearer ${issuer.token(APP_ID, activity.serviceUrl)}` });
    expect(res.status).toBe(200);
    expect(res.body.task.type).toBe("continue");
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
