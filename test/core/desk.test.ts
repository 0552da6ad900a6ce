import { chmodSync } from "node:fs";
import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { Desk } from "../../src/core/desk.js";
import type { Notifier } from "../../src/core/notify.js";
import { auditOfTicket } from "../../src/store/audit.js";
import { openDatabase } from "../../src/store/connection.js";
import { counts, exampleSettings, makeDesk, ok, refused } from "../helpers/desk.js";

describe("creating tickets", () => {
  it("numbers tickets #1, #2 and sets priority from the matrix", async () => {
    const { as } = await makeDesk();
    const a = ok(await as("carol", "/ticket printer on 3rd floor jams"));
    expect(a.snapshot?.ticket).toMatchObject({
      number: 1,
      status: "new",
      priority: "P3",
      impact: "medium",
      urgency: "medium",
      type: "incident",
      assigneeId: null,
    });
    const b = ok(await as("carol", { kind: "create", title: "CEO cannot email", impact: "high", urgency: "high", service: "Email", category: "Access" }));
    expect(b.snapshot?.ticket).toMatchObject({ number: 2, priority: "P1", team: "Service Desk", category: "Access", service: "Email" });
    expect(b.text).toMatch(/^Opened #2 \[P1 new\] CEO cannot email/);
  });

  it("records the source with its link back", async () => {
    const { as } = await makeDesk();
    const t = ok(
      await as("carol", {
        kind: "create",
        title: "from a message",
        source: { kind: "slack", link: "https://example.slack.com/archives/C1/p1", ref: "C1:1.2" },
      }),
    );
    expect(t.snapshot?.ticket.source).toEqual({ kind: "slack", link: "https://example.slack.com/archives/C1/p1", ref: "C1:1.2" });
  });

  it.each([
    [{ kind: "create", title: "   " }, /needs a title/],
    [{ kind: "create", title: "x".repeat(151) }, /151 characters; keep it to 150/],
    [{ kind: "create", title: "ok", description: "d".repeat(3001) }, /3001 characters; keep it to 3000/],
    [{ kind: "create", title: "ok", category: "Plumbing" }, /no category "Plumbing"/],
  ] as const)("refuses bad input %# and leaves the database unchanged", async (command, message) => {
    const { as, db } = await makeDesk();
    ok(await as("carol", "a ticket that exists"));
    const before = await counts(db);
    const r = refused(await as("carol", command as never));
    expect(r.code).toBe("INVALID_INPUT");
    expect(r.text).toMatch(message);
    expect(await counts(db)).toEqual(before);
  });
});

describe("working a ticket", () => {
  it("claim, priority, status, comment, note, resolve, close, reopen", async () => {
    const { as, clock } = await makeDesk();
    ok(await as("carol", "wifi down on 3rd floor"));
    clock.advance(60_000);
    const claimed = ok(await as("ana", "claim 1"));
    expect(claimed.snapshot?.ticket).toMatchObject({ status: "in_progress", assigneeId: claimed.snapshot?.assignee?.id, firstResponseAt: clock.now() });
    expect(ok(await as("ana", "priority 1 P2")).snapshot?.ticket.priority).toBe("P2");
    expect(ok(await as("ana", "status 1 waiting")).snapshot?.ticket.status).toBe("waiting");
    // The requester answering puts the ticket back in progress.
    expect(ok(await as("carol", "comment 1 it is the whole floor")).snapshot?.ticket.status).toBe("in_progress");
    ok(await as("ana", "note 1 AP-3 is rebooting"));
    const resolved = ok(await as("ana", "resolve 1 rebooted the access point"));
    expect(resolved.snapshot?.ticket).toMatchObject({ status: "resolved", resolution: "rebooted the access point", resolvedAt: clock.now() });
    expect(ok(await as("carol", "close 1")).snapshot?.ticket.status).toBe("closed");
    const reopened = ok(await as("carol", "reopen 1 it dropped again"));
    expect(reopened.snapshot?.ticket).toMatchObject({ status: "in_progress", resolvedAt: null, closedAt: null });
  });

  it("assigns to a configured agent, even before they have spoken", async () => {
    const { as } = await makeDesk();
    ok(await as("carol", "monitor flickers"));
    const r = ok(await as("operator", "assign 1 @bob"));
    expect(r.snapshot?.assignee?.userId).toBe("bob");
    expect(r.snapshot?.ticket.status).toBe("triaged");
  });

  it("refuses an unknown person and a requester as assignee", async () => {
    const { as, db } = await makeDesk();
    ok(await as("carol", "monitor flickers"));
    ok(await as("dave", "my own ticket"));
    const before = await counts(db);
    expect(refused(await as("ana", "assign 1 @nobody"))).toMatchObject({
      code: "PERSON_NOT_FOUND",
      text: "I don't know @nobody. Assign to an agent of the desk.",
    });
    expect(refused(await as("ana", "assign 1 @dave")).text).toBe("dave is not an agent, so cannot be assigned tickets.");
    expect(await counts(db)).toEqual(before);
  });

  it("answers an unknown ticket number", async () => {
    const { as } = await makeDesk();
    expect(refused(await as("ana", "claim 41"))).toEqual({ ok: false, code: "TICKET_NOT_FOUND", text: "There is no ticket #41." });
  });

  it("refuses what the lifecycle refuses, with the way forward, changing nothing", async () => {
    const { as, db } = await makeDesk();
    ok(await as("carol", "keyboard sticky"));
    ok(await as("ana", "resolve 1 cleaned it"));
    ok(await as("ana", "close 1"));
    const before = await counts(db);
    expect(refused(await as("ana", "claim 1")).text).toBe("#1 is closed; reopen it first: reopen 1 <why>.");
    expect(refused(await as("ana", "status 1 in_progress")).text).toBe("#1 is closed; reopen it first: reopen 1 <why>.");
    expect(refused(await as("ana", "comment 1 hello")).code).toBe("INVALID_TRANSITION");
    expect(refused(await as("ana", "close 1")).text).toBe("#1 is already closed.");
    expect(refused(await as("ana", "status 1 new")).code).toBe("INVALID_TRANSITION");
    expect(await counts(db)).toEqual(before);
    ok(await as("ana", "reopen 1 came back"));
    expect(refused(await as("ana", "reopen 1 again")).text).toMatch(/nothing to reopen/);
    expect(refused(await as("ana", "status 1 resolved")).text).toBe("Say how #1 was resolved: resolve 1 <resolution>.");
  });

  it("keeps agents-only actions from requesters, naming the role needed", async () => {
    const { as, db } = await makeDesk();
    ok(await as("carol", "scanner offline"));
    ok(await as("dave", "dave's ticket"));
    const before = await counts(db);
    for (const [cmd, text] of [
      ["claim 1", "Only agents can claim tickets; you are a requester."],
      ["assign 1 @ana", "Only agents can assign tickets; you are a requester."],
      ["priority 1 P1", "Only agents can change a ticket's priority; you are a requester."],
      ["status 1 waiting", "Only agents can change a ticket's status; you are a requester."],
      ["note 1 psst", "Only agents can add internal notes; you are a requester."],
      ["resolve 1 fixed", "Only agents can resolve tickets; you are a requester."],
      ["close 2", "Only agents can close other people's tickets; you are a requester."],
      ["comment 2 me too", "Only agents can comment on other people's tickets; you are a requester."],
      ["show 2", "#2 is someone else's ticket; only agents can see it."],
      ["history 2", "#2 is someone else's ticket; only agents can see it."],
      ["list queue", "Only agents can list the queue; you are a requester. Try: list mine."],
    ]) {
      const r = refused(await as("carol", cmd!));
      expect(r.code).toBe("FORBIDDEN");
      expect(r.text).toBe(text);
    }
    expect(await counts(db)).toEqual(before);
    // What a requester may do with their own ticket.
    ok(await as("carol", "comment 1 it beeps"));
    ok(await as("carol", "close 1"));
    ok(await as("carol", "reopen 1 still beeps"));
  });

  it("lists by scope and searches", async () => {
    const { as } = await makeDesk();
    ok(await as("carol", "wifi down in the lobby"));
    ok(await as("dave", "printer out of toner"));
    ok(await as("ana", "claim 2"));
    expect(ok(await as("carol", "list")).list?.map((s) => s.ticket.number)).toEqual([1]);
    expect(ok(await as("ana", "list queue")).list?.map((s) => s.ticket.number)).toEqual([1]);
    expect(ok(await as("ana", "list mine")).list?.map((s) => s.ticket.number)).toEqual([2]);
    expect(ok(await as("ana", "list open")).list?.map((s) => s.ticket.number)).toEqual([1, 2]);
    expect(ok(await as("ana", "search wifi")).list?.map((s) => s.ticket.number)).toEqual([1]);
    expect(ok(await as("dave", "search wifi")).text).toBe('No tickets match "wifi".');
    expect(ok(await as("ana", 'search "AND ( NEAR')).text).toMatch(/No tickets match/);
  });
});

describe("audit trail", () => {
  it("writes one event per changed field, with who, when, platform, from and to", async () => {
    const { as, db, clock } = await makeDesk();
    ok(await as("carol", "laptop will not charge"));
    clock.advance(1000);
    ok(await as("ana", "claim 1"));
    ok(await as("ana", "priority 1 P1"));
    const events = await auditOfTicket(db, 1);
    expect(events.map((e) => [e.action, e.field, e.from_value, e.to_value, e.actor_name, e.platform])).toEqual([
      ["create", "status", null, "new", "carol", "console"],
      // "laptop" matches Hardware's keywords: triage sets the category and its team on arrival.
      ["triaged", "category", null, "Hardware", "carol", "console"],
      ["triaged", "team", null, "Service Desk", "carol", "console"],
      ["claimed", "status", "new", "in_progress", "ana", "console"],
      ["claimed", "assignee", null, "console:ana", "ana", "console"],
      ["priority", "priority", "P3", "P1", "ana", "console"],
    ]);
    expect(events[3]!.at).toBe(clock.now());
    const h = ok(await as("ana", "history 1"));
    // Read by people: a heading, then one line a step (triage's two fields on one, the claim's two on one), in words.
    expect(h.text.split("\n")).toHaveLength(5);
    expect(h.text).toMatch(/Triage put it in Hardware: team Service Desk \(rule: keyword "laptop"\)\n/);
    expect(h.text).toMatch(/ana claimed it: status new -> in progress, assignee ana\n/);
    expect(h.text).toMatch(/ana changed the priority: priority P3 -> P1$/);
  });

  it("rolls back the change and its audit event together when the transaction fails", async () => {
    const exploding: Notifier = {
      plan(change) {
        if (change.kind === "claimed") throw new Error("boom");
        return [];
      },
    };
    const { as, db } = await makeDesk({ notifiers: [exploding] });
    ok(await as("carol", "phone dead"));
    const before = await counts(db);
    // A failure that is not one of the desk's refusals fails the command alone, answered (test/core/hook-failures.test.ts).
    expect(await as("ana", "claim 1")).toMatchObject({ ok: false, code: "COMMAND_FAILED" });
    expect(await counts(db)).toEqual(before);
    const t = await db.selectFrom("tickets").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
    expect(t.status).toBe("new");
    expect(t.assignee_id).toBeNull();
  });
});

describe("notifications and redelivery", () => {
  const recorder: Notifier = { plan: (change) => [{ platform: "test", kind: "said", target: "t", payload: { summary: change.summary }, key: "said" }] };

  it("draws for notifiers only the capabilities' extras they say they read", async () => {
    const seen: Record<string, string[]> = {};
    const reading = (name: string, extras?: string[]): Notifier => ({
      ...(extras ? { extras } : {}),
      plan: (change) => ((seen[name] = Object.keys(change.snapshot.extras ?? {}).sort()), []),
    });
    const { as } = await makeDesk({ sla: true, notifiers: [reading("none", []), reading("triage", ["triage"])] });
    ok(await as("carol", "printer jams on floor 3"));
    expect(seen).toEqual({ none: ["triage"], triage: ["triage"] });
    const all = await makeDesk({ sla: true, notifiers: [reading("undeclared")] });
    ok(await all.as("carol", "printer jams on floor 3"));
    // One that says nothing is given every capability's extras, as before the declaration existed.
    expect(seen.undeclared).toEqual(expect.arrayContaining(["sla", "triage"]));
    expect(seen.undeclared!.length).toBeGreaterThan(2);
  });

  it("queues the notifiers' messages in the change's transaction", async () => {
    const { as, db } = await makeDesk({ notifiers: [recorder] });
    ok(await as("carol", "badge reader broken"));
    ok(await as("ana", "claim 1"));
    const rows = await db.selectFrom("outbox").selectAll().orderBy("id").execute();
    expect(rows.map((r) => JSON.parse(r.payload).summary)).toEqual(["carol opened #1: badge reader broken", "ana claimed #1"]);
  });

  it("a command redelivered with the same key acts once and answers the same", async () => {
    const { desk, db } = await makeDesk({ notifiers: [recorder] });
    const env = { actor: { platform: "console", userId: "carol" }, command: { kind: "create" as const, title: "retried" }, idempotencyKey: "slack:cmd:abc" };
    const [a, b] = await Promise.all([desk.handle(env), desk.handle(env)]);
    const c = await desk.handle(env);
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect((await counts(db)).tickets).toBe(1);
    expect((await counts(db)).outbox).toBe(1);
  });
});

describe("storage failures", () => {
  it("answers a locked database clearly and changes nothing", async () => {
    const { as, path, db } = await makeDesk();
    ok(await as("carol", "first"));
    const locker = new SQLite(path, { timeout: 10 });
    locker.exec("BEGIN IMMEDIATE");
    const { db: busy } = openDatabase(path, { busyTimeoutMs: 50 });
    const desk = new Desk({ db: busy, clock: new ManualClock(0), settings: exampleSettings() });
    const r = await desk.handle({ actor: { platform: "console", userId: "carol" }, command: { kind: "create", title: "second" } });
    expect(r).toMatchObject({ ok: false, code: "STORAGE_UNAVAILABLE" });
    expect(!r.ok && r.text).toMatch(/^Nothing was changed: the database is locked by another process; try again in a moment\.$/);
    locker.exec("ROLLBACK");
    locker.close();
    expect((await counts(db)).tickets).toBe(1);
  });

  it("answers a read-only database clearly", async () => {
    if (process.getuid?.() === 0) {
      // root ignores file permissions, so open read-only the way a mounted read-only volume behaves
      const { as, path } = await makeDesk();
      ok(await as("carol", "first"));
      const { db: ro } = openDatabase(path, { readonly: true });
      const desk = new Desk({ db: ro, clock: new ManualClock(0), settings: exampleSettings() });
      const r = await desk.handle({ actor: { platform: "console", userId: "carol" }, command: { kind: "create", title: "second" } });
      expect(r).toMatchObject({ ok: false, code: "STORAGE_UNAVAILABLE" });
      expect(!r.ok && r.text).toMatch(/read-only/);
      return;
    }
    const { as, path } = await makeDesk();
    ok(await as("carol", "first"));
    chmodSync(path, 0o444);
    expect(() => openDatabase(path)).toThrow(/read-only/);
  });
});
