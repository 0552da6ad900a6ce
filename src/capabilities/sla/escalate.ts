// One escalation step, fired as the desk itself: warn at `warn_at`% of a target, escalate at the breach.
// The step is marked fired in the same transaction that records it and queues its messages, so it fires
// exactly once, whatever restarts or overlapping ticks happen.
import { appendAudit } from "../../store/audit.js";
import { personByPlatformId } from "../../store/people.js";
import type { Ctx, DeskServices } from "../../core/context.js";
import { PRIORITIES, type Priority, type Ticket } from "../../core/ticket.js";
import { SLA } from "./hooks.js";
import { formatMoment, formatSpan } from "./format.js";
import type { SlaRules } from "./rules.js";
import { clocksOf, markFired, stepOf } from "./repository.js";
import type { StepRow, Target } from "./tables.js";

const TARGET_NAME: Record<Target, string> = { first_response: "first-response", resolution: "resolution" };

/** Fires the step if it is still due and unfired; false when a pause, a stop or an earlier firing got there first. */
export function fireStep(desk: DeskServices, rules: SlaRules, step: StepRow): Promise<boolean> {
  return desk.system(SLA, async (ctx) => {
    const row = await stepOf(ctx.trx, step);
    // Read again inside the transaction: a pause, a stop or another tick may have come first.
    if (!row || row.fired_at !== null || row.due_at === null || row.due_at > ctx.now) return false;
    if (!(await markFired(ctx.trx, step, ctx.now))) return false;
    const t = await ctx.load(step.ticket_id);
    const clock = (await clocksOf(ctx.trx, t.number)).find((c) => c.target === step.target);
    const dueAt = clock?.due_at ?? row.due_at;
    const due = formatMoment(dueAt, ctx.now, ctx.settings.timezone);
    const what = TARGET_NAME[step.target];
    if (step.step === "warn") await warn(ctx, rules, t, step.target, what, due, dueAt);
    else await breach(ctx, rules, t, step.target, what, due, dueAt);
    return true;
  });
}

async function warn(ctx: Ctx, rules: SlaRules, t: Ticket, target: Target, what: string, due: string, dueAt: number): Promise<void> {
  const assignee = t.assigneeId ? await ctx.person(t.assigneeId) : null;
  const who = assignee ? `${assignee.name}, it is yours` : "nobody is assigned: claim it from the triage card";
  // Late only after downtime: the catch-up says so rather than "in 0 min".
  const when = dueAt > ctx.now ? `in ${formatSpan(dueAt - ctx.now)}` : `passed ${formatSpan(ctx.now - dueAt)} ago`;
  const summary = `SLA warning: #${t.number} has used ${rules.settings.escalation.warn_at}% of its ${what} target, due ${due} (${when}); ${who}.`;
  // The assignee hears it directly, not only on the card.
  const alsoTell = assignee ? { people: [{ platform: assignee.platform, userId: assignee.userId }], channels: [] } : undefined;
  await ctx.record.announce(
    t,
    "sla_warning",
    summary,
    {
      action: "sla_warning",
      field: target,
      to: new Date(dueAt).toISOString(),
      reason: assignee ? `warned ${assignee.name}` : "warned the triage channel (unassigned)",
    },
    undefined,
    undefined,
    undefined,
    alsoTell,
  );
}

async function breach(ctx: Ctx, rules: SlaRules, t: Ticket, target: Target, what: string, due: string, dueAt: number): Promise<void> {
  const esc = rules.settings.escalation;
  const lead = await leadOf(ctx, rules, t);
  // The lead hears it directly, and so does every escalation channel.
  const matcher = leadMatcher(ctx, rules, t);
  const [leadPlatform, ...leadId] = (matcher ?? "").split(":");
  const alsoTell = {
    people: matcher ? [{ platform: leadPlatform!, userId: leadId.join(":") }] : [],
    channels: esc.channels.map((c) => ({ platform: c.slice(0, c.indexOf(":")), channel: c.slice(c.indexOf(":") + 1) })),
  };
  const raised = esc.raise_priority ? higher(t.priority) : undefined;
  const summary = `SLA breached: #${t.number} missed its ${what} target (due ${due}); ${lead ? `${lead}, please step in` : "no team lead is configured"}.${raised ? ` Priority raised to ${raised}.` : ""}`;
  const event = { action: "sla_breach", field: target, to: new Date(dueAt).toISOString(), reason: lead ? `told ${lead}` : "no lead configured" };
  if (!raised) {
    await ctx.record.announce(t, "sla_breach", summary, event, undefined, undefined, undefined, alsoTell);
    return;
  }
  await appendAudit(ctx.trx, [
    {
      at: ctx.now,
      ticket_id: t.number,
      actor_id: ctx.actor.id,
      platform: ctx.actor.platform,
      action: event.action,
      field: event.field,
      from_value: null,
      to_value: event.to,
      reason: event.reason,
    },
  ]);
  await ctx.record.change(t, { priority: raised }, "sla_breach", summary, { reason: `${what} target breached`, alsoTell });
}

function higher(p: Priority): Priority | undefined {
  const i = PRIORITIES.indexOf(p);
  return i > 0 ? PRIORITIES[i - 1] : undefined;
}

function leadMatcher(ctx: Ctx, rules: SlaRules, t: Ticket): string | undefined {
  return (t.team ? rules.settings.escalation.leads[t.team] : undefined) ?? ctx.settings.roles.lead?.[0];
}

/** The team's lead by name when they have used the desk, else as configured ("slack:U123"). */
async function leadOf(ctx: Ctx, rules: SlaRules, t: Ticket): Promise<string | undefined> {
  const matcher = leadMatcher(ctx, rules, t);
  if (!matcher) return undefined;
  const [platform, ...rest] = matcher.split(":");
  const p = await personByPlatformId(ctx.trx, platform!, rest.join(":"));
  return p ? p.display_name : matcher;
}
