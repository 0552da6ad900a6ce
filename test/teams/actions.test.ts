import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ticketWithCard } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER, TENANT, cardText, executeInvoke, harness, newId, recorded, type Harness } from "./harness.js";
import { counts } from "../helpers/desk.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await ticketWithCard(h);
});
afterEach(async () => {
  await h.close();
});

const ticket = () => h.t.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
const cardLink = async () => (await h.t.db.selectFrom("ticket_links").selectAll().where("role", "=", "card").executeTakeFirstOrThrow()).ref.split("|");

describe("Teams card actions (Action.Execute)", () => {
  it("Claim changes the ticket, answers with the refreshed card, updates the channel card, says it once in the thread, and tells the requester", async () => {
    const before = h.connector.sent().length;
    const res = await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(cardText(res.body.value)).toContain("Assignee: Dave Taniguchi");
    expect(await ticket()).toMatchObject({ status: "in_progress" });

    await h.flush();
    const [channel, cardId] = await cardLink();
    const after = h.connector.sent().slice(before);
    const update = after.find((c) => c.method === "PUT")!;
    expect(update).toMatchObject({ conversationId: channel, activityId: cardId });
    expect(cardText(update.body.attachments[0].content)).toContain("Status: in progress");
    const thread = after.filter((c) => c.conversationId === `${CHANNEL};messageid=${cardId}`);
    expect(thread.map((c) => c.body.text)).toEqual(["Dave Taniguchi claimed #1"]);
    const dm = after.filter((c) => c.conversationId === PERSONAL);
    expect(dm).toHaveLength(1);
    expect(cardText(dm[0]!.body.attachments[0].content)).toContain("#1 is now with Dave Taniguchi (in progress).");
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });

  it("a double click makes one change; the second answers that it is already theirs", async () => {
    await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    const before = await counts(h.t.db);
    const second = await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    expect(second.status).toBe(200);
    expect(cardText(second.body.value)).toContain("#1 is already yours.");
    const afterCounts = await counts(h.t.db);
    expect({ ...afterCounts, receipts: 0, people: 0 }).toEqual({ ...before, receipts: 0, people: 0 });
  });

  it("a redelivered invoke (same activity id) acts once", async () => {
    const click = executeInvoke(h, AGENT, "priority", { verb: "priority", ticketId: 1, input_priority: "P1" });
    await h.post(click);
    const again = await h.post(click);
    expect(again.status).toBe(200);
    const audit = await h.t.db.selectFrom("audit_events").selectAll().where("field", "=", "priority").execute();
    expect(audit.filter((a) => a.action === "priority")).toHaveLength(1);
    expect((await ticket()).priority).toBe("P1");
  });

  it("Resolve with the note resolves and sends the requester Reopen and a 1-5 rating", async () => {
    const res = await h.post(executeInvoke(h, AGENT, "resolve", { verb: "resolve", ticketId: 1, input_resolve: "Replaced the fuser." }));
    expect(cardText(res.body.value)).toContain("Resolution: Replaced the fuser.");
    expect(await ticket()).toMatchObject({ status: "resolved", resolution: "Replaced the fuser." });
    await h.flush();
    const dm = h.connector
      .sent()
      .filter((c) => c.conversationId === PERSONAL)
      .at(-1)!;
    const card = dm.body.attachments[0].content;
    expect(cardText(card)).toContain("#1 is resolved: Replaced the fuser.");
    const json = JSON.stringify(card);
    for (const n of [1, 2, 3, 4, 5]) expect(json).toContain(`"rating":"${n}"`);
    expect(json).toContain('"verb":"reopen"');
  });

  it("Assign and Close through their inputs", async () => {
    await h.t.as("operator", "list");
    const assign = await h.post(executeInvoke(h, AGENT, "assign", { verb: "assign", ticketId: 1, input_assign: "@Dave Taniguchi" }));
    expect(assign.status).toBe(200);
    const close = await h.post(executeInvoke(h, AGENT, "close", { verb: "close", ticketId: 1 }));
    expect(cardText(close.body.value)).toContain("Status: closed");
    expect((await ticket()).status).toBe("closed");
  });

  describe("refusals: answered on the card, nothing changed", () => {
    const cases: [string, () => Record<string, unknown>, RegExp][] = [
      ["an unknown verb", () => executeInvoke(h, AGENT, "teleport", { verb: "teleport", ticketId: 1 }), /I don't know the action "teleport"/],
      ["a ticket that does not exist", () => executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 999 }), /There is no ticket #999/],
      ["a requester who may not claim", () => executeInvoke(h, REQUESTER, "claim", { verb: "claim", ticketId: 1 }), /Only agents can claim tickets/],
      ["Resolve without its note", () => executeInvoke(h, AGENT, "resolve", { verb: "resolve", ticketId: 1, input_resolve: "  " }), /needs more/],
      ["data without a ticket id", () => executeInvoke(h, AGENT, "claim", { verb: "claim" }), /does not name a ticket/],
    ];
    for (const [name, make, says] of cases) {
      it(name, async () => {
        const before = await counts(h.t.db);
        const ticketBefore = await ticket();
        const res = await h.post(make());
        expect(res.status).toBe(200);
        expect(cardText(res.body.value)).toMatch(says);
        expect(await ticket()).toEqual(ticketBefore);
        const after = await counts(h.t.db);
        expect({ ...after, receipts: 0, people: 0 }).toEqual({ ...before, receipts: 0, people: 0 });
      });
    }
  });
});

describe("Teams requester actions on the resolution message", () => {
  const resolve = () => h.post(executeInvoke(h, AGENT, "resolve", { verb: "resolve", ticketId: 1, input_resolve: "Replaced the fuser." }));

  it("the requester rates 1-5 from their chat; the rating is recorded once and the agents' card and thread hear of it", async () => {
    await resolve();
    await h.flush();
    const before = h.connector.sent().length;
    const rate = await h.post(executeInvoke(h, REQUESTER, "rate", { verb: "rate", ticketId: 1, rating: "4" }, PERSONAL));
    expect(rate.status).toBe(200);
    expect(cardText(rate.body.value)).toContain("Thank you for rating #1 4/5.");
    const again = await h.post(executeInvoke(h, REQUESTER, "rate", { verb: "rate", ticketId: 1, rating: "4" }, PERSONAL));
    expect(cardText(again.body.value)).toContain("You already rated #1 4/5.");
    const ratings = await h.t.db.selectFrom("audit_events").selectAll().where("action", "=", "rate").execute();
    expect(ratings.map((r) => r.to_value)).toEqual(["4"]);
    // "rated" is a kind the Teams notifier does not know: the card is refreshed and the summary said in the thread.
    await h.flush();
    const after = h.connector.sent().slice(before);
    const [, cardId] = await cardLink();
    expect(after.filter((c) => c.method === "PUT")).toHaveLength(1);
    expect(after.find((c) => c.conversationId === `${CHANNEL};messageid=${cardId}`)!.body.text).toBe("Tien Suwandy rated #1 4/5");
  });

  it("an agent cannot rate someone else's ticket", async () => {
    await resolve();
    const res = await h.post(executeInvoke(h, AGENT, "rate", { verb: "rate", ticketId: 1, rating: "1" }));
    expect(cardText(res.body.value)).toContain("Only the person who asked for #1 can rate it.");
    expect(await h.t.db.selectFrom("audit_events").selectAll().where("action", "=", "rate").execute()).toEqual([]);
  });

  it("the requester reopens with a reason from their chat", async () => {
    await resolve();
    const res = await h.post(executeInvoke(h, REQUESTER, "reopen", { verb: "reopen", ticketId: 1, input_reopen: "It jams again" }, PERSONAL));
    expect(res.status).toBe(200);
    expect(await ticket()).toMatchObject({ status: "in_progress" });
  });

  it("an Action.Submit (a message carrying the button's data) works like Action.Execute", async () => {
    const submit = recorded("20191020015221814-request-integrationBot.json", h.connector.url, {
      id: newId(),
      from: AGENT,
      conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: CHANNEL },
      value: { verb: "claim", ticketId: 1 },
    });
    expect((await h.post(submit)).status).toBe(200);
    expect((await ticket()).status).toBe("in_progress");
    expect(cardText(h.connector.sent().at(-1)!.body.attachments[0].content)).toContain("Assignee: Dave Taniguchi");
  });
});
