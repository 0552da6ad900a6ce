import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../../adapters/console/console.js";
import type { Notifier } from "../../../src/core/notify.js";
import { ticketView } from "../../../src/core/views.js";
import { resolveWithArticleCommand } from "../../../src/capabilities/knowledge/form.js";
import { counts, makeDesk, ok, refused, capabilitiesOf } from "../../helpers/desk.js";

const caps = capabilitiesOf();

const recorder: Notifier = {
  plan: (c) =>
    c.requesterMessage
      ? [
          {
            platform: "test",
            kind: "requester",
            target: c.snapshot.requester.userId,
            payload: { text: c.requesterMessage, actions: c.requesterActions ?? [] },
            key: "r",
          },
        ]
      : [],
};

async function withArticle() {
  const d = await makeDesk({ notifiers: [recorder] });
  ok(await d.as("ana", "kb new VPN drops every few minutes -- Update the VPN client to 5.2 and turn off wifi power saving. #vpn #network"));
  return d;
}

describe("knowledge base", () => {
  it("agents write articles, anyone searches them", async () => {
    const d = await withArticle();
    const found = ok(await d.as("carol", "kb vpn drops"));
    expect(found.text).toMatch(/^1 article for "vpn drops":\n  KB-1 VPN drops every few minutes: Update the VPN client/);
    expect(ok(await d.as("carol", "kb printer toner")).text).toBe('No article matches "printer toner".');
    expect(refused(await d.as("carol", "kb new Mine -- my article")).text).toBe("Only agents can write articles; you are a requester.");
    const row = await d.db.selectFrom("articles").selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(row.tags)).toEqual(["vpn", "network"]);
  });

  it("turns a resolution into an article", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "Outlook asks for the password again and again -- since this morning"));
    expect(refused(await d.as("ana", "kb from 1")).text).toBe("#1 has no resolution yet; resolve it first.");
    ok(await d.as("ana", "resolve 1 Removed the stale credential from Windows Credential Manager"));
    expect(ok(await d.as("ana", "kb from 1")).text).toBe("Saved KB-1 Outlook asks for the password again and again from #1.");
    const a = await d.db.selectFrom("articles").selectAll().executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      source_ticket_id: 1,
      body: "since this morning\n\n**Resolution:** Removed the stale credential from Windows Credential Manager",
    });
    expect(ok(await d.as("ana", "kb from 1 Outlook password loop -- Clear the Outlook entries in Credential Manager.")).text).toBe(
      "Saved KB-2 Outlook password loop from #1.",
    );
  });

  it("Resolve + Save as article is one command in one transaction: an article that cannot be saved leaves the ticket open", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "Outlook asks for the password again and again -- since this morning"));
    const article = { title: "Outlook password loop", body: "since this morning\n\n**Resolution:** ", tags: ["outlook"], category: null };
    // Refused inside the transaction (an empty title), after the resolve step ran: both are undone.
    expect(refused(await d.as("ana", resolveWithArticleCommand(1, "Cleared Credential Manager", { ...article, title: "" }))).text).toBe(
      "The article needs a title.",
    );
    expect(await d.db.selectFrom("tickets").select(["status", "resolution"]).executeTakeFirstOrThrow()).toEqual({ status: "new", resolution: null });
    expect(await d.db.selectFrom("articles").selectAll().execute()).toEqual([]);
    const done = ok(await d.as("ana", resolveWithArticleCommand(1, "Cleared Credential Manager", article)));
    expect(done.text.split("\n").at(-1)).toBe("Saved KB-1 Outlook password loop from #1.");
    expect(await d.db.selectFrom("tickets").select(["status", "resolution"]).executeTakeFirstOrThrow()).toEqual({
      status: "resolved",
      resolution: "Cleared Credential Manager",
    });
    expect(await d.db.selectFrom("articles").select(["title", "body", "source_ticket_id"]).executeTakeFirstOrThrow()).toEqual({
      title: "Outlook password loop",
      body: "since this morning\n\n**Resolution:** Cleared Credential Manager",
      source_ticket_id: 1,
    });
    // A requester may not resolve-and-publish: refused as a whole, nothing changed.
    ok(await d.as("carol", "printer jams"));
    expect(refused(await d.as("carol", resolveWithArticleCommand(2, "fixed", article))).text).toMatch(/^Only agents can write articles/);
    expect((await d.db.selectFrom("tickets").select("status").where("id", "=", 2).executeTakeFirstOrThrow()).status).toBe("new");
  });

  it("offers a matching article at intake; Solved it closes the ticket as self-served and counts a deflection", async () => {
    const d = await withArticle();
    const created = ok(await d.as("carol", "my VPN drops every few minutes at home"));
    expect(created.text).toContain("This may help: KB-1 VPN drops every few minutes: Update the VPN client to 5.2");
    const [msg] = await d.db.selectFrom("outbox").selectAll().where("kind", "=", "requester").execute();
    const payload = JSON.parse(msg!.payload);
    expect(payload.actions.map((a: { label: string }) => a.label)).toEqual(["Solved it", "Still need help"]);
    // Agents see what was offered on the card.
    expect(ticketView((await d.desk.snapshot(1))!).fields).toContainEqual({ label: "Offered", value: "KB-1 VPN drops every few minutes (no answer yet)" });
    // The requester clicks Solved it: the button's verb runs through actionCommand, as every adapter does.
    const click = caps.actionCommand(payload.actions[0].verb, payload.actions[0].ticketId)!;
    expect(ok(await d.as("carol", click)).text).toBe("Glad it helped: #1 is closed. If it comes back, reopen it.");
    expect((await d.desk.snapshot(1))!.ticket).toMatchObject({ status: "closed", resolution: "Self-served with KB-1 VPN drops every few minutes" });
    expect(ok(await d.as("ana", "kb show 1")).text).toMatch(/offered 1 · solved 1 · not solved 0/);
    expect(refused(await d.as("carol", click)).text).toBe("#1 has no article waiting for an answer.");
  });

  it("Still need help carries on and is counted", async () => {
    const d = await withArticle();
    ok(await d.as("carol", "vpn drops every few minutes"));
    expect(ok(await d.as("carol", caps.actionCommand("kb_not_solved", 1)!)).text).toBe("Understood: #1 stays with the agents.");
    expect((await d.desk.snapshot(1))!.ticket.status).toBe("new");
    expect(ticketView((await d.desk.snapshot(1))!).fields).toContainEqual({ label: "Offered", value: "KB-1 VPN drops every few minutes (still needs help)" });
    expect(ok(await d.as("ana", "kb show KB-1")).text).toMatch(/offered 1 · solved 0 · not solved 1/);
  });

  it("offers nothing when nothing matches, and nothing to agents opening tickets", async () => {
    const d = await withArticle();
    ok(await d.as("carol", "printer out of toner"));
    ok(await d.as("bob", "vpn drops every few minutes for the finance team"));
    expect((await counts(d.db)).outbox).toBe(0);
    expect(await d.db.selectFrom("article_offers").selectAll().execute()).toEqual([]);
  });

  it("lists stale articles for their owners", async () => {
    const d = await withArticle();
    expect(ok(await d.as("ana", "kb stale")).text).toBe("No article has gone 180 days without a review.");
    d.clock.advance(181 * 86_400_000);
    expect(ok(await d.as("ana", "kb stale")).text).toMatch(
      /^1 article not reviewed in 180 days \(1 of them yours\):\n  KB-1 VPN drops every few minutes · reviewed \d{4}-\d\d-\d\d · yours$/,
    );
    ok(await d.as("ana", "kb review 1"));
    expect(ok(await d.as("ana", "kb stale")).text).toBe("No article has gone 180 days without a review.");
  });

  it("works from the console, with clear answers to bad input", async () => {
    const d = await withArticle();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c) => (printed += c));
    const done = runConsole(d.desk, { input, output, interactive: false, user: "carol" });
    input.end(["vpn drops every few minutes", "kb solved 1", "kb show 99", "as @ana", "kb new no separator here", ""].join("\n"));
    await done;
    expect(printed).toContain("This may help: KB-1");
    expect(printed).toContain("Glad it helped: #1 is closed.");
    expect(printed).toContain("! There is no article KB-99.");
    expect(printed).toContain('! Write the title, then " -- ", then the body');
  });
});
