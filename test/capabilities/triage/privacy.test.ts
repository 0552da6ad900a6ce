// Privacy of duplicates through the platforms a requester uses: the second reporter hears that others
// reported the same problem, never the first reporter's title or words, in Slack and in Teams (whose ticket
// card reaches the requester's own chat too). The agents' card names the original by its number.
import { afterEach, describe, expect, it } from "vitest";
import { REQUESTER, TRIAGE, startHarness, type Harness as SlackHarness } from "../../slack/harness.js";
import { ticketWithCard } from "../../teams/flows.js";
import { TENANT, cardText, harness, newId, recorded, type Harness as TeamsHarness } from "../../teams/harness.js";

const FIRST = "payroll export to the bank fails with error 4012 for Acme Holdings";
const SECOND = "the payroll export to the bank fails";
/** Words only the first requester wrote. */
const PRIVATE = ["4012", "Acme"];

describe("duplicates in Slack: the second requester is not shown the first one's ticket", () => {
  let h: SlackHarness;
  afterEach(async () => {
    expect(h.fake.violations).toEqual([]);
    await h.close();
  });

  it("the requester message says others reported it; the triage card names #1", async () => {
    h = await startHarness();
    h.fake.users.set("UREQ2", { name: "sam", email: "sam@example.com" });
    await h.command(FIRST, REQUESTER);
    await h.settle();
    const before = h.fake.of("chat.postMessage").length;
    await h.command(SECOND, "UREQ2");
    await h.settle();
    const toRequesters = h.fake
      .of("chat.postMessage")
      .slice(before)
      .filter((c) => c.args.channel !== TRIAGE);
    const said = JSON.stringify(toRequesters.map((c) => [c.args.text, c.args.blocks]));
    expect(said).toContain("You are not alone: others have reported the same problem.");
    for (const word of PRIVATE) expect(said).not.toContain(word);
    const card = JSON.stringify(
      [...h.fake.of("chat.postMessage"), ...h.fake.of("chat.update")].filter((c) => c.args.channel === TRIAGE).map((c) => c.blocks ?? c.args.blocks),
    );
    expect(card).toContain("Looks like #1");
  });
});

describe("duplicates in Teams: the second requester is not shown the first one's ticket", () => {
  let h: TeamsHarness;
  afterEach(async () => {
    await h.close();
  });

  it("the personal chat answer says others reported it; the triage card names #1", async () => {
    h = await harness();
    await ticketWithCard(h, FIRST);
    // A second person in their own personal chat with the bot.
    const other = recorded("20191021205338231-request-integrationBot.json", h.connector.url, { id: newId(), text: SECOND });
    const chat = `a:second-requester-personal-chat-${Date.now()}`;
    other.from = { id: "29:second-requester", name: "Sam Other", aadObjectId: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" };
    other.conversation = { ...other.conversation, id: chat, conversationType: "personal", tenantId: TENANT };
    const before = h.connector.sent().length;
    const res = await h.post(other);
    expect(res.status).toBeLessThan(300);
    await h.flush();
    const toSecond = h.connector.calls.filter((c) => c.conversationId === chat).map((c) => c.body);
    const said = JSON.stringify(toSecond) + (typeof res.body === "string" ? res.body : JSON.stringify(res.body ?? ""));
    expect(said).toContain("You are not alone: others have reported the same problem.");
    for (const word of PRIVATE) expect(said).not.toContain(word);
    const cards = h.connector
      .sent()
      .slice(before)
      .filter((c) => c.conversationId !== chat)
      .flatMap((c) => (c.body?.attachments ?? []) as { content: unknown }[])
      .map((a) => cardText(a.content))
      .join("\n");
    expect(cards).toContain("Looks like #1");
  });
});
