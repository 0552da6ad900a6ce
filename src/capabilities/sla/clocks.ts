// The two clocks of a ticket (first response, resolution) follow its state: whatever the change, the
// desired state of each clock is read off the ticket and the stored clock is moved to it. Every start,
// pause, resume, stop and re-target is an audit event in the change's transaction.
import { appendAudit } from "../../store/audit.js";
import type { NewAuditRow, Queryable } from "../../store/database.js";
import type { Person } from "../../core/people.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { formatSpan } from "./format.js";
import type { SlaRules } from "./rules.js";
import { type ClockRow, type ClockState, type Target, TARGETS } from "./tables.js";
import { clocksOf, saveClock, scheduleSteps } from "./repository.js";

/** What the ticket says each clock should be doing now. */
export function desiredState(t: Ticket, target: Target): ClockState {
  if (!isOpen(t.status)) return "stopped";
  if (target === "first_response" && t.firstResponseAt !== null) return "stopped";
  // Time spent waiting on the requester, or on approvers, is not the desk's to count.
  return t.status === "waiting" || t.status === "awaiting_approval" ? "paused" : "running";
}

/** Counted time used so far (up to `now` for a running clock). */
export function consumedAt(rules: SlaRules, c: ClockRow, now: number): number {
  return c.consumed_ms + (c.state === "running" && c.running_since !== null ? rules.base(c.calendar).between(c.running_since, now) : 0);
}

/** Moves the ticket's clocks to where the ticket says they should be, auditing each move. */
export async function syncClocks(db: Queryable, rules: SlaRules, t: Ticket, now: number, actor: Person): Promise<void> {
  const existing = new Map((await clocksOf(db, t.number)).map((c) => [c.target, c]));
  const terms = rules.termsFor(t);
  const events: NewAuditRow[] = [];
  const audit = (target: Target, action: string, to: string | null, reason: string) =>
    events.push({ at: now, ticket_id: t.number, actor_id: actor.id, platform: actor.platform, action, field: target, from_value: null, to_value: to, reason });

  for (const target of TARGETS) {
    const want = desiredState(t, target);
    const old = existing.get(target);
    if (!old && want === "stopped") continue;
    let c: ClockRow = old ?? {
      ticket_id: t.number,
      target,
      policy: terms.label,
      target_ms: terms.targetMs[target],
      calendar: terms.calendar,
      state: want,
      started_at: now,
      consumed_ms: 0,
      running_since: null,
      due_at: null,
      stopped_at: null,
      breached_at: null,
    };
    const before = old ? { ...old } : null;
    const retarget = Boolean(old) && want !== "stopped" && (c.policy !== terms.label || c.target_ms !== terms.targetMs[target]);
    if (before && before.state === want && !retarget) continue; // nothing moved

    // Fold the running stretch into consumed time, so what follows counts from now. A running clock's due time
    // is the moment it reaches its target; once that is past, it is the breach moment, and is kept from here on.
    if (c.state === "running")
      c = {
        ...c,
        consumed_ms: consumedAt(rules, c, now),
        running_since: null,
        breached_at: c.breached_at ?? (c.due_at !== null && c.due_at <= now ? c.due_at : null),
      };
    if (retarget) {
      audit(target, "sla_retarget", terms.label, `${formatSpan(c.target_ms)} -> ${formatSpan(terms.targetMs[target])} (was ${c.policy})`);
      c = { ...c, policy: terms.label, target_ms: terms.targetMs[target], calendar: terms.calendar };
    }
    c = { ...c, state: want, running_since: want === "running" ? now : null, stopped_at: want === "stopped" ? now : null };
    const base = rules.base(c.calendar);
    const left = c.target_ms - c.consumed_ms;
    // Within the target (a re-target may bring it back within), there is no breach; past it, the breach happened
    // when it was first seen past, or now for a clock that a re-target has just put past it.
    c.breached_at = left > 0 ? null : (c.breached_at ?? now);
    // Time left: the due time moves by exactly the counted time spent paused. None left: the breach moment stands,
    // so a breached ticket that waited reads as long breached as its twin that never waited.
    c.due_at = want !== "running" ? null : left > 0 ? base.add(now, left) : c.breached_at;

    if (!before) audit(target, "sla_start", iso(c.due_at), `${formatSpan(c.target_ms)} target, policy ${c.policy}`);
    else if (before.state !== want) {
      if (want === "paused")
        audit(
          target,
          "sla_pause",
          "paused",
          `${t.status === "awaiting_approval" ? "awaiting approval" : "waiting on the requester"}; ${formatSpan(Math.max(0, c.target_ms - c.consumed_ms))} left`,
        );
      else if (want === "running")
        audit(target, "sla_resume", iso(c.due_at), before.state === "stopped" ? "reopened" : "no longer waiting on the requester or approvers");
      else
        audit(
          target,
          "sla_stop",
          c.consumed_ms <= c.target_ms ? "met" : "breached",
          c.consumed_ms <= c.target_ms
            ? `met: ${formatSpan(c.consumed_ms)} of ${formatSpan(c.target_ms)} used`
            : `breached: ${formatSpan(c.consumed_ms)} used of ${formatSpan(c.target_ms)}`,
        );
    }
    await saveClock(db, c);
    // Steps that have fired keep their record (scheduleSteps), so a resume or a reopen never escalates twice.
    const warnAt = want !== "running" ? null : left > 0 ? base.add(now, Math.max(0, rules.warnFraction * c.target_ms - c.consumed_ms)) : c.breached_at;
    await scheduleSteps(db, t.number, target, { warn: warnAt, breach: c.due_at });
  }
  await appendAudit(db, events);
}

function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}
