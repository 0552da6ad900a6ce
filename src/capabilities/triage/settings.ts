// The `triage:` section of the settings file: modes, thresholds, owner rules, duplicate windows.
import { z } from "zod";

const matcher = z
  .string()
  .regex(/^(slack|teams|console|email|webhook):\S+$/, 'expected "slack:<user id>", "teams:<aad object id>", "console:<name>" or "email:<address>"');

export const triageSchema = z
  .object({
    /**
     * Configured rules apply in both modes. suggest: the card offers the model's category; auto: the model's
     * category is applied where its precision on held-back tickets reaches auto_precision.
     */
    mode: z.enum(["suggest", "auto"]).default("suggest"),
    auto_precision: z.number().min(0.5).max(1).default(0.9),
    /** Replaced by auto_precision and ignored (a raw confidence does not say how often it is right); kept so older files load. */
    auto_threshold: z.number().min(0).max(1).optional(),
    /** Below this confidence the model's guess is not shown at all. */
    suggest_threshold: z.number().min(0).max(1).default(0.3),
    /** Regular expressions per category, on top of each category's keywords. */
    patterns: z.array(z.object({ category: z.string().min(1), pattern: z.string().min(1) }).strict()).default([]),
    /** Requesters whose tickets are high impact. */
    vip: z.array(matcher).default([]),
    /** How each team's tickets get an owner; teams not listed are left for Claim. */
    owner: z.array(z.object({ team: z.string().min(1), rule: z.enum(["round_robin", "least_loaded", "claim"]) }).strict()).default([]),
    duplicates: z
      .object({
        /** No longer used: every open ticket is a candidate, however old (kept so that older files still load). */
        window_hours: z.number().positive().optional(),
        threshold: z.number().min(0).max(1).default(0.5),
        /** K similar tickets within M minutes offer an incident, once per original. */
        incident_after: z.number().int().min(2).default(6),
        incident_window_minutes: z.number().positive().default(10),
      })
      .strict()
      .default({ threshold: 0.5, incident_after: 6, incident_window_minutes: 10 }),
  })
  .strict();

export type TriageSettings = z.infer<typeof triageSchema>;

export const DEFAULT_TRIAGE: TriageSettings = triageSchema.parse({});

/** Names in the triage section that must exist elsewhere in the file (categories, teams). */
export function triageCrossCheck(t: TriageSettings, known: { categories: string[]; teams: string[] }): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  t.patterns.forEach((p, i) => {
    if (!known.categories.includes(p.category)) out.push({ path: ["triage", "patterns", i, "category"], message: `no category is named "${p.category}"` });
    try {
      new RegExp(p.pattern, "iu");
    } catch (e) {
      out.push({ path: ["triage", "patterns", i, "pattern"], message: `not a regular expression: ${(e as Error).message}` });
    }
  });
  t.owner.forEach((o, i) => {
    if (!known.teams.includes(o.team)) out.push({ path: ["triage", "owner", i, "team"], message: `no team is named "${o.team}"` });
  });
  return out;
}

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** Triage on arrival; no section, triage runs with its defaults. */
    triage?: TriageSettings;
  }
}
