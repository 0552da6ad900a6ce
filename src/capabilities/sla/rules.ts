// Which policy and which way of counting time apply to a ticket.
import type { Ticket } from "../../core/ticket.js";
import { Calendar, businessTime, wallClock, type TimeBase } from "./calendar.js";
import type { SlaPolicy, SlaSettings } from "./config.js";
import type { Target } from "./tables.js";

export interface Terms {
  /** e.g. "P2 incident (business hours, london)" */
  label: string;
  targetMs: Record<Target, number>;
  /** The calendar counted on, or null for around-the-clock time. */
  calendar: string | null;
}

export class SlaRules {
  private readonly calendars: Map<string, Calendar>;

  constructor(readonly settings: SlaSettings) {
    this.calendars = new Map(settings.calendars.map((c) => [c.name, new Calendar(c)]));
  }

  get warnFraction(): number {
    return this.settings.escalation.warn_at / 100;
  }

  /** The most specific policy for the ticket's priority: type and team both matching beat team, which beats type. */
  policyFor(t: Ticket): SlaPolicy {
    const score = (p: SlaPolicy) => (p.team ? 2 : 0) + (p.type ? 1 : 0);
    const fits = this.settings.policies.filter((p) => p.priority === t.priority && (!p.type || p.type === t.type) && (!p.team || p.team === t.team));
    // Settings validation guarantees a plain policy for every priority, so `fits` is never empty.
    return fits.reduce((best, p) => (score(p) > score(best) ? p : best));
  }

  termsFor(t: Ticket): Terms {
    const p = this.policyFor(t);
    const calendar =
      p.time === "business"
        ? (p.calendar ?? (t.team ? this.settings.team_calendars[t.team] : undefined) ?? this.settings.default_calendar ?? this.settings.calendars[0]!.name)
        : null;
    const scope = [p.priority, p.type, p.team].filter(Boolean).join(" ");
    return {
      label: `${scope} (${calendar ? `business hours, ${calendar}` : "calendar time"})`,
      targetMs: { first_response: p.first_response, resolution: p.resolution },
      calendar,
    };
  }

  /**
   * How time is counted for a clock on `calendar` (null: around the clock). A clock stored on a calendar since
   * removed from the settings counts on the default one; its next change re-targets it, with an audit event.
   */
  base(calendar: string | null): TimeBase {
    if (!calendar) return wallClock;
    return businessTime(this.calendars.get(calendar) ?? this.calendars.get(this.settings.default_calendar ?? "") ?? this.calendars.values().next().value!);
  }
}
