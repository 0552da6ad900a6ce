// "Post update" on an incident's status card in Teams: a form under the card (status and message) whose
// Action.Execute runs `incident update` through the core; the status card is updated in place, requesters
// hear it, and mistakes or refusals come back on the card with nothing changed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channelMention, install, personalMessage } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER, cardText, executeInvoke, harness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await install(h);
});
afterEach(async () => {
  await h.close();
});

const inChannel = (text: string) => channelMention(h, text);

const isStatusCard = (c: { body: any }) => cardText(c.body.attachments?.[0]?.content).includes("Severity: SEV2");

async function incidentWithStatusCard() {
  await inChannel("incident subscribe");
  await personalMessage(h, "wifi down on the 3rd floor");
  await h.flush();
  expect((await h.t.as("ana", "incident from 1")).ok).toBe(true);
  await h.flush();
  const posted = h.connector.sent().filter((c) => c.conversationId === CHANNEL && isStatusCard(c));
  expect(posted).toHaveLength(1);
  return posted[0]!.body.attachments[0].content;
}

const update = (who: typeof AGENT, data: Record<string, unknown>) => h.post(executeInvoke(h, who, "incident_update", { incidentId: 1, ...data }));

describe("Post update from the incident's status card in Teams", () => {
  it("the card carries the form; submitting it updates the card in place and tells the requesters", async () => {
    const card = await incidentWithStatusCard();
    expect(h.checkSentCards()).toBeGreaterThan(0);
    const form = card.actions.find((a: any) => a.type === "Action.ShowCard" && a.title === "Post update");
    expect(form.card.body.map((b: any) => [b.type, b.id])).toEqual([
      ["Input.ChoiceSet", "incident_status"],
      ["Input.Text", "incident_message"],
    ]);
    expect(form.card.body[0].value).toBe("investigating");
    expect(form.card.actions[0]).toMatchObject({ type: "Action.Execute", verb: "incident_update", data: { incidentId: 1 } });

    const before = h.connector.sent().length;
    const r = await update(AGENT, { incident_status: "identified", incident_message: "a failed switch on 3" });
    expect(r.status).toBe(200);
    expect(cardText(r.body.value)).toContain("Done: Posted to INC-1 (identified)");
    expect(cardText(r.body.value)).toContain("IDENTIFIED");
    await h.flush();
    const sent = h.connector.sent().slice(before);
    const edits = sent.filter((c) => c.method === "PUT" && c.conversationId === CHANNEL && isStatusCard(c));
    expect(edits).toHaveLength(1);
    expect(cardText(edits[0]!.body.attachments[0].content)).toContain("IDENTIFIED");
    expect(sent.filter((c) => c.method === "POST" && c.conversationId === CHANNEL && isStatusCard(c))).toEqual([]);
    const dm = sent.find((c) => c.conversationId === PERSONAL)!;
    expect(cardText(dm.body.attachments[0].content)).toContain("Update on INC-1 (wifi down on the 3rd floor), identified: a failed switch on 3");
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });

  it("an empty or unknown status, an empty or oversized message and a requester's click are answered on the card; nothing changes", async () => {
    await incidentWithStatusCard();
    const updates = async () => (await h.t.db.selectFrom("incident_updates").selectAll().execute()).length;
    const n = await updates();
    const said = async (who: typeof AGENT, data: Record<string, unknown>) => cardText((await update(who, data)).body.value);
    expect(await said(AGENT, { incident_status: "fixed", incident_message: "x" })).toContain(
      "Choose one of investigating, identified, monitoring, resolved. Nothing was changed.",
    );
    expect(await said(AGENT, { incident_status: "identified", incident_message: "  " })).toContain(
      "Write the update: every requester and status channel will read it. Nothing was changed.",
    );
    expect(await said(AGENT, { incident_status: "identified", incident_message: "y".repeat(3001) })).toContain(
      "The update is 3001 characters; keep it to 3000. Nothing was changed.",
    );
    expect(await said(REQUESTER, { incident_status: "monitoring", incident_message: "works for me" })).toMatch(/post incident updates/);
    const gone = await h.post(executeInvoke(h, AGENT, "incident_update", { incidentId: 99, incident_status: "identified", incident_message: "x" }));
    expect(cardText(gone.body.value)).toMatch(/no incident INC-99/);
    expect(await updates()).toBe(n);
  });

  it("resolved from the card resolves the incident and its tickets; the card then offers no form", async () => {
    await incidentWithStatusCard();
    const r = await update(AGENT, { incident_status: "resolved", incident_message: "replaced the switch" });
    expect(cardText(r.body.value)).toContain("RESOLVED");
    expect(r.body.value.actions).toBeUndefined();
    await h.flush();
    expect((await h.t.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).toBe("resolved");
  });
});

describe("incident buttons on a ticket's card in Teams", () => {
  it("Declare incident declares one from the ticket; Link to incident takes the incident's number and links another ticket", async () => {
    await personalMessage(h, "vpn drops every hour");
    await personalMessage(h, "vpn will not connect from home");
    await h.flush();
    const card = h.connector.sent().find((c) => c.conversationId === CHANNEL && cardText(c.body.attachments?.[0]?.content).includes("#2 vpn will not connect"))!
      .body.attachments[0].content;
    const actions = JSON.stringify(card.actions);
    expect(actions).toContain('"verb":"declare_incident"');
    expect(actions).toContain('"id":"input_link_incident"');

    const declared = await h.post(executeInvoke(h, AGENT, "declare_incident", { verb: "declare_incident", ticketId: 1 }));
    expect(cardText(declared.body.value)).toMatch(/Declared INC-1/);
    const link = (input: string) => h.post(executeInvoke(h, AGENT, "link_incident", { verb: "link_incident", ticketId: 2, input_link_incident: input }));
    expect(cardText((await link("the vpn one")).body.value)).toContain("Say which incident: its number, like INC-3.");
    expect(cardText((await link("INC-1")).body.value)).toContain("#2 is now part of INC-1.");
    expect(await h.t.db.selectFrom("incident_tickets").select(["ticket_id", "incident_id"]).orderBy("ticket_id").execute()).toEqual([
      { ticket_id: 1, incident_id: 1 },
      { ticket_id: 2, incident_id: 1 },
    ]);
    await h.flush();
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });
});
