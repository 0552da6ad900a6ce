// Approvals through the real Bolt app against the fake Slack Web API (every call and Block Kit view
// validated): the form asks a change for its details, approvers get cards in their DMs, Reject asks for a
// reason in a modal, the cards update in place, the requester is told, and bad clicks change nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvalsHooks } from "../../src/capabilities/approvals/hooks.js";
import { ApprovalScheduler } from "../../src/capabilities/approvals/timers.js";
import type { ApprovalRule } from "../../src/capabilities/approvals/settings.js";
import { HOUR, approvalSettings } from "../capabilities/approvals/setup.js";
import { AGENTS, REQUESTER, TRIAGE, blockAction, startHarness, viewSubmission, type Harness } from "./harness.js";

const CARL = "UCARL";
const LEE = "ULEE";
const ZED = "UZED";
const APPROVERS = [AGENTS.ana, AGENTS.bob, CARL];

let h: Harness;
async function start(rule: ApprovalRule, approvers = APPROVERS): Promise<void> {
  h = await startHarness();
  h.fake.users.set(CARL, { name: "carl" });
  h.fake.users.set(LEE, { name: "lee" });
  h.fake.users.set(ZED, { name: "zed" });
  // The harness's desk, given an approvals section as a settings file would.
  const s = approvalSettings(
    h.desk.settings,
    approvers.map((u) => `slack:${u}`),
    rule,
  );
  Object.assign(h.desk.settings, { approvals: { ...s.approvals!, leads: [`slack:${LEE}`] } });
  h.desk.addCapability(approvalsHooks(h.desk.settings));
}
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

const input = (id: string, value: string) => ({ [id]: { [id]: { type: "plain_text_input", value } } });
const select = (id: string, value: string) => ({ [id]: { [id]: { type: "static_select", selected_option: { value } } } });

/** rita fills in the form; returns the form submission's answer. */
async function submitForm(values: Record<string, Record<string, unknown>>) {
  await h.command("");
  await h.settle();
  const open = h.fake.of("views.open").at(-1)!;
  const r = await h.interact(viewSubmission(REQUESTER, open.view!, values));
  await h.settle();
  return r;
}

const status = async () => (await h.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status;
const dmPosts = (user: string) => h.fake.of("chat.postMessage").filter((c) => c.args.channel === user);
const cardOf = (user: string) => dmPosts(user).find((c) => String(c.args.text).startsWith("#1 Approval:"));
const cardUpdates = (user: string) => h.fake.of("chat.update").filter((c) => c.args.channel === `D${user.slice(1)}`);
const ephemerals = (user: string) =>
  h.fake
    .of("chat.postEphemeral")
    .filter((c) => c.args.user === user)
    .map((c) => String(c.args.text));
const requesterDms = () =>
  h.fake
    .of("chat.postMessage")
    .filter((c) => c.args.channel === "DREQ" || c.args.channel === REQUESTER)
    .map((c) => String(c.args.text));
const button = (verb: string) => ({
  type: "button",
  action_id: `ticket.${verb}.1`,
  value: JSON.stringify({ ticket: 1, verb }),
  text: { type: "plain_text", text: verb },
});

/** A click on a button of the approver's own card, in their DM. */
async function clickCard(user: string, verb: string, owner = user): Promise<void> {
  const posted = cardOf(owner)!;
  await h.interact(blockAction(user, button(verb), { channel: `D${owner.slice(1)}`, ts: "1700000000.000200" }));
  expect(posted).toBeDefined();
  await h.settle();
}

/** Reject from the card: the click opens a modal asking why; the reason is submitted. */
async function rejectFromCard(user: string, reason: string) {
  const before = h.fake.of("views.open").length;
  await clickCard(user, "reject");
  const modal = h.fake.of("views.open")[before]!;
  expect(modal.view).toMatchObject({ type: "modal", callback_id: "verb_input", title: { text: "Reject #1" } });
  expect(JSON.stringify(modal.view)).toContain("Why reject? The requester will read it.");
  const r = await h.interact(viewSubmission(user, modal.view!, { verb_input: { text: { type: "plain_text_input", value: reason } } }));
  await h.settle();
  return r;
}

const CHANGE = {
  ...input("title", "Upgrade the core switch firmware"),
  ...select("type", "change"),
  ...input("description", "Firmware 9.3 fixes the memory leak"),
};

describe("approvals on Slack", () => {
  beforeEach(async () => start("majority"));

  it("the form asks a change for its risk, window and rollback; approvers see them on their cards; a majority approves", async () => {
    const missing = await submitForm(CHANGE);
    expect(JSON.parse(missing.body)).toEqual({
      response_action: "errors",
      errors: {
        risk: "A change request needs its risk.",
        window: "A change request needs its planned window.",
        rollback: "A change request needs a rollback plan.",
      },
    });
    expect(await h.db.selectFrom("tickets").selectAll().execute()).toHaveLength(0);
    const form = h.fake.of("views.open").at(-1)!.view!;
    expect((form.blocks as { block_id: string }[]).map((b) => b.block_id)).toEqual(
      expect.arrayContaining(["risk", "window", "rollback", "evidence", "accessUntil"]),
    );

    const r = await submitForm({
      ...CHANGE,
      ...select("risk", "high"),
      ...input("window", "Sat 22:00-23:00 UTC"),
      ...input("rollback", "Reload the saved config"),
      ...input("evidence", "Ran for a week in the lab"),
    });
    expect(r.body).toBe("");
    expect(await status()).toBe("awaiting_approval");
    for (const u of APPROVERS) {
      const card = cardOf(u)!;
      expect(card).toBeDefined();
      const text = JSON.stringify(card.blocks);
      for (const s of [
        "Risk",
        "high",
        "Planned window",
        "Sat 22:00-23:00 UTC",
        "Rollback plan",
        "Reload the saved config",
        "Test evidence",
        "Ran for a week in the lab",
        "Waiting: 0 of 2 approvals",
        "ticket.approve.1",
        "ticket.reject.1",
      ])
        expect(text).toContain(s);
    }
    // The approvers as configured (slack:U…), named as Slack names them.
    expect(requesterDms().join("\n")).toContain("#1 needs approval by a majority of ana, bob, carl before work starts");

    await clickCard(AGENTS.ana, "approve");
    expect(await status()).toBe("awaiting_approval");
    expect(JSON.stringify(cardUpdates(CARL).at(-1)!.blocks)).toContain("ana approved");
    const rejected = await rejectFromCard(AGENTS.bob, "Not during the quarter close");
    expect(rejected.body).toBe("");
    expect(await status()).toBe("awaiting_approval");
    await clickCard(CARL, "approve");
    expect(["new", "triaged"]).toContain(await status());
    expect(requesterDms().at(-1)).toBe("Good news: carl approved your request #1. It is now with the service desk.");
    for (const u of APPROVERS) {
      const last = JSON.stringify(cardUpdates(u).at(-1)!.blocks);
      expect(last).toContain("Approved by carl");
      expect(last).toContain("bob rejected (Not during the quarter close)");
      expect(last).not.toContain("ticket.approve.1");
    }
  });

  it("refuses the requester, a non-approver, a second click and a click after the decision, each with a clear answer", async () => {
    await submitForm({ ...CHANGE, ...select("risk", "low"), ...input("window", "now"), ...input("rollback", "undo") });
    const audit = async () => (await h.db.selectFrom("audit_events").selectAll().execute()).length;
    const before = await audit();
    await h.interact(blockAction(REQUESTER, button("approve"), { channel: TRIAGE, ts: "1700000000.000101" }));
    await h.interact(blockAction(ZED, button("approve"), { channel: TRIAGE, ts: "1700000000.000101" }));
    await h.settle();
    expect(ephemerals(REQUESTER)).toEqual(["You asked for #1 yourself, so you cannot approve it; one of its approvers must. Nothing was changed."]);
    expect(ephemerals(ZED)).toEqual([
      "Only #1's approvers can approve it (slack:UANA, slack:UBOB, slack:UCARL); you are not one of them. Nothing was changed.",
    ]);
    expect(await audit()).toBe(before);

    await clickCard(AGENTS.ana, "approve");
    await clickCard(AGENTS.ana, "approve");
    expect(ephemerals(AGENTS.ana)).toEqual(["You already approved #1; nothing was changed."]);
    await clickCard(AGENTS.bob, "approve");
    const decided = await audit();
    await clickCard(CARL, "approve");
    expect(ephemerals(CARL)).toEqual(["#1 was already approved by bob; nothing was changed."]);
    // Reject after the decision: the card no longer offers it, so no modal opens.
    const modals = h.fake.of("views.open").length;
    await clickCard(CARL, "reject");
    expect(h.fake.of("views.open")).toHaveLength(modals);
    expect(ephemerals(CARL).at(-1)).toMatch(/^#1 is (new|triaged); "reject" cannot be done now. Nothing was changed.$/);
    expect(await audit()).toBe(decided);
  });

  it("an approval card for a ticket since closed answers that the request was cancelled", async () => {
    await submitForm({ ...CHANGE, ...select("risk", "low"), ...input("window", "now"), ...input("rollback", "undo") });
    await h.command("close 1");
    await h.settle();
    expect(await status()).toBe("closed");
    expect(JSON.stringify(cardUpdates(AGENTS.ana).at(-1)!.blocks)).toContain("Cancelled");
    await clickCard(AGENTS.ana, "approve");
    expect(ephemerals(AGENTS.ana)).toEqual(["#1 is closed: its approval request was cancelled, so there is nothing to approve. Nothing was changed."]);
    expect(await status()).toBe("closed");
  });

  it("reminds the approvers who have not answered, then escalates to the lead, who decides from the card", async () => {
    await submitForm({ ...CHANGE, ...select("risk", "low"), ...input("window", "now"), ...input("rollback", "undo") });
    await clickCard(AGENTS.ana, "approve");
    const scheduler = new ApprovalScheduler(h.desk, h.clock);
    h.clock.advance(4 * HOUR);
    expect(await scheduler.tick()).toBe(1);
    await h.settle();
    for (const u of [AGENTS.bob, CARL]) expect(dmPosts(u).some((c) => String(c.args.text).startsWith("Reminder: #1"))).toBe(true);
    expect(dmPosts(AGENTS.ana).some((c) => String(c.args.text).startsWith("Reminder"))).toBe(false);
    expect(await scheduler.tick()).toBe(0);

    h.clock.advance(20 * HOUR);
    expect(await scheduler.tick()).toBe(1);
    await h.settle();
    expect(dmPosts(LEE).some((c) => String(c.args.text).startsWith("Escalated: #1"))).toBe(true);
    expect(JSON.stringify(cardOf(LEE)!.blocks)).toContain("escalated to the leads");
    await rejectFromCard(LEE, "Too risky this week");
    expect(await status()).toBe("resolved");
    expect(requesterDms().at(-1)).toBe("lee rejected your request #1: Too risky this week");
  });
});

describe("temporary access on Slack", () => {
  beforeEach(async () => start("any", [AGENTS.ana]));

  it("rejection resolves with the reason; an approved grant must be revoked (button) before the ticket closes", async () => {
    await submitForm({ ...input("title", "Access to the finance share"), ...select("type", "access_request"), ...input("accessUntil", "2026-11-27") });
    await rejectFromCard(AGENTS.ana, "Ask your manager first");
    expect(await status()).toBe("resolved");
    expect(requesterDms().at(-1)).toBe("ana rejected your request #1: Ask your manager first");
    expect(JSON.stringify(cardUpdates(AGENTS.ana).at(-1)!.blocks)).toContain("Rejected by ana: Ask your manager first");

    await h.command("reopen 1 my manager agreed");
    await h.settle();
    expect(await status()).toBe("awaiting_approval");
    await clickCard(AGENTS.ana, "approve");
    await h.interact(blockAction(AGENTS.bob, button("claim")));
    await h.settle();
    await h.interact(blockAction(AGENTS.bob, button("close")));
    await h.settle();
    expect(ephemerals(AGENTS.bob)).toEqual([
      "#1 cannot be closed yet: its temporary access runs until 2026-11-28 00:00 UTC and nobody has confirmed it revoked. Revoke the access, then say: revoked 1. Nothing was changed.",
    ]);

    const scheduler = new ApprovalScheduler(h.desk, h.clock);
    h.clock.set(Date.UTC(2026, 10, 28, 0, 1));
    await scheduler.tick();
    await h.settle();
    expect(dmPosts(AGENTS.bob).map((c) => String(c.args.text))).toContain(
      'Temporary access on #1 "Access to the finance share" ended at 2026-11-28 00:00 UTC; bob, please revoke it, then confirm: revoked 1. The ticket cannot close until then.',
    );
    const card =
      h.fake
        .of("chat.update")
        .filter((c) => c.args.channel === TRIAGE)
        .at(-1) ??
      h.fake
        .of("chat.postMessage")
        .filter((c) => c.args.channel === TRIAGE)
        .at(-1)!;
    expect(JSON.stringify(card.blocks)).toContain("ticket.revoked.1");

    await h.interact(blockAction(AGENTS.bob, button("revoked")));
    await h.interact(blockAction(AGENTS.bob, button("close")));
    await h.settle();
    expect(await status()).toBe("closed");
  });
});
