import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channelMention, install, personalMessage } from "./flows.js";
import { AGENT, CHANNEL, PERSONAL, cardText, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await install(h);
});
afterEach(async () => {
  await h.close();
});

const inChannel = (text: string) => channelMention(h, text);

describe("incidents in Teams", () => {
  it("a subscribed channel gets one status card, updated in place; requesters hear each update in their chat", async () => {
    expect((await inChannel("incident subscribe")).status).toBe(200);
    expect(await h.t.db.selectFrom("status_channels").selectAll().execute()).toMatchObject([{ platform: "teams", channel: CHANNEL }]);
    expect(cardText(h.connector.sent().at(-1)!.body.attachments?.[0]?.content) + (h.connector.sent().at(-1)!.body.text ?? "")).toContain(
      "This channel will get every incident's status updates.",
    );

    await personalMessage(h, "wifi down on the 3rd floor");
    await h.flush();
    expect((await h.t.as("ana", "incident from 1")).ok).toBe(true);
    await h.flush();
    // The status card (it has a Severity fact; the ticket's own card only names the incident).
    const statusCard = (c: { body: any }) => cardText(c.body.attachments?.[0]?.content).includes("Severity: SEV2");
    const posted = h.connector.sent().filter((c) => c.conversationId === CHANNEL && statusCard(c));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.method).toBe("POST");
    expect(cardText(posted[0]!.body.attachments[0].content)).toContain("INC-1 wifi down on the 3rd floor\nINVESTIGATING");

    const before = h.connector.sent().length;
    expect((await h.t.as("ana", "incident update 1 identified a failed switch on 3")).ok).toBe(true);
    await h.flush();
    const after = h.connector.sent().slice(before);
    const edits = after.filter((c) => c.method === "PUT" && statusCard(c));
    expect(edits).toHaveLength(1);
    expect(cardText(edits[0]!.body.attachments[0].content)).toContain("IDENTIFIED");
    expect(after.filter((c) => c.method === "POST" && statusCard(c))).toHaveLength(0);
    const dm = after.filter((c) => c.conversationId === PERSONAL).map((c) => cardText(c.body.attachments?.[0]?.content));
    expect(dm.some((t) => t.includes("Update on INC-1 (wifi down on the 3rd floor), identified: a failed switch on 3"))).toBe(true);

    expect((await h.t.as("ana", "incident resolve 1 replaced the switch")).ok).toBe(true);
    await h.flush();
    const last = h.connector
      .sent()
      .filter((c) => c.method === "PUT" && statusCard(c))
      .at(-1)!;
    expect(cardText(last.body.attachments[0].content)).toContain("RESOLVED");
    expect((await h.t.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status).toBe("resolved");
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });

  it("subscribing from a personal chat says to do it in a channel", async () => {
    const res = await h.post(
      recorded("20191021205338231-request-integrationBot.json", h.connector.url, {
        id: newId(),
        text: "incident subscribe",
        from: AGENT,
        conversation: { conversationType: "personal", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47", id: "a:agent-chat" },
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.stringify(h.connector.sent().at(-1)!.body)).toContain("in the Slack or Teams channel that should get status updates");
    expect(await h.t.db.selectFrom("status_channels").selectAll().execute()).toEqual([]);
  });
});
