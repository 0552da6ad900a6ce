// The `sla:` section of the settings file: calendars (business hours), policies (targets per priority,
// optionally per type or team) and the escalation ladder. Validated with the rest of the file, so a
// mistake stops start-up naming the file, the line and the field.
import { z } from "zod";
import { PRIORITIES, TYPES } from "../../core/ticket.js";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as "09:00"');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A real calendar date written YYYY-MM-DD (2026-02-30 is refused, not rolled over). */
function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** "30m", "4h", "1h30m", "2d" (calendar days of 24 h) or a number of minutes; never zero or negative. */
export function parseDuration(v: string | number): number | string {
  if (typeof v === "number") return v > 0 && Number.isFinite(v) ? v * 60_000 : "a target must be a positive number of minutes";
  const s = v.trim();
  if (s.startsWith("-")) return "a target cannot be negative";
  const m = /^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/.exec(s);
  if (!m || !s) return 'expected a duration such as "30m", "4h", "1h30m" or "2d"';
  const ms = ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000;
  return ms > 0 ? ms : "a target must be longer than zero";
}

/** A duration in the settings file ("30m", "4h", "1h30m", "2d", or minutes as a number), in milliseconds. */
export const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseDuration(v);
  if (typeof r === "string") {
    ctx.addIssue({ code: "custom", message: r });
    return z.NEVER;
  }
  return r;
});

const calendar = z
  .object({
    name: z.string().min(1),
    timezone: z.string().refine(isTimeZone, { message: "not a time zone (use an IANA name such as Europe/London)" }),
    hours: z.object({ start: clockTime, end: clockTime }).strict(),
    days: z.array(z.enum(WEEKDAYS)).min(1, "a calendar needs at least one working day"),
    holidays: z.array(z.string().refine(isIsoDate, { message: "expected a date written YYYY-MM-DD" })).default([]),
  })
  .strict()
  .refine((c) => c.hours.start < c.hours.end, { message: "the working day must end after it starts", path: ["hours", "end"] });

const policy = z
  .object({
    priority: z.enum(PRIORITIES),
    type: z.enum(TYPES).optional(),
    team: z.string().min(1).optional(),
    first_response: durationSchema,
    resolution: durationSchema,
    /** business: counted only inside the calendar's working hours; calendar: around the clock. */
    time: z.enum(["business", "calendar"]).default("business"),
    calendar: z.string().min(1).optional(),
  })
  .strict();

const escalation = z
  .object({
    /** Percent of a target at which the assignee (or the triage channel) is warned. */
    warn_at: z.number().int().min(1).max(99).default(75),
    /** Who hears of a breach for each team: person matchers as in roles (slack:U.., teams:.., console:..). */
    leads: z.record(z.string(), z.string()).default({}),
    /** At breach, raise the ticket's priority one step (P3 -> P2), never above P1. */
    raise_priority: z.boolean().default(false),
    /** Channels told of every breach: "slack:C0123ABCD" or "teams:<channel conversation id>". */
    channels: z.array(z.string().regex(/^(slack|teams):\S+$/, 'expected "slack:<channel id>" or "teams:<conversation id>"')).default([]),
  })
  .strict();

export const slaSettingsSchema = z
  .object({
    calendars: z.array(calendar).min(1, "define at least one calendar"),
    /** The calendar used when neither the policy nor the ticket's team names one. */
    default_calendar: z.string().min(1).optional(),
    /** team name -> calendar name */
    team_calendars: z.record(z.string(), z.string()).default({}),
    policies: z.array(policy).min(1, "define at least one policy"),
    escalation: escalation.default({ warn_at: 75, leads: {}, raise_priority: false, channels: [] }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.calendars.forEach((c, i) => {
      if (names.has(c.name)) ctx.addIssue({ code: "custom", path: ["calendars", i, "name"], message: `calendar "${c.name}" is defined twice` });
      names.add(c.name);
    });
    const known = (name: string | undefined, path: (string | number)[]) => {
      if (name !== undefined && !names.has(name)) ctx.addIssue({ code: "custom", path, message: `no calendar is named "${name}"` });
    };
    known(s.default_calendar, ["default_calendar"]);
    for (const [team, cal] of Object.entries(s.team_calendars)) known(cal, ["team_calendars", team]);
    s.policies.forEach((p, i) => {
      known(p.calendar, ["policies", i, "calendar"]);
      if (p.resolution < p.first_response)
        ctx.addIssue({ code: "custom", path: ["policies", i, "resolution"], message: "the resolution target is shorter than the first-response target" });
    });
    for (const pr of PRIORITIES) {
      if (!s.policies.some((p) => p.priority === pr && !p.type && !p.team))
        ctx.addIssue({ code: "custom", path: ["policies"], message: `no policy for ${pr} without type or team; every priority needs one` });
    }
  });

export type SlaSettings = z.output<typeof slaSettingsSchema>;
export type SlaCalendar = SlaSettings["calendars"][number];
export type SlaPolicy = SlaSettings["policies"][number];

/** Checks that need the rest of the settings (team names). Each problem: the path in the file and what is wrong. */
export function slaCrossCheck(sla: SlaSettings, teams: string[]): { path: (string | number)[]; message: string }[] {
  const known = new Set(teams);
  const out: { path: (string | number)[]; message: string }[] = [];
  sla.policies.forEach((p, i) => {
    if (p.team && !known.has(p.team)) out.push({ path: ["sla", "policies", i, "team"], message: `no team is named "${p.team}"` });
  });
  for (const t of Object.keys(sla.team_calendars)) if (!known.has(t)) out.push({ path: ["sla", "team_calendars", t], message: `no team is named "${t}"` });
  for (const t of Object.keys(sla.escalation.leads))
    if (!known.has(t)) out.push({ path: ["sla", "escalation", "leads", t], message: `no team is named "${t}"` });
  return out;
}

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** SLA calendars, policies and escalation; no section, no SLA clocks. */
    sla?: SlaSettings;
  }
}
