import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ok, refused, capabilitiesOf, plainTicketRow, tempDbPath } from "../../helpers/desk.js";
import { indexPhrases } from "../../../src/capabilities/triage/duplicates.js";
import { similarOpenTickets } from "../../../src/capabilities/triage/repository.js";
import { openDatabase } from "../../../src/store/connection.js";
import { migrateToLatest } from "../../../src/store/migrate.js";
import { card, field, history, triageDesk } from "./helpers.js";

const caps = capabilitiesOf();

describe("triage: duplicates caught at the second ticket", () => {
  it("the second report's card says Looks like #1, and its requester is told they are not alone", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "wifi down on the 3rd floor -- no connection since 9"));
    ok(await d.as("dave", "3rd floor wifi down"));
    const v = await card(d, 2);
    expect(field(v, "Duplicate")).toMatch(/^Looks like #1 \(\d+% alike\)$/);
    expect(v.actions.filter((a) => a.verb === "link_duplicate" || a.verb === "not_duplicate").map((a) => a.label)).toEqual([
      "Link as duplicate of #1",
      "Not a duplicate",
    ]);
    expect(field(await card(d, 1), "Duplicates")).toBe("1 other report look like this one");
    const told = d.told.changes.find((c) => c.kind === "duplicate_suggested");
    expect(told?.snapshot.ticket.number).toBe(2);
    // Another requester's ticket: dave hears that others reported it, never carol's title or words.
    expect(told?.requesterMessage).toBe("You are not alone: others have reported the same problem. The desk is on it and you will hear here.");
    expect((await history(d, 2)).find((h) => h.field === "duplicate_of")).toMatchObject({ to: "#1", reason: expect.stringMatching(/^similarity \d+%$/) });
  });

  it("does not match unrelated or closed tickets, and finds an open one however old", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "printer on floor 2 is out of toner"));
    ok(await d.as("dave", "vpn certificate expired"));
    expect(field(await card(d, 2), "Duplicate")).toBeUndefined();
    // Labelled duplicates in real trackers arrive days or weeks apart: three weeks on, #1 is still the original.
    d.clock.advance(21 * 86_400_000);
    ok(await d.as("erin", "printer on floor 2 is out of toner again"));
    expect(field(await card(d, 3), "Duplicate")).toMatch(/^Looks like #1 \(\d+% alike\)$/);
    ok(await d.as("ana", "resolve 1 toner replaced"));
    ok(await d.as("ana", "resolve 3 toner replaced"));
    ok(await d.as("fay", "printer on floor 2 is out of toner"));
    expect(field(await card(d, 4), "Duplicate")).toBeUndefined();
  });

  it("near misses stay apart: a shared place, time or stop word is not a shared problem", async () => {
    const pairs: [string, string][] = [
      ["printer on 3rd floor jams", "wifi is down on the 3rd floor"],
      ["outlook crashes since this morning", "vpn drops since this morning"],
      ["monitor flickers in room 4", "projector has no sound in room 4"],
      ["laptop battery drains in an hour", "laptop screen is cracked"],
    ];
    for (const [first, second] of pairs) {
      const d = await triageDesk();
      ok(await d.as("carol", first));
      ok(await d.as("dave", second));
      expect(field(await card(d, 2), "Duplicate"), `${second} vs ${first}`).toBeUndefined();
    }
  });

  it("true rephrasings match", async () => {
    const pairs: [string, string][] = [
      ["wifi is down on the 3rd floor", "no wifi on 3rd floor since 9am"],
      ["printer on 3rd floor jams", "3rd floor printer keeps jamming"],
      ["outlook crashes when opening attachments", "Outlook crashed opening an attachment"],
      ["vpn disconnects every hour", "the VPN keeps disconnecting every hour or so"],
      // Joined words: found only when looked up as the full-text index spells them (indexPhrases).
      ["wi-fi gone", "no wi-fi at all"],
      ["dfs_replication ignored by balancer", "balancer ignores dfs_replication"],
    ];
    for (const [first, second] of pairs) {
      const d = await triageDesk();
      ok(await d.as("carol", first));
      ok(await d.as("dave", second));
      expect(field(await card(d, 2), "Duplicate"), `${second} vs ${first}`).toMatch(/^Looks like #1 \(\d+% alike\)$/);
    }
  });

  it("a word the requester hyphenated or underscored is looked up as the index spells it, its parts in a row", () => {
    expect(indexPhrases("The Wi-Fi and dfs_replication, not wifi")).toEqual(
      new Map([
        ["wifi", "wi fi"],
        ["dfsreplication", "dfs replication"],
      ]),
    );
  });

  it("among several open matches the closer and the newer ranks first, title words above body words", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", { kind: "create", title: "email", description: "shared mailbox for finance is not syncing" }));
    ok(await d.as("erin", { kind: "create", title: "finance shared mailbox not syncing", description: "since the migration" }));
    ok(await d.as("dave", { kind: "create", title: "finance shared mailbox stopped syncing", description: "" }));
    expect(field(await card(d, 3), "Duplicate")).toMatch(/^Looks like #2 \(\d+% alike\)$/);
  });

  it("links by the card's button; the duplicate shares the original's resolution and closes with it", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "wifi down on the 3rd floor"));
    ok(await d.as("dave", "wifi down 3rd floor again"));
    const link = caps.actionCommand("link_duplicate", 2)!;
    expect(link).toEqual({ kind: "capability", capability: "triage", verb: "link", number: 2 });
    expect(ok(await d.as("ana", link)).text).toBe("#2 is linked as a duplicate of #1; it will close with it.");
    expect(refused(await d.as("ana", link)).text).toBe("#2 is already linked to #1.");
    expect(field(await card(d, 2), "Duplicate")).toBe("Duplicate of #1; closes with it");
    expect(d.told.changes.find((c) => c.kind === "duplicate_linked")?.requesterMessage).toBe(
      "Your ticket is linked to #1, the same problem reported by others; you will hear here when it is fixed.",
    );

    ok(await d.as("ana", "resolve 1 access point rebooted"));
    const dup = (await d.desk.snapshot(2))!.ticket;
    expect(dup).toMatchObject({ status: "resolved", resolution: "Resolved with #1: access point rebooted" });
    const resolvedDup = d.told.changes.find((c) => c.kind === "resolved" && c.snapshot.ticket.number === 2);
    expect(resolvedDup?.comment).toEqual({ body: "Resolved with #1: access point rebooted", internal: false });
    ok(await d.as("ana", "close 1"));
    expect((await d.desk.snapshot(2))!.ticket.status).toBe("closed");
  });

  it("the original's public updates reach its duplicates' requesters; internal notes do not", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "wifi down on the 3rd floor"));
    ok(await d.as("dave", "wifi down 3rd floor again"));
    ok(await d.as("ana", caps.actionCommand("link_duplicate", 2)!));
    const toDave = () => d.told.changes.filter((c) => c.snapshot.ticket.number === 2 && c.kind === "original_update").map((c) => c.requesterMessage);
    ok(await d.as("ana", "claim 1"));
    ok(await d.as("ana", "comment 1 an engineer is on the way to the 3rd floor"));
    ok(await d.as("ana", "note 1 AP-3 firmware is old"));
    ok(await d.as("ana", "status 1 waiting"));
    // The original is carol's ticket: dave hears the desk's updates on it, never its title, nor carol's own words.
    ok(await d.as("carol", "comment 1 my manager says this cost us the client demo"));
    expect(toDave()).toEqual([
      "ana is working on #1, the report yours #2 joins.",
      "Update on #1, the report yours #2 joins: an engineer is on the way to the 3rd floor",
      "#1, the report yours #2 joins, is now waiting on requester.",
    ]);
    // Each shared update is on the duplicate's own trail.
    expect((await history(d, 2)).filter((h) => h.action === "duplicate_update").map((h) => h.reason)).toEqual(["claimed", "commented", "status"]);
  });

  it("Not a duplicate removes the suggestion; duplicate N of M links by hand", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "outlook crashes when opening attachments"));
    ok(await d.as("dave", "outlook crashes on attachments"));
    ok(await d.as("ana", caps.actionCommand("not_duplicate", 2)!));
    expect(field(await card(d, 2), "Duplicate")).toBeUndefined();
    expect((await history(d, 2)).some((h) => h.reason === "not a duplicate of #1 (agent)")).toBe(true);
    ok(await d.as("erin", "mail is slow"));
    expect(refused(await d.as("ana", "duplicate 3 of 3")).text).toBe("#3 cannot duplicate itself.");
    ok(await d.as("ana", "duplicate 3 of 1"));
    expect(field(await card(d, 3), "Duplicate")).toBe("Duplicate of #1; closes with it");
    expect(refused(await d.as("ana", "duplicate 9 of 1")).code).toBe("TICKET_NOT_FOUND");
  });

  it("thirty near-identical wifi reports in five minutes make one incident offer, not thirty", async () => {
    const d = await triageDesk();
    ok(await d.as("user0", "wifi down on the 3rd floor"));
    for (let i = 1; i < 30; i++) {
      d.clock.advance(10_000);
      ok(await d.as(`user${i}`, i % 2 ? "wifi is down on 3rd floor" : "3rd floor wifi down, no connection"));
    }
    const offers = d.told.changes.filter((c) => c.kind === "incident_offer");
    expect(offers).toHaveLength(1);
    expect(offers[0]!.snapshot.ticket.number).toBe(1);
    expect(offers[0]!.summary).toBe("Declare incident from #1 and its 5 duplicates");
    // Every later report points at the first, not at another duplicate.
    for (let n = 2; n <= 30; n++) expect(field(await card(d, n), "Duplicate")).toMatch(/^Looks like #1 \(\d+% alike\)$/);
    const v = await card(d, 1);
    expect(field(v, "Incident offer")).toBe("Declare incident from #1 and its 5 duplicates?");
    expect(field(v, "Duplicates")).toBe("29 other reports look like this one");
    const offer = v.actions.find((a) => a.verb === "declare_incident_offer")!;
    const answer = ok(await d.as("ana", caps.actionCommand(offer.verb, offer.ticketId)!));
    expect(answer.text).toMatch(/^Declared INC-?\d+ .* from #1\. 29 duplicates of #1 joined it\.$/);
    const after = await card(d, 1);
    expect(field(after, "Incident offer")).toBeUndefined();
    expect(after.actions.some((a) => a.verb === "declare_incident_offer")).toBe(false);
    expect(field(after, "Incident")).toMatch(/^INC-?\d+ wifi down on the 3rd floor/);
    expect(refused(await d.as("ana", caps.actionCommand(offer.verb, offer.ticketId)!)).text).toBe("The incident from #1 was already declared.");
    const extras = (await d.desk.snapshot(30))!.extras as Record<string, unknown>;
    expect(extras.incidents).toBeTruthy();
  });

  it("spread-out reports make no offer", async () => {
    const d = await triageDesk();
    for (let i = 0; i < 8; i++) {
      ok(await d.as(`user${i}`, "wifi down on the 3rd floor"));
      d.clock.advance(5 * 60_000);
    }
    expect(d.told.kinds().filter((k) => k === "incident_offer")).toHaveLength(0);
  });

  it("the open-ticket index follows a ticket out when it is resolved, back when it is reopened, and to its new words", async () => {
    const d = await triageDesk();
    const open = async (word: string) =>
      (await sql<{ rowid: number }>`SELECT rowid FROM triage_open_fts WHERE triage_open_fts MATCH ${word} ORDER BY rowid`.execute(d.db)).rows.map(
        (r) => r.rowid,
      );
    ok(await d.as("carol", "wifi down on the 3rd floor"));
    ok(await d.as("dave", "printer jams"));
    ok(await d.as("ana", "claim 1"));
    expect(await open("wifi")).toEqual([1]);
    ok(await d.as("ana", "resolve 1 access point rebooted"));
    expect(await open("wifi")).toEqual([]);
    ok(await d.as("carol", "reopen 1 still no connection"));
    expect(await open("wifi")).toEqual([1]);
    await sql`UPDATE tickets SET title = 'badge reader broken' WHERE id = 1`.execute(d.db);
    expect(await open("wifi")).toEqual([]);
    expect(await open("badge")).toEqual([1]);
    const entries = (await sql<{ n: number }>`SELECT count(*) AS n FROM triage_open_fts`.execute(d.db)).rows[0]!.n;
    expect(entries).toBe(2);
    // A second report of the reopened ticket's new subject is caught against it.
    ok(await d.as("erin", "badge reader broken at the door"));
    expect(field(await card(d, 3), "Duplicate")).toMatch(/^Looks like #1 \(\d+% alike\)$/);
  });
});

describe("triage: the duplicate search over a long open queue", () => {
  // Words held by more open tickets than the search reads at once (POSTINGS_BUDGET) leave bm25 to the rarer
  // words, and the newest tickets holding them are compared as well: both kinds of match must still be found.
  /** A desk's tables holding `titles` as open tickets #1, #2...; then searches for a new one opened after them. */
  async function searchAfter(titles: string[], title: string) {
    const { db } = openDatabase(tempDbPath());
    await migrateToLatest(db);
    await db.insertInto("people").values({ platform: "test", user_id: "u", display_name: "u", email: null, tz: null, created_at: 0 }).execute();
    for (const [i, t] of [...titles, title].entries()) await db.insertInto("tickets").values(plainTicketRow(t, i)).execute();
    const id = titles.length + 1;
    const found = await similarOpenTickets(db, id, title, "", id);
    await db.destroy();
    return { id, found };
  }
  const busy = (n: number) => Array.from({ length: n }, (_, i) => `laptop slow after update on floor ${i % 9} desk ${i}`);

  it("an old ticket that shares a rare word is found behind hundreds that share only the common ones", async () => {
    const { found } = await searchAfter(
      ["outlook crashes opening calendar attachment", ...busy(900)],
      "outlook crashes when opening a calendar attachment on my laptop after update",
    );
    expect(found[0]?.id).toBe(1);
  });

  it("a burst sharing only common words meets its newest reports", async () => {
    const { id, found } = await searchAfter(busy(900), "laptop slow after update");
    // Every one alike; the newest ranks first, and none is the ticket itself.
    expect(found[0]?.id).toBe(900);
    expect(found[0]!.similarity).toBeGreaterThan(0.5);
    expect(found.map((c) => c.id)).not.toContain(id);
  });
});
