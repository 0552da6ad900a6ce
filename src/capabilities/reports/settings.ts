// The `reports:` section of the settings file: where and when the digest is posted.
import { z } from "zod";

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const digestSchema = z
  .object({
    every: z.enum(["daily", "weekly"]).default("weekly"),
    day: z.enum(WEEKDAYS).default("monday"),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour time such as "09:00"')
      .default("09:00"),
    /** IANA zone of `day` and `time`; the desk's timezone when left out. */
    tz: z.string().optional(),
    slack_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, "expected a Slack channel id such as C0123ABCD")
      .optional(),
    teams_channel: z
      .string()
      .regex(/^19:\S+$/, 'expected a Teams channel conversation id such as "19:abc...@thread.tacv2"')
      .optional(),
  })
  .strict();

export const reportsSchema = z.object({ digest: digestSchema.optional() }).strict();

export type DigestSettings = z.infer<typeof digestSchema>;
export type ReportsSettings = z.infer<typeof reportsSchema>;

/** What the schema cannot say alone: a digest goes somewhere, at a real time zone. */
export function reportsCrossCheck(r: ReportsSettings): { path: (string | number)[]; message: string }[] {
  const d = r.digest;
  if (!d) return [];
  const out: { path: (string | number)[]; message: string }[] = [];
  if (!d.slack_channel && !d.teams_channel)
    out.push({ path: ["reports", "digest"], message: "name slack_channel, teams_channel or both: the digest has nowhere to go" });
  if (d.tz) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: d.tz });
    } catch {
      out.push({ path: ["reports", "digest", "tz"], message: `"${d.tz}" is not a time zone (use an IANA name such as Europe/London)` });
    }
  }
  return out;
}

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** Reports: the scheduled digest; no section, no digest. */
    reports?: ReportsSettings;
  }
}
