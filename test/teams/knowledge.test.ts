import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { install, personalMessage } from "./flows.js";
import { PERSONAL, REQUESTER, cardText, executeInvoke, harness, type Harness } from "./harness.js";

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
    const offer = h.connector.sent().find((c) => c.conversationId === PERSONAL && cardText(c.body.attachments?.[0]?.content).includes("This may help: KB-1 VPN drops every few minutes"));
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
