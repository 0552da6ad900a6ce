// SLA as a capability: clocks follow every change inside its transaction, snapshots carry due times,
// cards show "Respond by" / "Resolve by", and `list` puts the soonest breach first.
import { sql } from "kysely";
import type { Clock } from "../../core/clock.js";
import type { Capability } from "../../core/capability.js";
import type { DeskSettings } from "../../core/settings.js";
import type { FieldView, TicketSnapshot } from "../../core/views.js";
import { consumedAt, syncClocks } from "./clocks.js";
import { dueText, formatSpan } from "./format.js";
import { SlaRules } from "./rules.js";
import { clocksOf } from "./repository.js";
import type { ClockState, Target } from "./tables.js";

export const SLA = "sla";

export interface SlaClockView {
  state: ClockState;
  policy: string;
  targetMs: number;
  consumedMs: number;
  /** When the target is missed, while the clock runs. */
  dueAt: number | null;
  breached: boolean;
}

/** What snapshot.extras.sla holds. */
export interface SlaExtras {
  /** The moment the figures were taken, and the desk's time zone, for plain-text rendering. */
  asOf: number;
  timezone: string;
  clocks: Partial<Record<Target, SlaClockView>>;
}

export function slaHooks(opts: { settings: DeskSettings; clock: Clock }): Capability {
  const sla = opts.settings.sla;
  if (!sla) throw new Error("slaHooks needs an `sla:` section in the settings");
  const rules = new SlaRules(sla);
  return {
    name: SLA,
    card: slaFields,
    // Running clocks' nearest due time: the ticket closest to breach lists first.
    listOrder: SOONEST_DUE,
    async afterChange(ctx, { before, after }) {
      // An announced change (a comment, an offer, an incident update) moved no field, so no clock moved either:
      // the desk passes the ticket itself as `before` then.
      if (before === after) return;
      // Read afresh: another capability's hook may have changed the ticket (triage setting the priority) since `after`.
      await syncClocks(ctx.trx, rules, await ctx.load(after.number), ctx.now, ctx.actor);
    },
    async enrich(db, ticket): Promise<SlaExtras> {
      const now = opts.clock.now();
      const clocks: SlaExtras["clocks"] = {};
      for (const c of await clocksOf(db, ticket.number)) {
        const consumed = consumedAt(rules, c, now);
        clocks[c.target] = {
          state: c.state,
          policy: c.policy,
          targetMs: c.target_ms,
          consumedMs: consumed,
          dueAt: c.due_at,
          breached: consumed > c.target_ms || (c.due_at !== null && c.due_at <= now),
        };
      }
      return { asOf: now, timezone: opts.settings.timezone, clocks };
    },
  };
}

const SOONEST_DUE = sql<number | null>`(SELECT MIN(sla_clocks.due_at) FROM sla_clocks WHERE sla_clocks.ticket_id = tickets.id)`;

const LABELS: Record<Target, { label: string; verb: string }> = {
  first_response: { label: "Respond by", verb: "Respond" },
  resolution: { label: "Resolve by", verb: "Resolve" },
};

/** The card's SLA fields, in the desk's time zone (or `tz`, when the viewer's is known). */
export function slaFields(s: TicketSnapshot, tz?: string): { fields: FieldView[] } {
  const x = s.extras?.[SLA] as SlaExtras | undefined;
  if (!x) return { fields: [] };
  const zone = tz ?? x.timezone;
  const fields: FieldView[] = [];
  for (const target of ["first_response", "resolution"] as Target[]) {
    const c = x.clocks[target];
    if (!c) continue;
    const { label, verb } = LABELS[target];
    if (c.state === "running" && c.dueAt !== null) {
      const value = dueText(verb, c.dueAt, x.asOf, zone);
      fields.push({ label, value, time: { at: c.dueAt, ...(c.dueAt <= x.asOf ? { prefix: "Breached; was due " } : {}) } });
    } else if (c.state === "paused") {
      fields.push({
        label,
        value: c.breached
          ? `Paused, breached by ${formatSpan(c.consumedMs - c.targetMs)} (waiting on requester)`
          : `Paused: ${formatSpan(c.targetMs - c.consumedMs)} left (waiting on requester)`,
      });
    } else if (target === "first_response" && c.state === "stopped") {
      fields.push({ label: "First response", value: `${c.breached ? "late" : "in time"}: ${formatSpan(c.consumedMs)} of ${formatSpan(c.targetMs)}` });
    }
  }
  return { fields };
}
