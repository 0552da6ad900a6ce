import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { tempDbPath } from "../helpers/desk.js";
import { install, personalMessage, ticketWithCard } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER, TENANT, cardText, harness, newId, recorded, type Harness } from "./harness.js";

const open: Harness[] = [];
const connectors: FakeBotConnector[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const c of connectors.splice(0)) await c.close();
});
async function start(opts: Parameters<typeof harness>[0] = {}) {
  const h = await harness(opts);
  open.push(h);
  return h;
}
const outbox = (h: Harness) => h.t.db.selectFrom("outbox").selectAll().where("platform", "=", "teams").execute();

describe("Teams proactive updates", () => {
  it("references stored before the move to the Agents SDK (botbuilder's `bot` field) still reach their conversations", async () => {
    const h = await start();
    await install(h);
    // The channel's reference as botbuilder wrote it: the bot under `bot`, not the SDK's `agent`.
    const legacy = {
      activityId: "1571691269919",
      user: { id: AGENT.id, name: AGENT.name, aadObjectId: AGENT.aadObjectId },
      bot: { id: "28:cd59cf47-aca1-41e0-8441-387faee8331e", name: "Deskhand" },
      conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: CHANNEL },
      channelId: "msteams",
      serviceUrl: h.connector.url,
    };
    await sql`UPDATE teams_conversations SET reference = ${JSON.stringify(legacy)} WHERE conversation_id = ${CHANNEL}`.execute(h.t.db);
    await personalMessage(h, "printer jams");
    await h.flush();
    const card = h.connector.sent().find((c) => c.conversationId === CHANNEL && c.body.attachments)!;
    expect(card).toBeDefined();
    expect(card.route).toBe("/v3/conversations/{conversationId}/activities");
    expect(card.body.from.id).toBe("28:cd59cf47-aca1-41e0-8441-387faee8331e");
  });

  it("after a restart (new adapter, same SQLite file) a change made at the console still reaches the requester's chat and the channel card", async () => {
    const path = tempDbPath();
    const connector = new FakeBotConnector();
    await connector.start();
    connectors.push(connector);
    const first = await start({ path, connector });
    await ticketWithCard(first);
    const [channel, cardId] = (await first.t.db.selectFrom("ticket_links").select("ref").executeTakeFirstOrThrow()).ref.split("|");
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await start({ path, connector });
    const before = connector.sent().length;
    expect((await second.t.as("ana", "resolve 1 replaced the fuser")).ok).toBe(true);
    await second.flush();
    const sent = connector.sent().slice(before);
    const dm = sent.find((c) => c.conversationId === PERSONAL)!;
    expect(cardText(dm.body.attachments[0].content)).toContain("#1 is resolved: replaced the fuser");
    expect(sent.find((c) => c.method === "PUT")).toMatchObject({ conversationId: channel, activityId: cardId });
    expect(sent.find((c) => c.conversationId === `${CHANNEL};messageid=${cardId}`)!.body.text).toContain("ana resolved #1");
    expect(second.checkSentCards()).toBeGreaterThan(0);
  });

  it("a requester who only spoke in a channel gets their updates in a new 1:1 chat the bot opens", async () => {
    const h = await start();
    await install(h);
    const mention = recorded("20191021205430160-request-integrationBot.json", h.connector.url, {
      id: newId(),
      text: "<at>Integration Bot</at> monitor flickers",
    });
    mention.entities[0].mentioned.id = mention.recipient.id;
    await h.post(mention);
    await h.flush();
    await h.post(
      recorded("20191020020654953-request-integrationBot.json", h.connector.url, {
        id: newId(),
        name: "adaptiveCard/action",
        from: AGENT,
        conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: CHANNEL },
        value: { action: { type: "Action.Execute", verb: "claim", data: { verb: "claim", ticketId: 1 } }, trigger: "manual" },
      }),
    );
    await h.flush();
    const created = h.connector.calls.find((c) => c.route === "/v3/conversations" && c.method === "POST")!;
    expect(created.body).toMatchObject({ isGroup: false, members: [{ id: REQUESTER.id }], tenantId: TENANT });
    const dm = h.connector.sent().find((c) => c.conversationId?.startsWith("a:fake-personal-"))!;
    expect(dm).toBeDefined();
    expect(cardText(dm.body.attachments[0].content)).toContain("#1 is now with Dave Taniguchi (in progress).");
    const user = await h.t.db.selectFrom("teams_users").selectAll().where("user_id", "=", REQUESTER.aadObjectId).executeTakeFirstOrThrow();
    expect(user.personal_conversation_id).toBe(dm.conversationId);
  });

  it("changes from another platform refresh the Teams card; a console requester gets no Teams message", async () => {
    const h = await start();
    await install(h);
    await h.t.as("carol", "wifi is down on floor 2");
    await h.flush();
    // The card, then triage's line in its thread ("wifi" files the ticket under Network); nothing to carol.
    const cardId = (await h.t.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split("|")[1];
    const opened = h.connector.sent().slice(-2);
    expect(opened.map((c) => [c.method, c.conversationId])).toEqual([
      ["POST", CHANNEL],
      ["POST", `${CHANNEL};messageid=${cardId}`],
    ]);
    expect(opened[1]!.body.text).toBe("Triage put #1 in Network");
    await h.t.as("bob", "claim 1");
    await h.flush();
    const last = h.connector.sent().slice(-2);
    expect(last.map((c) => c.method)).toEqual(["PUT", "POST"]);
    expect(last[1]!.body.text).toBe("bob claimed #1");
    expect((await outbox(h)).every((r) => r.status === "sent")).toBe(true);
  });
});

describe("Teams sender: retries and pacing", () => {
  it("429, 412, 502 and 504 are backed off and retried; the message arrives once", async () => {
    const h = await start();
    await install(h);
    // The sender tries 3 times within one delivery (harness setting), so two failures per message.
    for (const [first, second] of [
      [429, 412],
      [502, 504],
    ] as const) {
      const toChannel = (c: { conversationId?: string }) => c.conversationId === CHANNEL;
      h.connector.failNext(first, 1, toChannel);
      h.connector.failNext(second, 1, toChannel);
      await personalMessage(h, `scanner ${first} offline`);
      await h.flush();
      const tries = h.connector.calls.filter((c) => c.conversationId === CHANNEL && c.method === "POST").slice(-3);
      expect(tries.map((c) => c.status)).toEqual([first, second, 201]);
    }
    expect((await outbox(h)).every((r) => r.status === "sent")).toBe(true);
    expect(h.connector.sent().filter((c) => c.conversationId === CHANNEL && c.body.attachments)).toHaveLength(2);
  });

  it("a send that keeps failing is kept for later and then delivered, never lost", async () => {
    const h = await start();
    await install(h);
    h.connector.failNext(502, 3, (c) => c.conversationId === CHANNEL); // the sender tries 3 times in one delivery
    await personalMessage(h, "scanner offline");
    await h.flush();
    const [row] = await outbox(h);
    expect(row).toMatchObject({ status: "retrying", attempts: 1 });
    expect(row!.last_error).toMatch(/502/);
    h.t.clock.advance(60_000);
    expect(await h.flush()).toBe(1);
    expect((await outbox(h))[0]!.status).toBe("sent");
    expect(h.connector.sent().filter((c) => c.conversationId === CHANNEL && c.body.attachments)).toHaveLength(1);
  });

  it("a refusal Teams will not change its mind about (403) is dead-lettered without blocking the next message", async () => {
    const h = await start();
    await install(h);
    h.connector.failNext(403, 1, (c) => c.conversationId === CHANNEL);
    await personalMessage(h, "scanner offline");
    await personalMessage(h, "kettle in kitchen 2 leaks"); // words no category rule matches: one card row each
    await h.flush();
    const rows = await outbox(h);
    expect(rows.map((r) => r.status)).toEqual(["dead", "sent"]);
  });

  it("paces one conversation at 7 sends per second (Teams' per-thread limit)", async () => {
    const h = await start();
    await install(h);
    for (let i = 0; i < 7; i++) await h.t.as("carol", `printer ${i} jams`);
    const started = Date.now();
    await h.flush();
    const posts = h.connector.calls.filter((c) => c.conversationId === CHANNEL && c.method === "POST" && c.body.attachments);
    expect(posts).toHaveLength(7);
    // The welcome message used one of the first second's 7 slots, so the 7th card waited for the next window.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe("Teams agents' channel", () => {
  it("a configured channel (TEAMS_TRIAGE_CONVERSATION) gets the cards, reached through the team's stored service", async () => {
    const configured = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2";
    const h = await start({ teams: { triageConversation: configured } });
    await install(h);
    await personalMessage(h, "projector in room 4 is dead");
    await h.flush();
    const card = h.connector
      .sent()
      .filter((c) => c.body.attachments)
      .at(-1)!;
    expect(card.conversationId).toBe(configured);
    expect(cardText(card.body.attachments[0].content)).toContain("#1 projector in room 4 is dead");
    const link = await h.t.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow();
    expect(link.ref.startsWith(`${configured}|`)).toBe(true);
  });

  it("with no channel known yet, no card is planned and the requester is still answered", async () => {
    const h = await start();
    await personalMessage(h, "projector in room 4 is dead");
    await h.flush();
    expect(await outbox(h)).toEqual([]);
    expect(h.connector.sent().map((c) => c.conversationId)).toEqual([PERSONAL]);
  });
});
