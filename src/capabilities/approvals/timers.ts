// The durable approval scheduler: reminders to approvers who have not answered, escalation of expired
// requests to the leads, and the reminder to revoke temporary access. Timers live in approval_timers; a
// timer is marked fired in the same transaction that announces it, so it fires exactly once across
// restarts and overlapping ticks. start() first catches up on what fell due while the desk was down.
import { dueTimers, markEscalated, markTimerFired, requestOf, votesOf } from "./repository.js";
import { type TimerRow } from "./tables.js";
import type { Clock } from "../../core/clock.js";
import type { Ctx, Desk } from "../../core/desk.js";
import type { AlsoTell } from "../../core/notify.js";
import { formatSpan } from "../sla/format.js";
import type { Timers } from "../sla/scheduler.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { displayName } from "./decide.js";
import { activeGrant, untilText } from "./grants.js";
import { APPROVALS, KIND } from "./model.js";
import { leadsOf } from "./rules.js";
import { recipientsOf } from "./extension.js";

/** Fires one timer if it is still unfired; false when another tick got there first. */
export function fireTimer(desk: Desk, timer: TimerRow): Promise<boolean> {
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
  await ctx.record.announce(t, KIND.reminder, summary, { action: "approval_reminder", reason: `reminded ${silent.join(", ")}` }, undefined, undefined, undefined, tell(await recipientsOf(ctx.trx, silent)));
}

async function escalate(ctx: Ctx, t: Ticket): Promise<void> {
  const req = await requestOf(ctx.trx, t.number);
  if (req?.state !== "pending") return;
  const leads = leadsOf(ctx.settings);
  await markEscalated(ctx.trx, t.number, ctx.now);
  const who = leads.length ? (await Promise.all(leads.map((n) => displayName(ctx, n)))).join(", ") : "nobody (no lead is configured)";
  const summary = `Escalated: #${t.number} "${t.title}" had no decision after ${formatSpan(ctx.now - req.requested_at)}; it goes to the leads (${who}), and a lead's decision now settles it.`;
  await ctx.record.announce(t, KIND.escalated, summary, { action: "approval_escalated", reason: leads.length ? `escalated to ${leads.join(", ")}` : "no lead configured" }, undefined, undefined, undefined, tell(await recipientsOf(ctx.trx, leads)));
}

async function remindToRevoke(ctx: Ctx, t: Ticket): Promise<void> {
  const g = await activeGrant(ctx.trx, t.number);
  if (!g) return;
  // The assignee revokes; with nobody assigned, the leads hear it.
  const assignee = t.assigneeId ? await ctx.person(t.assigneeId) : undefined;
  const to = assignee ? [{ platform: assignee.platform, userId: assignee.userId }] : await recipientsOf(ctx.trx, leadsOf(ctx.settings));
  const summary = `Temporary access on #${t.number} "${t.title}" ended at ${untilText(g.until)}${assignee ? `; ${assignee.name}, please revoke it` : "; nobody is assigned: please revoke it"}, then confirm: revoked ${t.number}. The ticket cannot close until then.`;
  await ctx.record.announce(t, KIND.expired, summary, { action: "access_expired", field: "access_until", to: new Date(g.until).toISOString(), reason: assignee ? `reminded ${assignee.name}` : "reminded the leads" }, undefined, undefined, undefined, tell(to));
}

export interface ApprovalSchedulerOptions {
  intervalMs?: number;
  batch?: number;
  timers?: Timers;
  log?: (m: string) => void;
}

export class ApprovalScheduler {
  private handle: unknown;
  private running: Promise<number> | undefined;
  private readonly timers: Timers;

  constructor(
    private readonly desk: Desk,
    private readonly clock: Clock,
    private readonly opts: ApprovalSchedulerOptions = {},
  ) {
    this.timers = opts.timers ?? { setInterval: (f, ms) => setInterval(f, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
  }

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

  /** Catches up on what fell due while down, then ticks every intervalMs. Returns how many caught-up timers fired. */
  async start(): Promise<number> {
    const fired = await this.tick();
    this.handle = this.timers.setInterval(() => void this.tick().catch((e) => this.opts.log?.(`approvals: tick failed: ${(e as Error).message}`)), this.opts.intervalMs ?? 15_000);
    return fired;
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }
}

