// Reminders, escalation and the end of temporary access, driven by a ManualClock and the durable
// scheduler: each fires once, also across a restart (a new scheduler on the same database).
import { afterEach, describe, expect, it } from "vitest";
import { ApprovalScheduler } from "../../../src/capabilities/approvals/timers.js";
import type { Notifier, TicketChange } from "../../../src/core/notify.js";
import { timersOf } from "../../../src/capabilities/approvals/repository.js";
import { auditOfTicket } from "../../../src/store/audit.js";
import { ok, refused, type TestDesk } from "../../helpers/desk.js";
import { HOUR, accessRequest, approvalDesk } from "./setup.js";

let t: TestDesk;
afterEach(async () => t?.db.destroy());

const actions = async (n: number) => (await auditOfTicket(t.db, n)).map((e) => e.action);

/** Records every change the desk announces (what notifiers would plan from). */
function recorder(): { changes: TicketChange[]; notifier: Notifier } {
  const changes: TicketChange[] = [];
  return { changes, notifier: { plan: (c) => (changes.push(c), []) } };
}

describe("approval timers", () => {
  it("reminds the approvers who have not answered once, then escalates to the lead, whose decision settles it", async () => {
    t = await approvalDesk("all");
    const rec = recorder();
    t.desk.addNotifier(rec.notifier);
    const n = await accessRequest(t);
    ok(await t.as("ana", `approve ${n}`));
    const scheduler = new ApprovalScheduler(t.desk, t.clock);
    expect(await scheduler.catchUp()).toBe(0);

    t.clock.advance(4 * HOUR - 1);
    expect(await scheduler.tick()).toBe(0);
    t.clock.advance(1);
    expect(await scheduler.tick()).toBe(1);
    const reminder = rec.changes.find((c) => c.kind === "approval_reminder")!;
    expect(reminder.summary).toMatch(/^Reminder: #\d+ "Access to the finance share" has waited 4 h/);
    expect(reminder.summary).toContain("for your approval (console:bob, console:carl)");
    expect(await scheduler.tick()).toBe(0);
    // A restart: a new scheduler on the same database does not remind again.
    expect(await new ApprovalScheduler(t.desk, t.clock).catchUp()).toBe(0);
    expect((await actions(n)).filter((a) => a === "approval_reminder")).toHaveLength(1);

    t.clock.advance(20 * HOUR);
    expect(await scheduler.tick()).toBe(1);
    const escalated = rec.changes.find((c) => c.kind === "approval_escalated")!;
    expect(escalated.summary).toContain("it goes to the leads (console:lee)");
    expect(await new ApprovalScheduler(t.desk, t.clock).catchUp()).toBe(0);
    expect((await actions(n)).filter((a) => a === "approval_escalated")).toHaveLength(1);
    expect((await timersOf(t.db, n)).every((x) => x.fired_at !== null)).toBe(true);

    expect(ok(await t.as("lee", "approvals")).list!.map((s) => s.ticket.number)).toEqual([n]);
    expect(ok(await t.as("lee", `approve ${n}`)).text).toContain("as lead");
    expect((await t.desk.snapshot(n))!.ticket.status).not.toBe("awaiting_approval");
  });

  it("catches up at start on what fell due while the desk was down: the reminder, then the escalation, once each", async () => {
    t = await approvalDesk("any");
    const n = await accessRequest(t);
    t.clock.advance(30 * HOUR);
    expect(await new ApprovalScheduler(t.desk, t.clock).catchUp()).toBe(2);
    const fired = (await actions(n)).filter((a) => a === "approval_reminder" || a === "approval_escalated");
    expect(fired).toEqual(["approval_reminder", "approval_escalated"]);
    expect(await new ApprovalScheduler(t.desk, t.clock).catchUp()).toBe(0);
  });

  it("a decided request is not reminded", async () => {
    t = await approvalDesk("any");
    const n = await accessRequest(t);
    ok(await t.as("ana", `approve ${n}`));
    t.clock.advance(30 * HOUR);
    await new ApprovalScheduler(t.desk, t.clock).catchUp();
    expect(await actions(n)).not.toContain("approval_reminder");
    expect(await actions(n)).not.toContain("approval_escalated");
  });

  it("temporary access: the assignee is reminded when it ends, and the ticket cannot resolve or close until revoked", async () => {
    t = await approvalDesk("any");
    const rec = recorder();
    t.desk.addNotifier(rec.notifier);
    const n = await accessRequest(t, { accessUntil: "2026-11-27" });
    ok(await t.as("ana", `approve ${n}`));
    ok(await t.as("bob", `claim ${n}`));
    const refusal = `#${n} cannot be closed yet: its temporary access runs until 2026-11-28 00:00 UTC and nobody has confirmed it revoked. Revoke the access, then say: revoked ${n}. Nothing was changed.`;
    expect(refused(await t.as("bob", `close ${n}`)).text).toBe(refusal);
    expect(refused(await t.as("bob", `resolve ${n} access given`)).text).toMatch(/cannot be resolved yet/);
    expect(refused(await t.as("rita", `close ${n}`)).text).toBe(refusal);
    expect((await t.desk.snapshot(n))!.ticket.status).toBe("in_progress");

    const scheduler = new ApprovalScheduler(t.desk, t.clock);
    await scheduler.catchUp();
    t.clock.set(Date.UTC(2026, 10, 28, 0, 0));
    // The reminder and escalation of the (decided) request fire silently; the end of access is told.
    await scheduler.tick();
    const expired = rec.changes.filter((c) => c.kind === "access_expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]!.summary).toContain("bob, please revoke it");
    expect(expired[0]!.alsoTell?.people).toEqual([{ platform: "console", userId: "bob" }]);
    expect(refused(await t.as("bob", `close ${n}`)).text).toMatch(/ended at 2026-11-28 00:00 UTC/);
    await new ApprovalScheduler(t.desk, t.clock).catchUp();
    expect(rec.changes.filter((c) => c.kind === "access_expired")).toHaveLength(1);

    expect(ok(await t.as("bob", `revoked ${n}`)).text).toContain("can now be resolved and closed");
    expect(refused(await t.as("bob", `revoked ${n}`)).text).toBe(`#${n}'s access was already confirmed revoked by bob; nothing was changed.`);
    ok(await t.as("bob", `resolve ${n} access given and taken back`));
    ok(await t.as("bob", `close ${n}`));
    expect(await actions(n)).toEqual(expect.arrayContaining(["access_expired", "access_revoked"]));
  });

  it("grant N until <date> records access on an approved ticket; bad dates and unapproved tickets are refused", async () => {
    t = await approvalDesk("any");
    const n = await accessRequest(t);
    expect(refused(await t.as("bob", `grant ${n} until 2026-12-01`)).text).toBe(
      `#${n} is not approved (pending); access can be granted once it is. Nothing was changed.`,
    );
    ok(await t.as("ana", `approve ${n}`));
    expect(refused(await t.as("bob", `grant ${n} until 2026-11-01`)).text).toMatch(/already passed/);
    expect(refused(await t.as("bob", `grant ${n} until someday`)).text).toMatch(/is not a date/);
    expect(refused(await t.as("rita", `grant ${n} until 2026-12-01`)).code).toBe("FORBIDDEN");
    expect(ok(await t.as("bob", `grant ${n} until 2026-12-01`)).text).toContain("until 2026-12-02 00:00 UTC");
    expect(refused(await t.as("bob", `close ${n}`)).text).toMatch(/runs until/);
    ok(await t.as("bob", `revoked ${n}`));
    ok(await t.as("bob", `close ${n}`));
  });
});
