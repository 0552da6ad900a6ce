// The forgiving grammar and the claim that asks first, through the real Teams adapter: messages to the bot
// and the card's Claim button (an adaptiveCard/action invoke).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exampleSettings } from "../helpers/desk.js";
import { channelMention, personalMessage, ticketWithCard } from "./flows.js";
import { AGENT, cardText, executeInvoke, harness, teamsSettings, type Harness } from "./harness.js";

/** A second agent of the desk, so that a ticket can be someone else's. */
const ERIN = { id: "29:1erinAgentTeamsUserIdForTheForgivingGrammarTests", name: "Erin Okafor", aadObjectId: "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" };

let h: Harness;
beforeEach(async () => {
  const base = teamsSettings(exampleSettings());
  h = await harness({ settings: { ...base, roles: { ...base.roles, agent: [...(base.roles.agent ?? []), `teams:${ERIN.aadObjectId}`] } } });
});
afterEach(async () => {
  await h.close();
});

const lastSaid = () => JSON.stringify(h.connector.sent().at(-1)?.body ?? "");
const ticketCount = async () => (await h.t.db.selectFrom("tickets").select("id").execute()).length;

describe("a Teams message forgives a mistyped command", () => {
  it.each([
    ["lsit", "Did you mean `list`?"],
    ["shwo 3", "Did you mean `show 3`?"],
    ["claim3", "Did you mean `claim 3`?"],
    ["ticket 5", "Did you mean `show 5`?"],
  ])("%s asks instead of opening a ticket", async (text, asked) => {
    const r = await personalMessage(h, text);
    expect(r.status).toBe(200);
    expect(lastSaid()).toContain(asked);
    expect(lastSaid()).toContain("To open a ticket with these words");
    expect(await ticketCount()).toBe(0);
  });

  it.each(["printer on 3rd floor jams", "list of printers is wrong", "help me reset my password"])("%s opens a ticket at once", async (text) => {
    expect((await personalMessage(h, text)).status).toBe(200);
    expect(await h.t.db.selectFrom("tickets").select("title").executeTakeFirstOrThrow()).toEqual({ title: text });
  });
});

describe("claiming a ticket that is someone else's, in Teams", () => {
  it("asks first on the card's Claim button and in a message, and takes it over with force", async () => {
    await ticketWithCard(h);
    expect((await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }))).status).toBe(200);

    const click = await h.post(executeInvoke(h, ERIN, "claim", { verb: "claim", ticketId: 1 }));
    expect(click.status).toBe(200);
    expect(cardText(click.body.value)).toContain("#1 is with Dave Taniguchi; `claim 1 force` to take it over.");
    await channelMention(h, "claim 1", ERIN);
    expect(lastSaid()).toContain("#1 is with Dave Taniguchi;");
    const dave = await h.t.db.selectFrom("people").select("id").where("display_name", "=", AGENT.name).executeTakeFirstOrThrow();
    expect(await h.t.db.selectFrom("tickets").select("assignee_id").executeTakeFirstOrThrow()).toEqual({ assignee_id: dave.id });

    await channelMention(h, "claim 1 force", ERIN);
    const erin = await h.t.db.selectFrom("people").select("id").where("display_name", "=", ERIN.name).executeTakeFirstOrThrow();
    expect(await h.t.db.selectFrom("tickets").select("assignee_id").executeTakeFirstOrThrow()).toEqual({ assignee_id: erin.id });
  });
});
