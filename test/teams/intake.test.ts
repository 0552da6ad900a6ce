import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { install, personalMessage } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER, TENANT, cardText, cardsIn, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("Teams intake", () => {
  it("says at start-up that it runs unauthenticated, loopback only, without an app id", () => {
    expect(h.logs.join("\n")).toMatch(/Emulator mode.*NOT authenticated.*loopback/);
  });

  it("a message in personal chat opens a ticket, answers with its card, and posts the card to the agents' channel", async () => {
    expect((await install(h)).status).toBe(200);
    const welcome = h.connector.sent().at(-1)!;
    expect(welcome.conversationId).toBe(CHANNEL);
    expect(welcome.body.text).toMatch(/New tickets appear in this channel/);

    const res = await personalMessage(h, "printer on 3rd floor jams -- since Monday");
    expect(res.status).toBe(200);
    const ticket = await h.t.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ title: "printer on 3rd floor jams", description: "since Monday", source_kind: "teams" });
    const requester = await h.t.db.selectFrom("people").selectAll().where("id", "=", ticket.requester_id).executeTakeFirstOrThrow();
    expect(requester).toMatchObject({ platform: "teams", user_id: REQUESTER.aadObjectId, display_name: REQUESTER.name });

    const reply = h.connector.sent().at(-1)!;
    expect(reply.conversationId).toBe(PERSONAL);
    expect(JSON.stringify(reply.body.attachments[0].content)).toContain("Opened #1");

    // The card, then triage's line in the card's thread ("printer" files the ticket under Hardware on arrival).
    expect(await h.flush()).toBe(2);
    const [card, triaged] = h.connector.sent().slice(-2);
    expect(card!.method).toBe("POST");
    expect(card!.conversationId).toBe(CHANNEL);
    const content = JSON.stringify(card!.body.attachments[0].content);
    expect(content).toContain("#1 printer on 3rd floor jams");
    expect(content).toContain('"verb":"claim"');
    const link = await h.t.db.selectFrom("ticket_links").selectAll().executeTakeFirstOrThrow();
    expect(link).toMatchObject({ ticket_id: 1, platform: "teams", role: "card" });
    expect(link.ref).toBe(`${CHANNEL}|${card!.body.id ?? link.ref.split("|")[1]}`);
    expect(triaged!.method).toBe("POST");
    expect(triaged!.conversationId).toBe(`${CHANNEL};messageid=${link.ref.split("|")[1]}`);
    expect(triaged!.body.text).toBe("Triage put #1 in Hardware");
    expect(h.checkSentCards()).toBeGreaterThanOrEqual(2);
    expect(h.connector.unknown).toEqual([]);
  });

  it("an @mention in a channel speaks the same grammar", async () => {
    await install(h);
    const activity = recorded("20191021205430160-request-integrationBot.json", h.connector.url, {
      id: newId(),
      text: "<at>Integration Bot</at> vpn drops every 10 minutes \n",
    });
    activity.entities[0].mentioned.id = "28:cd59cf47-aca1-41e0-8441-387faee8331e";
    expect((await h.post(activity)).status).toBe(200);
    const ticket = await h.t.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(ticket.title).toBe("vpn drops every 10 minutes");
    const reply = h.connector.sent().at(-1)!;
    expect(reply.conversationId).toBe(activity.conversation.id);
  });

  it("a redelivered activity (same id) opens one ticket", async () => {
    const id = newId();
    await personalMessage(h, "laptop will not boot", id);
    await personalMessage(h, "laptop will not boot", id);
    const n = await h.t.db.selectFrom("tickets").select(h.t.db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it("refuses activities that are not JSON objects", async () => {
    const res = await fetch(`${h.base}/api/messages`, { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
  });

  it("refuses an activity over 1 MB with 413", async () => {
    const res = await fetch(`${h.base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "x".repeat(1024 * 1024 + 1) }),
    });
    expect(res.status).toBe(413);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
  });

  it("answers an agent's list in personal chat", async () => {
    await personalMessage(h, "printer jams");
    const res = await h.post(
      recorded("20191021205338231-request-integrationBot.json", h.connector.url, {
        id: newId(),
        text: "list queue",
        from: AGENT,
        conversation: { conversationType: "personal", tenantId: TENANT, id: "a:agent-chat" },
      }),
    );
    expect(res.status).toBe(200);
    expect(cardsIn(h.connector.sent().at(-1)!.body).map(cardText).join("\n")).toContain("#1 [P3 new] printer jams");
  });
});
