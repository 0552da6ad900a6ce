// The durable approval scheduler: reminders to approvers who have not answered, escalation of expired
// requests to the leads, and the reminder to revoke temporary access. Timers live in approval_timers; a
// timer is marked fired in the same transaction that announces it, so it fires exactly once across
// restarts and overlapping ticks. start() first catches up on what fell due while the desk was down.
import { dueTimers, markEscalated, markTimerFired, requestOf, votesOf } from "./repository.js";
import type { TimerRow } from "./tables.js";
import type { Clock } from "../../core/clock.js";
import { schedulerJob, type Job } from "../../core/capability.js";
import type { Ctx, DeskServices } from "../../core/context.js";
import type { AlsoTell } from "../../core/notify.js";
import { formatSpan } from "../sla/format.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { displayName } from "./decide.js";
import { activeGrant, untilText } from "./grants.js";
import { APPROVALS, KIND } from "./model.js";
import { leadsOf } from "./rules.js";
import { recipientsOf } from "./hooks.js";

/** Fires one timer if it is still unfired; false when another tick got there first. */
export function fireTimer(desk: DeskServices, timer: TimerRow): Promise<boolean> {
  return desk.system(APPROVALS, async (ctx) => {
    if (!(await markTimerFired(ctx.trx, timer, ctx.now))) return false;
    const t = await ctx.load(timer.ticket_id);
    if (timer.kind === "revoke") await remindToRevoke(ctx, t);
    else if (isOpen(t.status)) await (timer.kind === "remind" ? remindApprovers(ctx, t) : escalate(ctx, t));
    return true;
  });
}

const tell = (people: { platform: string; userId: string }[]): AlsoTell => ({ people, channels: [] });

async function remindApprovers(ctx: Ctx, t: Ticket): Promise<void> {
  const req = await requestOf(ctx.trx, t.number);
  if (req?.state !== "pending") return;
  const voted = new Set((await votesOf(ctx.trx, t.number)).map((v) => v.approver));
  const silent = (JSON.parse(req.approvers) as string[]).filter((a) => !voted.has(a));
  if (!silent.length) return;
  const who = (await Promise.all(silent.map((n) => displayName(ctx, n)))).join(", ");
  const summary = `Reminder: #${t.number} "${t.title}" has waited ${formatSpan(ctx.now - req.requested_at)} for your approval (${who}). Approve or reject it from its approval card, or: approve ${t.number} / reject ${t.number} <reason>.`;
  await ctx.record.announce(
    t,
    KIND.reminder,
    summary,
    { action: "approval_reminder", reason: `reminded ${silent.join(", ")}` },
    undefined,
    undefined,
    undefined,
    tell(await recipientsOf(ctx.trx, silent)),
  );
}

async function escalate(ctx: Ctx, t: Ticket): Promise<void> {
  const req = await requestOf(ctx.trx, t.number);
  if (req?.state !== "pending") return;
  const leads = leadsOf(ctx.settings);
  await markEscalated(ctx.trx, t.number, ctx.now);
  const who = leads.length ? (await Promise.all(leads.map((n) => displayName(ctx, n)))).join(", ") : "nobody (no lead is configured)";
  const summary = `Escalated: #${t.number} "${t.title}" had no decision after ${formatSpan(ctx.now - req.requested_at)}; it goes to the leads (${who}), and a lead's decision now settles it.`;
  await ctx.record.announce(
    t,
    KIND.escalated,
    summary,
    { action: "approval_escalated", reason: leads.length ? `escalated to ${leads.join(", ")}` : "no lead configured" },
    undefined,
    undefined,
    undefined,
    tell(await recipientsOf(ctx.trx, leads)),
  );
}

async function remindToRevoke(ctx: Ctx, t: Ticket): Promise<void> {
  const g = await activeGrant(ctx.trx, t.number);
  if (!g) return;
  // The assignee revokes; with nobody assigned, the leads hear it.
  const assignee = t.assigneeId ? await ctx.person(t.assigneeId) : undefined;
  const to = assignee ? [{ platform: assignee.platform, userId: assignee.userId }] : await recipientsOf(ctx.trx, leadsOf(ctx.settings));
  const summary = `Temporary access on #${t.number} "${t.title}" ended at ${untilText(g.until)}${assignee ? `; ${assignee.name}, please revoke it` : "; nobody is assigned: please revoke it"}, then confirm: revoked ${t.number}. The ticket cannot close until then.`;
  await ctx.record.announce(
    t,
    KIND.expired,
    summary,
    {
      action: "access_expired",
      field: "access_until",
      to: new Date(g.until).toISOString(),
      reason: assignee ? `reminded ${assignee.name}` : "reminded the leads",
    },
    undefined,
    undefined,
    undefined,
    tell(to),
  );
}

export interface ApprovalSchedulerOptions {
  batch?: number;
  log?: (m: string) => void;
}

export class ApprovalScheduler {
  private running: Promise<number> | undefined;

  constructor(
    private readonly desk: DeskServices,
    private readonly clock: Clock,
    private readonly opts: ApprovalSchedulerOptions = {},
  ) {}

  /** Fires every due timer, oldest first; overlapping calls share one run. Returns how many fired. */
  tick(): Promise<number> {
    this.running ??= this.fireDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fireDue(): Promise<number> {
    let fired = 0;
    for (const timer of await dueTimers(this.desk.db, this.clock.now(), this.opts.batch ?? 500)) {
      try {
        if (await fireTimer(this.desk, timer)) fired++;
      } catch (err) {
        this.opts.log?.(`approvals: ${timer.kind} of #${timer.ticket_id} failed: ${(err as Error).message}`);
      }
    }
    return fired;
  }

  /** Catches up on what fell due while down. Returns how many caught-up timers fired. */
  catchUp(): Promise<number> {
    return this.tick();
  }
}

/** Approval reminders, escalations and ends of temporary access as a job: caught up at start-up, then every 15 seconds. */
export function approvalsJob(): Job {
  return schedulerJob(
    "approvals",
    15_000,
    (desk, log) => new ApprovalScheduler(desk, desk.clock, { log }),
    (missed) => (missed ? [`approvals: fired ${missed} reminder${missed === 1 ? "" : "s"} missed while down`] : []),
  );
}
