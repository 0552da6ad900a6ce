import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { install, personalMessage } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER, TENANT, cardText, executeInvoke, expectValidCard, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
  const r = await h.t.as("ana", "kb new VPN drops every few minutes -- Update the VPN client to 5.2 and turn off wifi power saving.");
  expect(r.ok).toBe(true);
  await install(h);
});
afterEach(async () => {
  await h.close();
});

/** Every Action.Execute in a card, with its title. */
function executes(card: any): { title: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (x.type === "Action.Execute") out.push({ title: x.title, verb: x.verb, data: x.data });
    for (const k of Object.keys(x)) walk(x[k]);
  };
  walk(card);
  return out;
}

describe("knowledge base in Teams", () => {
  it("offers the article in the requester's chat; Solved it closes the ticket as self-served", async () => {
    await personalMessage(h, "my vpn drops every few minutes when I work from home");
    await h.flush();
    const offer = h.connector
      .sent()
      .find((c) => c.conversationId === PERSONAL && cardText(c.body.attachments?.[0]?.content).includes("This may help: KB-1 VPN drops every few minutes"));
    expect(offer).toBeDefined();
    const buttons = executes(offer!.body.attachments[0].content);
    expect(buttons.map((b) => b.title)).toEqual(["Solved it", "Still need help"]);
    expect(h.checkSentCards()).toBeGreaterThan(0);

    const solved = buttons[0]!;
    const res = await h.post(executeInvoke(h, REQUESTER, solved.verb, solved.data, PERSONAL));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain("Glad it helped: #1 is closed.");
    const t = await h.t.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    expect(t).toMatchObject({ status: "closed", resolution: "Self-served with KB-1 VPN drops every few minutes" });
    const offers = await h.t.db.selectFrom("article_offers").selectAll().execute();
    expect(offers).toMatchObject([{ ticket_id: 1, article_id: 1, outcome: "solved" }]);
  });

  it("Still need help keeps the ticket with the agents", async () => {
    await personalMessage(h, "vpn drops every few minutes");
    await h.flush();
    const offer = h.connector.sent().find((c) => c.conversationId === PERSONAL && cardText(c.body.attachments?.[0]?.content).includes("This may help"));
    const still = executes(offer!.body.attachments[0].content).find((b) => b.title === "Still need help")!;
    const res = await h.post(executeInvoke(h, REQUESTER, still.verb, still.data, PERSONAL));
    expect(JSON.stringify(res.body)).toContain("stays with the agents");
    const t = await h.t.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    expect(t.status).not.toBe("closed");
  });
});

const articles = () => h.t.db.selectFrom("articles").selectAll().orderBy("id").execute();
const agentChat = (patch: Record<string, unknown>) => ({
  id: newId(),
  from: AGENT,
  conversation: { conversationType: "personal", tenantId: TENANT, id: "a:agent-chat" },
  ...patch,
});
const taskFetch = (data: Record<string, unknown>, who = agentChat({})) =>
  recorded("20191020021852930-request-integrationBot.json", h.connector.url, { ...who, value: { data, context: { theme: "default" } } });
const taskSubmit = (data: Record<string, unknown>) =>
  recorded("20191020021910141-request-integrationBot.json", h.connector.url, agentChat({ value: { data, context: { theme: "default" } } }));

/** Every element of a card with an id, by id. */
function inputs(card: any): Record<string, any> {
  const out: Record<string, any> = {};
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (typeof x.id === "string" && String(x.type).startsWith("Input.")) out[x.id] = x;
    for (const k of Object.keys(x)) walk(x[k]);
  };
  walk(card);
  return out;
}

describe("Save as article on Resolve in Teams", () => {
  async function channelCard() {
    await personalMessage(h, "printer on 3rd floor jams -- paper stuck in tray 2 every morning");
    await h.flush();
    const posted = h.connector
      .sent()
      .filter((c) => c.conversationId === CHANNEL && cardText(c.body.attachments?.[0]?.content).includes("#1 printer"))
      .at(-1)!;
    return posted.body.attachments[0].content;
  }

  it("the card's Resolve holds the toggle and the article prefilled from the ticket; on, the article is saved from the resolution", async () => {
    const card = await channelCard();
    expectValidCard(card);
    const fields = inputs(card);
    expect(fields.kb_save).toMatchObject({ type: "Input.Toggle", title: "Save as article", valueOn: "true", valueOff: "false" });
    expect(fields.kb_title.value).toBe("printer on 3rd floor jams");
    expect(fields.kb_body.value).toBe("paper stuck in tray 2 every morning\n\n**Resolution:** ");

    const res = await h.post(
      executeInvoke(h, AGENT, "resolve", {
        verb: "resolve",
        ticketId: 1,
        input_resolve: "Replaced the pickup roller",
        kb_save: "true",
        kb_title: "Printer jams every morning",
        kb_body: fields.kb_body.value,
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain("Saved KB-2 Printer jams every morning from #1.");
    const t = await h.t.db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    expect(t.status).toBe("resolved");
    expect((await articles())[1]).toMatchObject({
      title: "Printer jams every morning",
      body: "paper stuck in tray 2 every morning\n\n**Resolution:** Replaced the pickup roller",
      source_ticket_id: 1,
    });
  });

  it("on with the title emptied: nothing is resolved and the card says why; off: resolved with no article", async () => {
    await channelCard();
    const bad = await h.post(
      executeInvoke(h, AGENT, "resolve", { verb: "resolve", ticketId: 1, input_resolve: "Replaced the roller", kb_save: "true", kb_title: "", kb_body: "x" }),
    );
    expect(JSON.stringify(bad.body)).toContain("Nothing was changed: The article needs a title. Fix the article, or switch off Save as article.");
    expect((await h.t.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).not.toBe("resolved");
    const ok = await h.post(
      executeInvoke(h, AGENT, "resolve", { verb: "resolve", ticketId: 1, input_resolve: "Replaced the roller", kb_save: "false", kb_title: "x", kb_body: "y" }),
    );
    expect(JSON.stringify(ok.body)).toContain("Done:");
    expect((await h.t.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).toBe("resolved");
    expect(await articles()).toHaveLength(1);
  });
});

describe("kb new as a dialog in Teams", () => {
  it("answers an agent with a button opening the article dialog; errors come back in it; a good one is saved", async () => {
    await h.post(recorded("20191021205338231-request-integrationBot.json", h.connector.url, agentChat({ text: "kb new" })));
    const reply = h.connector.sent().at(-1)!.body.attachments[0].content;
    expectValidCard(reply);
    const button = reply.actions[0];
    expect(button.data).toEqual({ msteams: { type: "task/fetch" }, dialog: "kbArticle" });

    const opened = await h.post(taskFetch(button.data));
    expect(opened.body.task.value.title).toBe("New article");
    const form = opened.body.task.value.card.content;
    expect(Object.keys(inputs(form))).toEqual(["title", "body", "tags", "category"]);

    const bad = await h.post(taskSubmit({ dialog: "kbArticle", title: "", body: "Reset the token", tags: "mfa, bad tag!", category: "Access" }));
    const again = bad.body.task.value.card.content;
    expect(cardText(again)).toContain("The article needs a title.");
    expect(cardText(again)).toContain('"tag!" is not a tag');
    expect(inputs(again).body.value).toBe("Reset the token");
    expect(await articles()).toHaveLength(1);

    const good = await h.post(
      taskSubmit({ dialog: "kbArticle", title: "MFA token out of sync", body: "Re-sync it in **My Sign-Ins**.", tags: "mfa, access", category: "Access" }),
    );
    expect(good.body.task).toEqual({ type: "message", value: "Saved KB-2 MFA token out of sync." });
    const a = (await articles())[1]!;
    expect(a).toMatchObject({ title: "MFA token out of sync", category: "Access" });
    expect(JSON.parse(a.tags)).toEqual(["mfa", "access"]);
  });

  it("a requester is told only agents write articles", async () => {
    await personalMessage(h, "kb new");
    const reply = h.connector.sent().at(-1)!.body.attachments[0].content;
    expect(cardText(reply)).toContain("Only agents can write articles");
    const res = await h.post(
      taskFetch({ dialog: "kbArticle" }, { id: newId(), from: REQUESTER, conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL } }),
    );
    expect(res.body.task).toEqual({ type: "message", value: "Only agents can write articles." });
  });
});

describe("agents see the offered article", () => {
  it("the agents' channel card names the article offered and the requester's answer", async () => {
    await personalMessage(h, "my vpn drops every few minutes");
    await h.flush();
    const offer = h.connector.sent().find((c) => c.conversationId === PERSONAL && cardText(c.body.attachments?.[0]?.content).includes("This may help"))!;
    const solved = executes(offer.body.attachments[0].content)[0]!;
    await h.post(executeInvoke(h, REQUESTER, solved.verb, solved.data, PERSONAL));
    await h.flush();
    const cards = h.connector.calls
      .filter((c) => c.conversationId === CHANNEL && c.body?.attachments?.[0]?.content)
      .map((c) => cardText(c.body.attachments[0].content));
    expect(cards.some((t) => t.includes("Offered: KB-1 VPN drops every few minutes (no answer yet)"))).toBe(true);
    expect(cards.at(-1)).toContain("Offered: KB-1 VPN drops every few minutes (solved it)");
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });
});

describe("deflection from the Teams ticket dialog", () => {
  it("a ticket opened through the form dialog is offered the article, and Still need help is counted", async () => {
    const submit = recorded("20191020021910141-request-integrationBot.json", h.connector.url, {
      id: newId(),
      from: REQUESTER,
      conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL },
      value: {
        data: { title: "VPN drops every few minutes", description: "at home, since the update", type: "incident", impact: "medium", urgency: "medium" },
        context: { theme: "default" },
      },
    });
    const res = await h.post(submit);
    expect(res.body.task.value).toMatch(/^Opened #1: VPN drops every few minutes/);
    await h.flush();
    const offer = h.connector
      .sent()
      .find((c) => c.conversationId === PERSONAL && cardText(c.body.attachments?.[0]?.content).includes("This may help: KB-1 VPN drops every few minutes"));
    expect(offer).toBeDefined();
    const still = executes(offer!.body.attachments[0].content).find((b) => b.title === "Still need help")!;
    await h.post(executeInvoke(h, REQUESTER, still.verb, still.data, PERSONAL));
    expect(await h.t.db.selectFrom("article_offers").select(["ticket_id", "outcome"]).execute()).toEqual([{ ticket_id: 1, outcome: "not_solved" }]);
    const shown = await h.t.as("ana", "kb show 1");
    expect(shown.text).toContain("offered 1 · solved 0 · not solved 1");
  });
});
