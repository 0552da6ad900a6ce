// Approve and reject: one vote per approver, the rule decides, and the decision moves the ticket on
// (approved: to its team) or resolves it (rejected, with the reason). Every refusal changes nothing.
import { addVote, openRequest, pendingEscalated, pendingFor, peopleNamed, requestOf, setRequestState, votesOf } from "./repository.js";
import type { Decision } from "./tables.js";
import { ticketByNumber } from "../../store/tickets.js";
import type { Ctx, Outcome } from "../../core/desk.js";
import { DeskError, forbidden, invalid } from "../../core/errors.js";
import type { Person } from "../../core/people.js";
import { describeList } from "../../core/text.js";
import { STATUS_LABEL, isOpen, type Ticket } from "../../core/ticket.js";
import { KIND } from "./model.js";
import { approversFor, leadsOf, matchPolicy, nameIn, namesOf, neededFor, tally } from "./rules.js";
import type { ApprovalRule } from "./settings.js";

export const REASON_LIMIT = 1000;
const RULE_TEXT: Record<ApprovalRule, string> = { any: "any one of", all: "all of", majority: "a majority of" };
const PAST: Record<Decision, string> = { approve: "approved", reject: "rejected" };

/** A configured name as people know it: the display name of whoever answers to it, else the name itself. */
export async function displayName(ctx: Pick<Ctx, "trx">, name: string): Promise<string> {
  return (await peopleNamed(ctx.trx, name))[0]?.display_name ?? name;
}

async function names(ctx: Ctx, list: string[]): Promise<string> {
  return (await Promise.all(list.map((n) => displayName(ctx, n)))).join(", ");
}

/**
 * Puts a ticket that matches a policy into awaiting_approval (at creation, or again after a reopen of a
 * request that was not approved). Returns false when no policy applies or nobody could approve.
 */
export async function requestApproval(ctx: Ctx, t: Ticket): Promise<boolean> {
  const a = ctx.settings.approvals;
  const policy = a ? matchPolicy(a, t) : undefined;
  if (!a || !policy) return false;
  const requester = await ctx.person(t.requesterId);
  // The requester never approves their own request; with nobody else named, the leads decide.
  const mine = namesOf(requester);
  let approvers = approversFor(a, policy, t).filter((n) => !mine.includes(n.toLowerCase()));
  if (!approvers.length) approvers = leadsOf(ctx.settings).filter((n) => !mine.includes(n.toLowerCase()));
  if (!approvers.length) return false;
  await openRequest(ctx.trx, { ticket_id: t.number, policy: policy.name, rule: policy.rule, approvers: JSON.stringify(approvers), requested_at: ctx.now }, [
    { kind: "remind", due_at: ctx.now + a.reminder_after },
    { kind: "expire", due_at: ctx.now + a.expire_after },
  ]);
  const who = await names(ctx, approvers);
  const rule = `${RULE_TEXT[policy.rule]} ${who}`;
  await ctx.record.change(t, { status: "awaiting_approval" }, KIND.requested, `#${t.number} awaits approval by ${rule}`, {
    reason: `policy ${policy.name}: ${policy.rule} of ${approvers.join(", ")}`,
    requesterMessage: `#${t.number} needs approval by ${rule} before work starts. I'll tell you the decision here.`,
  });
  return true;
}

export async function decide(ctx: Ctx, number: number, decision: Decision, reason?: string): Promise<Outcome> {
  ctx.require("approve", "decide on approval requests");
  const t = await ctx.load(number);
  const req = await requestOf(ctx.trx, number);
  const verb = decision === "approve" ? "approve" : "reject";
  if (!req) throw invalid(`#${number} does not need approval; nothing was changed.`);
  if (req.state === "cancelled" || (req.state === "pending" && !isOpen(t.status))) {
    throw new DeskError(
      "INVALID_TRANSITION",
      `#${number} is ${STATUS_LABEL[t.status]}: its approval request was cancelled, so there is nothing to ${verb}. Nothing was changed.`,
    );
  }
  const votes = await votesOf(ctx.trx, number);
  if (req.state !== "pending") {
    const last = votes[votes.length - 1];
    const by = last ? ` by ${(await ctx.person(last.person_id)).name}` : "";
    throw new DeskError("INVALID_TRANSITION", `#${number} was already ${req.state}${by}; nothing was changed.`);
  }
  if (t.requesterId === ctx.actor.id)
    throw forbidden(`You asked for #${number} yourself, so you cannot ${verb} it; one of its approvers must. Nothing was changed.`);
  const approvers = JSON.parse(req.approvers) as string[];
  const leads = req.escalated_at !== null ? leadsOf(ctx.settings) : [];
  const mine = nameIn(approvers, ctx.actor);
  const asLead = mine ? undefined : nameIn(leads, ctx.actor);
  const key = mine ?? asLead;
  if (!key) {
    const also = req.escalated_at !== null ? " or a lead" : "";
    throw forbidden(`Only #${number}'s approvers${also} can ${verb} it (${await names(ctx, approvers)}); you are not one of them. Nothing was changed.`);
  }
  const prior = votes.find((v) => v.approver === key);
  if (prior) throw new DeskError("INVALID_TRANSITION", `You already ${PAST[prior.decision]} #${number}; nothing was changed.`);
  const why = reason?.trim() ?? "";
  if (decision === "reject" && !why) throw invalid(`Say why you reject #${number}: reject ${number} <reason>. The requester will read it.`, "reason");
  if (why.length > REASON_LIMIT) throw invalid(`The reason is ${why.length} characters; keep it to ${REASON_LIMIT}.`, "reason");

  const vote = { ticket_id: number, approver: key, person_id: ctx.actor.id, decision, reason: why || null, at: ctx.now };
  await addVote(ctx.trx, vote);
  const rule = req.rule as ApprovalRule;
  // A lead deciding an escalated request settles it alone.
  const verdict = asLead ? (decision === "approve" ? "approved" : "rejected") : tally(rule, approvers, [...votes, vote]);
  const as = asLead ? " as lead" : "";
  if (verdict === "pending") {
    const yes = [...votes, vote].filter((v) => v.decision === "approve" && approvers.includes(v.approver)).length;
    const summary = `${ctx.actor.name} ${PAST[decision]} #${number}${why ? `: ${why}` : ""} (${yes} of ${neededFor(rule, approvers.length)} approvals needed)`;
    const snapshot = await ctx.announce(t, KIND.vote, summary, { action: "approval_vote", field: "approval", to: decision, ...(why ? { reason: why } : {}) });
    return {
      ok: true,
      kind: "capability",
      text: `You ${PAST[decision]} #${number}. ${summary.slice(summary.indexOf("(") + 1, -1)}; still waiting for the others.`,
      snapshot,
    };
  }
  await setRequestState(ctx.trx, number, verdict, ctx.now);
  if (verdict === "approved") {
    const team = t.team ?? "the service desk";
    const snapshot = await ctx.change(
      t,
      { status: t.team || t.assigneeId ? "triaged" : "new" },
      KIND.approved,
      `${ctx.actor.name} approved #${number}${as}; it goes on to ${team}`,
      {
        reason: `approved by ${key}${as} (${req.policy}: ${rule})`,
        requesterMessage: `Good news: ${ctx.actor.name} approved your request #${number}. It is now with ${team}.`,
      },
    );
    return { ok: true, kind: "capability", text: `You approved #${number}${as}; it goes on to ${team}.`, snapshot };
  }
  const resolution = `Rejected by ${ctx.actor.name}: ${why || "no reason given"}`;
  const snapshot = await ctx.change(
    t,
    { status: "resolved", resolution, resolved_at: ctx.now },
    KIND.rejected,
    `${ctx.actor.name} rejected #${number}${as}: ${why}`,
    {
      reason: `rejected by ${key}${as}: ${why}`,
      requesterMessage: `${ctx.actor.name} rejected your request #${number}: ${why}`,
    },
  );
  return { ok: true, kind: "capability", text: `You rejected #${number}${as}: it is resolved as rejected and the requester is told why.`, snapshot };
}

/** What waits on the acting person: pending requests naming them without their vote, and escalated ones for leads. */
export async function waitingOn(ctx: Ctx, me: Person): Promise<Outcome> {
  const mine = namesOf(me);
  const named = await pendingFor(
    ctx.trx,
    [...(ctx.settings.approvals ? allApproverNames(ctx) : [])].filter((n) => mine.includes(n.toLowerCase())),
  );
  const leadNames = leadsOf(ctx.settings).filter((n) => mine.includes(n.toLowerCase()));
  const escalated = leadNames.length ? await pendingEscalated(ctx.trx) : [];
  const snapshots = [];
  for (const n of [...new Set([...named, ...escalated])].sort((a, b) => a - b)) {
    const t = await ticketByNumber(ctx.trx, n);
    if (t && isOpen(t.status) && t.requesterId !== me.id) snapshots.push(await ctx.snapshot(t));
  }
  return {
    ok: true,
    kind: "list",
    text: snapshots.length ? describeList(snapshots, "waiting for your approval") : "Nothing waits for your approval.",
    list: snapshots,
  };
}

/** Every name any approval list holds (so a person's own names can be matched as configured). */
function allApproverNames(ctx: Ctx): string[] {
  const a = ctx.settings.approvals!;
  return [
    ...a.policies.flatMap((p) => p.approvers),
    ...Object.values(a.approvers.categories).flat(),
    ...Object.values(a.approvers.services).flat(),
    ...a.approvers.fallback,
    ...leadsOf(ctx.settings),
  ];
}

/** Whether the acting person decides on the ticket (an approver, or a lead once it escalated): they may read it. */
export async function decidesOn(ctx: Ctx, ticketId: number): Promise<boolean> {
  const req = await requestOf(ctx.trx, ticketId);
  if (!req) return false;
  const names = [...(JSON.parse(req.approvers) as string[]), ...(req.escalated_at !== null ? leadsOf(ctx.settings) : [])];
  return nameIn(names, ctx.actor) !== undefined;
}
