// The duplicate buttons on a real Teams card: Bot Framework activities through the Teams adapter, an
// Action.Execute invoke for the button, and every card checked against the Adaptive Card schema.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { personalMessage, ticketWithCard } from "../../teams/flows.js";
import { AGENT, cardText, executeInvoke, harness, type Harness } from "../../teams/harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const sentCardsText = () =>
  h.connector
    .sent()
    .flatMap((c) => (c.body?.attachments ?? []) as { content: unknown }[])
    .map((a) => cardText(a.content))
    .join("\n");

describe("triage on the Teams card", () => {
  it("the second report's card says Looks like #1; Link as duplicate links it and answers with the refreshed card", async () => {
    await ticketWithCard(h, "wifi down on the 3rd floor");
    await personalMessage(h, "3rd floor wifi is down");
    await h.flush();
    const drawn = sentCardsText();
    expect(drawn).toMatch(/Looks like #1 \(\d+% alike\)/);
    const cards = JSON.stringify(h.connector.sent().flatMap((c) => c.body?.attachments ?? []));
    expect(cards).toContain('"title":"Link as duplicate of #1"');
    expect(cards).toContain('"verb":"link_duplicate"');
    expect(cards).toContain('"title":"Not a duplicate"');
    expect(drawn).toContain("You are not alone");

    const res = await h.post(executeInvoke(h, AGENT, "link_duplicate", { verb: "link_duplicate", ticketId: 2 }));
    expect(res.status).toBe(200);
    expect(cardText(res.body.value)).toContain("Duplicate of #1; closes with it");
    const dup = await h.t.db
      .selectFrom("triage_duplicates" as never)
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(dup).toMatchObject({ ticket_id: 2, original_id: 1, state: "linked" });
    await h.flush();
    expect(h.checkSentCards()).toBeGreaterThan(0);
  });
});
