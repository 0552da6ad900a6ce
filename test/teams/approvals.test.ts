// Approvals through the real Agents SDK stack against the fake Bot Connector (every card checked against
// the Adaptive Card 1.5 schema): the dialog asks a change for its details, approvers get cards in their
// 1:1 chats, Reject takes its reason from an Action.ShowCard input, cards update in place, the requester is told.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApprovalScheduler } from "../../src/capabilities/approvals/timers.js";
import type { ApprovalRule } from "../../src/capabilities/approvals/settings.js";
import { HOUR, approvalSettings } from "../capabilities/approvals/setup.js";
import { exampleSettings } from "../helpers/desk.js";
import { install, personalMessage } from "./flows.js";
import { AGENT, PERSONAL, REQUESTER, TENANT, cardText, executeInvoke, harness, newId, recorded, teamsSettings, type Harness } from "./harness.js";

/** A second approver and a lead, each with their own 1:1 chat with the bot. */
const PRIYA = { id: "29:1priya-teams-user-id", name: "Priya Nair", aadObjectId: "0b6f6c1e-7d0e-4a4f-9a39-4a8f2b1c9d01" };
const LEAD = { id: "29:1lead-teams-user-id", name: "Lena Lead", aadObjectId: "5c1d2e3f-0a1b-4c2d-8e3f-9a0b1c2d3e4f" };
const chatOf = (who: { aadObjectId: string }) => `a:personal-${who.aadObjectId}`;

let h: Harness;
async function start(rule: ApprovalRule, approvers = [AGENT, PRIYA]): Promise<void> {
  const base = approvalSettings(
    teamsSettings(exampleSettings()),
    approvers.map((p) => `teams:${p.aadObjectId}`),
    rule,
  );
  // Changes and access requests alike follow `rule` here.
  const approvals = { ...base.approvals!, leads: [`teams:${LEAD.aadObjectId}`], policies: base.approvals!.policies.map((p) => ({ ...p, rule })) };
  h = await harness({ settings: { ...base, approvals } });
  await install(h);
  for (const who of [AGENT, PRIYA, LEAD]) await say(who, "approvals");
}
afterEach(async () => {
  expect(h.checkSentCards()).toBeGreaterThan(0);
  await h.close();
});

/** `who` writes to the bot in their own 1:1 chat (the recorded personal message, re-aimed). */
function say(who: typeof AGENT, text: string) {
  return h.post(
    recorded("20191021205338231-request-integrationBot.json", h.connector.url, {
      id: newId(),
      text,
      from: who,
      conversation: { conversationType: "personal", tenantId: TENANT, id: chatOf(who) },
    }),
  );
}
const taskSubmit = (data: Record<string, unknown>) =>
  recorded("20191020021910141-request-integrationBot.json", h.connector.url, {
    id: newId(),
    from: REQUESTER,
    conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL },
    value: { data, context: { theme: "default" } },
  });
const status = async () => (await h.t.db.selectFrom("tickets").select("status").where("id", "=", 1).executeTakeFirstOrThrow()).status;
const sentTo = (conversation: string) => h.connector.sent().filter((c) => c.conversationId === conversation);
const cardsTo = (conversation: string) => sentTo(conversation).flatMap((c) => (c.body.attachments ?? []).map((a: any) => a.content));
const lastCardTo = (who: { aadObjectId: string }) => cardsTo(chatOf(who)).at(-1);
const click = (who: typeof AGENT, verb: string, extra: Record<string, unknown> = {}) =>
  h.post(executeInvoke(h, who, verb, { verb, ticketId: 1, ...extra }, chatOf(who)));
const CHANGE = { title: "Upgrade the core switch firmware", type: "change", description: "Firmware 9.3 fixes the leak" };

describe("approvals on Teams", () => {
  beforeEach(async () => start("all"));

  it("the dialog asks a change for its details; cards reach both approvers; all must approve; cards update; the requester is told", async () => {
    const missing = await h.post(taskSubmit(CHANGE));
    expect(cardText(missing.body.task.value.card.content)).toContain("A change request needs its risk.");
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toHaveLength(0);

    const created = await h.post(
      taskSubmit({ ...CHANGE, risk: "medium", window: "Sat 22:00-23:00 UTC", rollback: "Reload the saved config", evidence: "A week in the lab" }),
    );
    expect(created.body.task).toEqual({ type: "message", value: "Opened #1: Upgrade the core switch firmware" });
    await h.flush();
    expect(await status()).toBe("awaiting_approval");
    for (const who of [AGENT, PRIYA]) {
      const card = lastCardTo(who);
      const text = cardText(card);
      for (const s of [
        "#1 Approval: Upgrade the core switch firmware",
        "Risk: medium",
        "Planned window: Sat 22:00-23:00 UTC",
        "Rollback plan: Reload the saved config",
        "Test evidence: A week in the lab",
        "Decision: Waiting: 0 of 2 approvals (every approver)",
      ])
        expect(text).toContain(s);
      expect(card.actions.map((a: any) => a.title)).toEqual(["Approve", "Reject"]);
      // Reject carries its reason in a ShowCard input.
      expect(card.actions[1]).toMatchObject({ type: "Action.ShowCard", card: { body: [{ type: "Input.Text", id: "input_reject", isRequired: true }] } });
    }
    expect(cardsTo(PERSONAL).map(cardText).join("\n")).toContain("#1 needs approval by all of Dave Taniguchi, Priya Nair before work starts");

    const first = await click(AGENT, "approve");
    expect(cardText(first.body.value)).toContain("You approved #1. 1 of 2 approvals needed; still waiting for the others.");
    await h.flush();
    expect(await status()).toBe("awaiting_approval");
    const update = sentTo(chatOf(PRIYA))
      .filter((c) => c.method === "PUT")
      .at(-1)!;
    expect(cardText(update.body.attachments[0].content)).toContain("Dave Taniguchi approved; Priya Nair: no answer yet");

    await click(PRIYA, "approve");
    await h.flush();
    expect(["new", "triaged"]).toContain(await status());
    expect(cardsTo(PERSONAL).map(cardText).at(-1)).toContain("Good news: Priya Nair approved your request #1. It is now with the service desk.");
    const final = cardText(
      sentTo(chatOf(AGENT))
        .filter((c) => c.method === "PUT")
        .at(-1)!.body.attachments[0].content,
    );
    expect(final).toContain("Decision: Approved by Priya Nair");
  });

  it("Reject with its reason resolves the request; the requester reads why; later clicks are refused and change nothing", async () => {
    await h.post(taskSubmit({ ...CHANGE, risk: "high", window: "now", rollback: "none" }));
    await h.flush();
    const noReason = await click(AGENT, "reject");
    // A forged click without the (required) reason input acts on nothing.
    expect(cardText(noReason.body.value)).toContain("Reject #1 needs more: fill in the field and try again.");
    expect(await status()).toBe("awaiting_approval");
    const r = await click(AGENT, "reject", { input_reject: "No rollback plan worth the name" });
    expect(cardText(r.body.value)).toContain("You rejected #1");
    await h.flush();
    expect(await status()).toBe("resolved");
    expect(cardsTo(PERSONAL).map(cardText).at(-1)).toContain("Dave Taniguchi rejected your request #1: No rollback plan worth the name");
    expect(
      cardText(
        sentTo(chatOf(PRIYA))
          .filter((c) => c.method === "PUT")
          .at(-1)!.body.attachments[0].content,
      ),
    ).toContain("Rejected by Dave Taniguchi: No rollback plan worth the name");

    const audit = async () => (await h.t.db.selectFrom("audit_events").selectAll().execute()).length;
    const before = await audit();
    expect(cardText((await click(PRIYA, "approve")).body.value)).toContain("#1 was already rejected by Dave Taniguchi; nothing was changed.");
    expect(cardText((await click(AGENT, "approve")).body.value)).toContain("#1 was already rejected by Dave Taniguchi; nothing was changed.");
    expect(await audit()).toBe(before);
  });

  it("refuses the requester and a non-approver, and a card whose ticket was since closed", async () => {
    await h.post(taskSubmit({ ...CHANGE, risk: "low", window: "now", rollback: "undo" }));
    await h.flush();
    const requester = await h.post(executeInvoke(h, REQUESTER, "approve", { verb: "approve", ticketId: 1 }, PERSONAL));
    expect(cardText(requester.body.value)).toContain("You asked for #1 yourself, so you cannot approve it; one of its approvers must. Nothing was changed.");
    const lead = await click(LEAD, "approve");
    expect(cardText(lead.body.value)).toContain(
      "Only #1's approvers can approve it (Dave Taniguchi, Priya Nair); you are not one of them. Nothing was changed.",
    );
    await personalMessage(h, "close 1");
    await h.flush();
    expect(await status()).toBe("closed");
    expect(cardText(lastCardTo(PRIYA))).toContain("Cancelled");
    const late = await click(PRIYA, "approve");
    expect(cardText(late.body.value)).toContain("#1 is closed: its approval request was cancelled, so there is nothing to approve. Nothing was changed.");
    expect(await status()).toBe("closed");
  });

  it("reminds the silent approver, then escalates to the lead, whose approval settles it", async () => {
    await h.post(taskSubmit({ ...CHANGE, risk: "low", window: "now", rollback: "undo" }));
    await h.flush();
    await click(AGENT, "approve");
    await h.flush();
    const scheduler = new ApprovalScheduler(h.t.desk, h.t.clock);
    h.t.clock.advance(4 * HOUR);
    expect(await scheduler.tick()).toBe(1);
    await h.flush();
    expect(cardsTo(chatOf(PRIYA)).map(cardText).join("\n")).toContain("Reminder: #1");
    expect(cardsTo(chatOf(AGENT)).map(cardText).join("\n")).not.toContain("Reminder: #1");
    h.t.clock.advance(20 * HOUR);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    await h.flush();
    const leadCards = cardsTo(chatOf(LEAD)).map(cardText).join("\n");
    expect(leadCards).toContain("Escalated: #1");
    expect(leadCards).toContain("escalated to the leads");
    const r = await click(LEAD, "approve");
    expect(cardText(r.body.value)).toContain("You approved #1 as lead");
    expect(["new", "triaged"]).toContain(await status());
  });
});

describe("any one approver on Teams", () => {
  beforeEach(async () => start("any"));

  it("the first approval decides; temporary access blocks closing until Access revoked is pressed", async () => {
    await h.post(taskSubmit({ title: "Access to the finance share", type: "access_request", accessUntil: "2026-11-27" }));
    await h.flush();
    expect(cardText(lastCardTo(AGENT))).toContain("Access until");
    await click(PRIYA, "approve");
    await h.flush();
    expect(["new", "triaged"]).toContain(await status());
    await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    const refused = await h.post(executeInvoke(h, AGENT, "close", { verb: "close", ticketId: 1 }));
    expect(cardText(refused.body.value)).toContain(
      "#1 cannot be closed yet: its temporary access runs until 2026-11-28 00:00 UTC and nobody has confirmed it revoked. Revoke the access, then say: revoked 1. Nothing was changed.",
    );
    h.t.clock.set(Date.UTC(2026, 10, 28, 0, 1));
    await new ApprovalScheduler(h.t.desk, h.t.clock).tick();
    await h.flush();
    expect(cardsTo(chatOf(AGENT)).map(cardText).join("\n")).toContain("Dave Taniguchi, please revoke it, then confirm: revoked 1");
    const revoked = await h.post(executeInvoke(h, AGENT, "revoked", { verb: "revoked", ticketId: 1 }));
    expect(cardText(revoked.body.value)).toContain("Done: Dave Taniguchi confirmed the temporary access on #1 is revoked");
    await h.post(executeInvoke(h, AGENT, "close", { verb: "close", ticketId: 1 }));
    expect(await status()).toBe("closed");
  });
});
