// People on Teams cards, through the real adapter: Assign offers the desk's agents and takes display names,
// each person sees only the buttons they may press, and @mentions stay names in what a person wrote.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { channelMention, install, personalMessage } from "./flows.js";
import { exampleSettings, tempDbPath } from "../helpers/desk.js";
import {
  AGENT,
  BOT,
  CHANNEL,
  PERSONAL,
  REQUESTER,
  TENANT,
  cardText,
  cardsIn,
  executeInvoke,
  harness,
  newId,
  recorded,
  teamsSettings,
  type Harness,
} from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await install(h);
});
afterEach(async () => {
  await h.close();
});

const ticket = (n = 1) => h.t.db.selectFrom("tickets").selectAll().where("id", "=", n).executeTakeFirstOrThrow();
const assigneeName = async (n = 1) => {
  const t = await ticket(n);
  return t.assignee_id
    ? (await h.t.db.selectFrom("people").select("display_name").where("id", "=", t.assignee_id).executeTakeFirstOrThrow()).display_name
    : null;
};
/** The Assign button's input on a card. */
const assignInput = (card: any) => card.actions.find((a: any) => a.title === "Assign")?.card.body[0];
const buttons = (card: any) => (card.actions ?? []).map((a: any) => a.title);

describe("Assign on Teams", () => {
  it("the agents' card offers the desk's agents to pick from (not requesters); a pick assigns", async () => {
    await channelMention(h, "list queue"); // the agent has spoken to the bot, so the desk knows their name
    await personalMessage(h, "printer on 3rd floor jams");
    await h.flush();
    const card = cardsIn(
      h.connector
        .sent()
        .filter((c) => c.conversationId === CHANNEL)
        .at(-1)!.body,
    )[0] as any;
    const input = assignInput(card);
    expect(input).toMatchObject({ type: "Input.ChoiceSet", isRequired: true });
    expect(input.choices).toEqual([{ title: AGENT.name, value: AGENT.aadObjectId }]);
    expect(h.checkSentCards()).toBeGreaterThan(0);

    const res = await h.post(executeInvoke(h, AGENT, "assign", { verb: "assign", ticketId: 1, [input.id]: input.choices[0].value }));
    expect(cardText(res.body.value)).toContain(`Assignee: ${AGENT.name}`);
    expect(await assigneeName()).toBe(AGENT.name);
  });

  it("a display name, with or without @, or an email is accepted as typed", async () => {
    await channelMention(h, "list queue");
    await h.t.db.updateTable("people").set({ email: "dave@contoso.example" }).where("user_id", "=", AGENT.aadObjectId).execute();
    for (const [i, typed] of ["Dave Taniguchi", "@Dave Taniguchi", "dave@contoso.example"].entries()) {
      await personalMessage(h, `printer ${i} is jammed`);
      const n = i + 1;
      const res = await h.post(executeInvoke(h, AGENT, "assign", { verb: "assign", ticketId: n, input_assign: typed }));
      expect(res.status).toBe(200);
      expect(cardText(res.body.value), typed).toContain(`Done: `);
      expect(await assigneeName(n), typed).toBe(AGENT.name);
    }
  });

  it("a name the desk does not know is refused on the card, nothing changed", async () => {
    await personalMessage(h, "printer jams");
    const res = await h.post(executeInvoke(h, AGENT, "assign", { verb: "assign", ticketId: 1, input_assign: "Nobody Known" }));
    expect(cardText(res.body.value)).toContain("I don't know @Nobody Known");
    expect(await assigneeName()).toBeNull();
  });
});

describe("each person sees what they may do", () => {
  it("the requester's own Opened #N card offers Close but no agent's button; the agents' card has them all", async () => {
    const res = await personalMessage(h, "printer jams");
    expect(res.status).toBe(200);
    const own = h.connector.sent().find((c) => c.conversationId === PERSONAL)!;
    const card = cardsIn(own.body)[0] as any;
    expect(cardText(card)).toContain("Opened #1");
    expect(buttons(card)).toEqual(["Close"]);
    await h.flush();
    const agents = cardsIn(
      h.connector
        .sent()
        .filter((c) => c.conversationId === CHANNEL)
        .at(-1)!.body,
    )[0] as any;
    expect(buttons(agents)).toEqual(expect.arrayContaining(["Claim", "Assign", "Priority", "Resolve", "Close"]));
  });

  it("a requester's refused click answers with the card as they may use it", async () => {
    await personalMessage(h, "printer jams");
    const res = await h.post(executeInvoke(h, REQUESTER, "claim", { verb: "claim", ticketId: 1 }, PERSONAL));
    expect(cardText(res.body.value)).toContain("Only agents can claim tickets");
    expect(buttons(res.body.value)).toEqual(["Close"]);
  });
});

describe("@mentions in what people write", () => {
  it("only the bot's own mention leaves the ticket text; someone else's becomes their name", async () => {
    const a = recorded("20191021205430160-request-integrationBot.json", h.connector.url, {
      id: newId(),
      from: REQUESTER,
      text: "<at>Integration Bot</at> wifi drops for <at>Olo Brockhouse</at> every hour",
      entities: [
        { type: "mention", text: "<at>Integration Bot</at>", mentioned: { id: BOT.id, name: "Integration Bot" } },
        { type: "mention", text: "<at>Olo Brockhouse</at>", mentioned: { id: "29:1olo", name: "Olo Brockhouse" } },
      ],
    });
    expect((await h.post(a)).status).toBe(200);
    expect((await ticket()).title).toBe("wifi drops for Olo Brockhouse every hour");
  });

  it("the message action's prefilled title drops the bot's mention and keeps other people's names", async () => {
    const messagePayload = {
      id: "1571691269919",
      body: { contentType: "html", content: '<div><p><at id="0">Deskhand</at> VPN fails for <at id="1">Olo Brockhouse</at></p></div>' },
      mentions: [
        { id: 0, mentionText: "Deskhand", mentioned: { application: { id: "cd59cf47-aca1-41e0-8441-387faee8331e", displayName: "Deskhand" } } },
        { id: 1, mentionText: "Olo Brockhouse", mentioned: { user: { id: "x", displayName: "Olo Brockhouse" } } },
      ],
      linkToMessage: "https://teams.microsoft.com/l/message/19:abc@thread.skype/1571691269919",
    };
    const res = await h.post(
      recorded("20191030203551783-request-integrationBot.json", h.connector.url, {
        id: newId(),
        conversation: { conversationType: "channel", tenantId: TENANT, id: CHANNEL },
        value: { commandId: "createTicket", commandContext: "message", context: { theme: "default" }, messagePayload },
      }),
    );
    const form = cardsIn(res.body)[0] as any;
    expect(form.body.find((e: any) => e.id === "title").value).toBe("VPN fails for Olo Brockhouse");
  });
});

describe("member lookup", () => {
  const OLO = { id: "29:1olo-brockhouse", name: "Olo Brockhouse", aadObjectId: "0f3c1a52-7d0e-4b8e-9c61-3b1e0a6f2d11" };

  it("an agent named in the settings only by email is recognised: Teams gives no email, so the member is looked up once", async () => {
    await h.close();
    const base = teamsSettings(exampleSettings());
    h = await harness({ settings: { ...base, roles: { ...base.roles, agent: [...(base.roles.agent ?? []), "email:olo@contoso.example"] } } });
    await install(h);
    // Joined the team after the app read its roster, so only the member lookup can give the email.
    h.connector.addMember({ ...OLO, email: "olo@contoso.example", userPrincipalName: "olo@contoso.example", givenName: "Olo", surname: "Brockhouse" });
    await personalMessage(h, "printer jams");
    const res = await h.post(executeInvoke(h, OLO, "claim", { verb: "claim", ticketId: 1 }));
    expect(cardText(res.body.value)).toContain("Assignee: Olo Brockhouse");
    await h.post(executeInvoke(h, OLO, "priority", { verb: "priority", ticketId: 1, input_priority: "P1" }));
    const lookups = h.connector.calls.filter((c) => c.method === "GET" && c.route === "/v3/conversations/{conversationId}/members/{memberId}");
    expect(lookups.filter((c) => c.path.endsWith(encodeURIComponent(OLO.id)) || c.path.endsWith(OLO.id))).toHaveLength(1);
    expect(h.connector.unknown).toEqual([]);
    const olo = await h.t.db.selectFrom("people").select(["email", "user_id"]).where("display_name", "=", OLO.name).executeTakeFirstOrThrow();
    expect(olo).toEqual({ email: "olo@contoso.example", user_id: OLO.aadObjectId });
  });
});

describe("agents named before they speak (the team's roster)", () => {
  /** A second agent, configured by AAD object id like AGENT, who does the assigning. */
  const LEE = { id: "29:1lee-okafor-3fJq8", name: "Lee Okafor", aadObjectId: "3c2a9e41-58d7-4a0b-b6f2-9d1e7c4a0b58" };
  /** A member of the team who is no agent of the desk. */
  const OLO = { id: "29:1olo-brockhouse", name: "Olo Brockhouse", aadObjectId: "0f3c1a52-7d0e-4b8e-9c61-3b1e0a6f2d11" };
  const withLee = () => {
    const base = teamsSettings(exampleSettings());
    return { ...base, roles: { ...base.roles, agent: [...(base.roles.agent ?? []), `teams:${LEE.aadObjectId}`] } };
  };
  const member = (p: typeof AGENT, email: string) => ({
    ...p,
    email,
    userPrincipalName: email,
    givenName: p.name.split(" ")[0],
    surname: p.name.split(" ")[1],
    tenantId: TENANT,
    userRole: "user",
  });
  const rosterReads = (hh: Harness) => hh.connector.calls.filter((c) => c.method === "GET" && c.route === "/v3/conversations/{conversationId}/pagedmembers");
  const channelCard = (hh: Harness) =>
    cardsIn(
      hh.connector
        .sent()
        .filter((c) => c.conversationId === CHANNEL && c.body.attachments)
        .at(-1)!.body,
    )[0] as any;
  /** What the requester was told in their chat, card by card. */
  const toRequester = (hh: Harness) =>
    hh.connector
      .sent()
      .filter((c) => c.conversationId === PERSONAL && c.method === "POST")
      .flatMap((c) => cardsIn(c.body))
      .map(cardText);

  async function teamOf(hh: Harness, ...people: [typeof AGENT, string][]) {
    for (const [p, email] of people) hh.connector.addMember(member(p, email));
  }

  it("an agent configured by AAD id who never messaged the bot is offered by name in Assign, and named on the card and to the requester once assigned", async () => {
    await h.close();
    h = await harness({ settings: withLee() });
    await teamOf(h, [AGENT, "dave@contoso.example"], [OLO, "olo@contoso.example"], [LEE, "lee@contoso.example"]);
    h.connector.membersPerPage = 2; // the roster comes in two pages
    await install(h, LEE);
    const reads = rosterReads(h);
    expect(reads.map((c) => c.query?.continuationToken ?? null)).toEqual([null, "2"]);
    expect(reads.every((c) => c.conversationId === CHANNEL && c.status === 200)).toBe(true);

    await personalMessage(h, "printer on 3rd floor jams");
    await h.flush();
    const input = assignInput(channelCard(h));
    // Agents only (Olo is in the team but no agent), by name, though neither has spoken to the bot.
    expect(input.choices).toEqual([
      { title: AGENT.name, value: AGENT.aadObjectId },
      { title: LEE.name, value: LEE.aadObjectId },
    ]);

    const res = await h.post(executeInvoke(h, LEE, "assign", { verb: "assign", ticketId: 1, [input.id]: AGENT.aadObjectId }));
    expect(cardText(res.body.value)).toContain(`Assignee: ${AGENT.name}`);
    await h.flush();
    expect(cardText(channelCard(h))).toContain(`Assignee: ${AGENT.name}`);
    expect(toRequester(h).join("\n")).toContain(`#1 is now with ${AGENT.name} (triaged).`);
    expect(toRequester(h).join("\n")).not.toContain(AGENT.aadObjectId);
    // Dave hears of it in a chat the bot opens with him (his Teams id came from the roster).
    const opened = h.connector.calls.find((c) => c.route === "/v3/conversations" && c.method === "POST")!;
    expect(opened.body.members).toEqual([expect.objectContaining({ id: AGENT.id })]);
    // Nothing was asked about him alone, and nobody else's chat or role changed: Olo, in the team but no agent, is not kept.
    expect(h.connector.calls.some((c) => c.route.endsWith("/members/{memberId}") && decodeURIComponent(c.path).endsWith(AGENT.id))).toBe(false);
    expect(await h.t.db.selectFrom("people").select("user_id").where("user_id", "=", OLO.aadObjectId).execute()).toEqual([]);
  });

  it("after a restart the names are still known, even while the Bot Connector cannot list the team", async () => {
    await h.close();
    const path = tempDbPath();
    const connector = new FakeBotConnector();
    await connector.start();
    try {
      h = await harness({ settings: withLee(), path, connector });
      await teamOf(h, [AGENT, "dave@contoso.example"], [LEE, "lee@contoso.example"]);
      await install(h, LEE);
      await h.close();

      connector.failNext(503, 10, (c) => c.route.includes("members"));
      h = await harness({ settings: withLee(), path, connector });
      expect(rosterReads(h).at(-1)!.status).toBe(503);
      expect(h.logs.join("\n")).toMatch(/could not read the members/);
      await personalMessage(h, "printer on 3rd floor jams");
      await h.flush();
      const input = assignInput(channelCard(h));
      expect(input.choices.map((c: any) => c.title)).toEqual([AGENT.name, LEE.name]);
      await h.post(executeInvoke(h, LEE, "assign", { verb: "assign", ticketId: 1, [input.id]: AGENT.aadObjectId }));
      await h.flush();
      expect(toRequester(h).join("\n")).toContain(`#1 is now with ${AGENT.name} (triaged).`);
    } finally {
      await h.close();
      await connector.close();
      h = await harness();
    }
  });

  it("an agent who joined the team after its roster was read is looked up alone when assigned by AAD id", async () => {
    await h.close();
    h = await harness({ settings: withLee() });
    await teamOf(h, [LEE, "lee@contoso.example"]);
    await install(h, LEE);
    await personalMessage(h, "printer on 3rd floor jams");
    await h.flush();
    expect(assignInput(channelCard(h)).choices.map((c: any) => c.title)).toEqual([LEE.name]);

    await teamOf(h, [AGENT, "dave@contoso.example"]); // joins the team now
    await channelMention(h, `assign 1 ${AGENT.aadObjectId}`, LEE);
    await h.flush();
    const asked = h.connector.calls.filter(
      (c) => c.route === "/v3/conversations/{conversationId}/members/{memberId}" && decodeURIComponent(c.path).endsWith(AGENT.aadObjectId),
    );
    expect(asked.map((c) => c.status)).toEqual([200]);
    expect(cardText(channelCard(h))).toContain(`Assignee: ${AGENT.name}`);
    expect(toRequester(h).join("\n")).toContain(`#1 is now with ${AGENT.name} (triaged).`);
  });
});

describe("assigning by @mention on Teams", () => {
  const LEE = { id: "29:1lee-okafor-3fJq8", name: "Lee Okafor", aadObjectId: "3c2a9e41-58d7-4a0b-b6f2-9d1e7c4a0b58" };
  /** `assign N <at>Name</at>` typed to the bot in the channel, the mention as Teams sends it (Teams user id and name, no AAD id). */
  function assignByMention(hh: Harness, n: number, who: typeof AGENT, from: typeof AGENT) {
    const a = recorded("20191021205430160-request-integrationBot.json", hh.connector.url, {
      id: newId(),
      text: `<at>Integration Bot</at> assign ${n} <at>${who.name}</at>`,
      from,
    });
    a.entities[0].mentioned.id = BOT.id;
    a.entities.push({ type: "mention", text: `<at>${who.name}</at>`, mentioned: { id: who.id, name: who.name } });
    return hh.post(a);
  }

  it("an agent mentioned by name, never met by the bot, is assigned and named (their AAD id asked of the Bot Connector)", async () => {
    await h.close();
    const base = teamsSettings(exampleSettings());
    h = await harness({ settings: { ...base, roles: { ...base.roles, agent: [...(base.roles.agent ?? []), `teams:${LEE.aadObjectId}`] } } });
    await install(h, LEE);
    // Dave joins the team after the roster was read, so only the mention's Teams id leads to him.
    h.connector.addMember({ ...AGENT, email: "dave@contoso.example", userPrincipalName: "dave@contoso.example" });
    await personalMessage(h, "printer on 3rd floor jams");
    expect((await assignByMention(h, 1, AGENT, LEE)).status).toBe(200);
    // The answer in the channel's thread.
    expect(cardText(cardsIn(h.connector.sent().at(-1)!.body)[0])).toContain(`Assignee: ${AGENT.name}`);
    expect(await assigneeName()).toBe(AGENT.name);
    await h.flush();
    const told = h.connector
      .sent()
      .filter((c) => c.conversationId === PERSONAL && c.method === "POST")
      .flatMap((c) => cardsIn(c.body))
      .map(cardText)
      .join("\n");
    expect(told).toContain(`#1 is now with ${AGENT.name} (triaged).`);
  });
});

describe("someone joins the agents' team", () => {
  it("an agent added to the team is named from the event (looked up by the id it gives), before they speak", async () => {
    await install(h);
    await personalMessage(h, "printer on 3rd floor jams");
    await h.flush();
    const before = cardsIn(
      h.connector
        .sent()
        .filter((c) => c.conversationId === CHANNEL && c.body.attachments)
        .at(-1)!.body,
    )[0] as any;
    expect(assignInput(before)?.choices ?? []).not.toContainEqual(expect.objectContaining({ title: AGENT.name }));

    h.connector.addMember({ ...AGENT, email: "dave@contoso.example", userPrincipalName: "dave@contoso.example" });
    // Teams' conversationUpdate for a member added to the team: ids only, no name.
    const res = await h.post(
      recorded("20191019235900304-request-integrationBot.json", h.connector.url, {
        id: newId(),
        from: { id: "29:1lee-okafor-3fJq8", aadObjectId: "3c2a9e41-58d7-4a0b-b6f2-9d1e7c4a0b58" },
        membersAdded: [{ id: AGENT.id, aadObjectId: AGENT.aadObjectId }],
        conversation: { isGroup: true, conversationType: "channel", tenantId: TENANT, id: CHANNEL },
        channelData: { team: { id: CHANNEL }, eventType: "teamMemberAdded", tenant: { id: TENANT } },
      }),
    );
    expect(res.status).toBeLessThan(300);
    await personalMessage(h, "scanner on 2nd floor offline");
    await h.flush();
    const after = cardsIn(
      h.connector
        .sent()
        .filter((c) => c.conversationId === CHANNEL && c.body.attachments)
        .at(-1)!.body,
    )[0] as any;
    expect(assignInput(after).choices).toContainEqual({ title: AGENT.name, value: AGENT.aadObjectId });
  });
});
