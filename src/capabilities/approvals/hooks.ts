// Approvals as a capability: access and change requests that match a policy wait in awaiting_approval
// from creation; approvers decide with Approve / Reject (cards) or approve / reject (any adapter's text);
// temporary access must be confirmed revoked before the ticket resolves or closes.
import { changeOf, grantOf, peopleNamed, requestOf, saveChange, setRequestState, votesOf } from "./repository.js";
import type { Db } from "../../store/connection.js";
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import type { Ctx, Outcome, Trx } from "../../core/context.js";
import { DeskError } from "../../core/errors.js";
import { parseNumber, type VerbSet } from "../../core/grammar.js";
import type { DeskSettings } from "../../core/settings.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { decide, decidesOn, requestApproval, waitingOn } from "./decide.js";
import { approvalForm } from "./form.js";
import { activeGrant, grant, guardClosing, recordRequestedUntil, revoked } from "./grants.js";
import { APPROVALS, KIND, VERB, type ApprovalExtras, type ApproverView } from "./model.js";
import { leadsOf, neededFor } from "./rules.js";
import type { ApprovalRule } from "./settings.js";
import { approvalCardPart } from "./view.js";

const cap = (verb: string, number?: number, text?: string): Command => ({
  kind: "capability",
  capability: APPROVALS,
  verb,
  ...(number !== undefined ? { number } : {}),
  ...(text ? { text } : {}),
});
const usage = (verb: string, form: string, says: string) => [{ verb, form, says }];
const help = (problem: string, form: string): Command => ({ kind: "help", unknown: `${problem} Usage: ${form}.` });

/** Text verbs, on every adapter. */
const verbs: VerbSet[] = [
  {
    usage: usage(VERB.approve, "approve N", "approve a request that waits on you"),
    parse: ([n, ...more]) => {
      const number = parseNumber(n);
      return number !== undefined && !more.length ? cap(VERB.approve, number) : undefined;
    },
  },
  {
    usage: usage(VERB.reject, "reject N <reason>", "reject a request (the requester reads the reason)"),
    parse: ([n, ...more]) => {
      const number = parseNumber(n);
      if (number === undefined) return undefined;
      return more.length ? cap(VERB.reject, number, more.join(" ")) : help(`Say why you reject #${number}; the requester will read it.`, "reject N <reason>");
    },
  },
  { usage: usage(VERB.list, "approvals", "list the requests waiting for your approval"), parse: (args) => (args.length ? undefined : cap(VERB.list)) },
  {
    usage: usage(VERB.grant, "grant N until YYYY-MM-DD", "record when temporary access ends (agents)"),
    parse: ([n, ...more]) => {
      const number = parseNumber(n);
      if (number === undefined) return undefined;
      return more.length ? cap(VERB.grant, number, more.join(" ")) : help(`Until when does access on #${number} last?`, "grant N until YYYY-MM-DD");
    },
  },
  {
    usage: usage(VERB.revoked, "revoked N", "confirm temporary access was revoked (agents)"),
    parse: ([n, ...more]) => {
      const number = parseNumber(n);
      return number !== undefined && !more.length ? cap(VERB.revoked, number) : undefined;
    },
  },
];

/** Card buttons, on every adapter. */
const actions: Capability["actions"] = {
  [VERB.approve]: (n) => cap(VERB.approve, n),
  [VERB.reject]: (n, input) => (input ? cap(VERB.reject, n, input) : undefined),
  [VERB.revoked]: (n) => cap(VERB.revoked, n),
};

/** Configured names as platform people to deliver to: "slack:U1" as is, "email:x@y" as everyone known by it. */
export async function recipientsOf(db: Db | Trx, names: string[]): Promise<{ platform: string; userId: string }[]> {
  const out = new Map<string, { platform: string; userId: string }>();
  for (const name of names) {
    const i = name.indexOf(":");
    const kind = name.slice(0, i);
    const known = await peopleNamed(db, name);
    const people = known.length
      ? known.map((p) => ({ platform: p.platform, userId: p.user_id }))
      : kind === "email"
        ? []
        : [{ platform: kind, userId: name.slice(i + 1) }];
    // Console people are told too (the console keeps it for them until they act); the desk itself is not.
    for (const p of people) if (p.platform !== "system") out.set(`${p.platform}:${p.userId}`, p);
  }
  return [...out.values()];
}

async function extrasOf(db: Db | Trx, settings: DeskSettings, t: Ticket): Promise<ApprovalExtras | null> {
  const [req, change, g] = [await requestOf(db, t.number), await changeOf(db, t.number), await grantOf(db, t.number)];
  if (!req && !change && !g) return null;
  const out: ApprovalExtras = { recipients: [] };
  if (req) {
    const approvers = JSON.parse(req.approvers) as string[];
    const votes = await votesOf(db, t.number);
    const view = async (name: string, lead: boolean): Promise<ApproverView> => {
      const v = votes.find((x) => x.approver === name);
      const display = (await peopleNamed(db, name))[0]?.display_name ?? name;
      return { name, display, ...(v ? { decision: v.decision, at: v.at, ...(v.reason ? { reason: v.reason } : {}) } : {}), ...(lead ? { lead } : {}) };
    };
    const leads = leadsOf(settings);
    const escalated = req.escalated_at !== null;
    out.request = {
      state: req.state,
      policy: req.policy,
      rule: req.rule as ApprovalRule,
      needed: neededFor(req.rule as ApprovalRule, approvers.length),
      approvers: await Promise.all(approvers.map((a) => view(a, false))),
      leadVotes: await Promise.all(votes.filter((v) => !approvers.includes(v.approver)).map((v) => view(v.approver, true))),
      escalated,
      ...((req.state === "approved" || req.state === "rejected") && votes.length
        ? { decidedBy: await view(votes[votes.length - 1]!.approver, !approvers.includes(votes[votes.length - 1]!.approver)) }
        : {}),
      requestedAt: req.requested_at,
      decidedAt: req.decided_at,
    };
    out.recipients = await recipientsOf(db, [...approvers, ...(escalated ? leads : [])]);
  }
  if (change) out.change = { risk: change.risk, window: change.planned_window, rollback: change.rollback, evidence: change.evidence };
  if (g) {
    const by = g.revoked_by
      ? ((await db.selectFrom("people").select("display_name").where("id", "=", g.revoked_by).executeTakeFirst())?.display_name ?? null)
      : null;
    out.grant = { until: g.until, revokedAt: g.revoked_at, revokedBy: by, active: Boolean(await activeGrant(db, t.number)) };
  }
  return out;
}

/** Details a create command may carry for change and access requests (the ticket form's extra fields). */
async function onCreated(ctx: Ctx, created: Ticket): Promise<void> {
  const cmd = ctx.envelope.command;
  if (cmd.kind === "create") {
    const { risk, window, rollback, evidence, accessUntil } = cmd;
    if (risk || window || rollback || evidence)
      await saveChange(ctx.trx, {
        ticket_id: created.number,
        risk: risk ?? null,
        planned_window: window ?? null,
        rollback: rollback ?? null,
        evidence: evidence ?? null,
      });
    if (accessUntil) await recordRequestedUntil(ctx, created.number, accessUntil);
  }
  // Read afresh: triage may have set the category, team and owner since.
  await requestApproval(ctx, await ctx.load(created.number));
}

export function approvalsHooks(settings: DeskSettings): Capability {
  return {
    name: APPROVALS,
    verbs,
    actions,
    card: approvalCardPart,
    form: approvalForm,
    // An approver reads the request they decide on, whatever their role.
    mayRead: (ctx, ticket) => decidesOn(ctx, ticket),
    enrich: (db, t) => extrasOf(db, settings, t),
    async afterChange(ctx, { kind, before, after }) {
      if (kind === "created") return onCreated(ctx, after);
      if (before === after) return;
      const closing = (after.status === "resolved" || after.status === "closed") && before?.status !== after.status;
      if (closing && kind !== KIND.rejected) {
        await guardClosing(ctx, after.number, after.status);
        const req = await requestOf(ctx.trx, after.number);
        if (req?.state === "pending") {
          await setRequestState(ctx.trx, after.number, "cancelled", ctx.now);
          await ctx.record.announce(
            await ctx.load(after.number),
            KIND.cancelled,
            `#${after.number}'s approval request was cancelled: the ticket was ${after.status} before a decision`,
            { action: "approval_cancelled", reason: `ticket ${after.status} by ${ctx.actor.name}` },
          );
        }
      }
      // A reopened request that was never approved must be approved before work starts.
      if (kind === "reopened" && isOpen(after.status)) {
        const req = await requestOf(ctx.trx, after.number);
        if (req && req.state !== "approved") await requestApproval(ctx, await ctx.load(after.number));
      }
    },
    async command(ctx, cmd): Promise<Outcome> {
      const n = cmd.number;
      const needs = () => {
        if (n === undefined) throw new DeskError("INVALID_INPUT", `Which ticket? ${cmd.verb} N.`);
        return n;
      };
      switch (cmd.verb) {
        case VERB.approve:
          return decide(ctx, needs(), "approve");
        case VERB.reject:
          return decide(ctx, needs(), "reject", cmd.text);
        case VERB.list:
          return waitingOn(ctx, ctx.actor);
        case VERB.grant:
          return grant(ctx, needs(), cmd.text ?? "");
        case VERB.revoked:
          return revoked(ctx, needs());
      }
      throw new DeskError("UNKNOWN_COMMAND", `"${cmd.verb}" is not an approvals verb.`);
    },
  };
}
