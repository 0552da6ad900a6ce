// The desk's settings file (YAML): roles, teams, categories, services, the priority matrix.
// Validated once at start; an error names the file, the line and the field, and nothing falls back.
import { existsSync, readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ROLES } from "./core/permissions.js";
import type { DeskSettings } from "./core/settings.js";
import { DEFAULT_MATRIX, LEVELS, PRIORITIES, TYPES } from "./core/ticket.js";
import { capabilitySettings, capabilitySettingsProblems, capabilitySettingsSchema } from "./capabilities/index.js";

const level = z.enum(LEVELS);
const priority = z.enum(PRIORITIES);
const matcher = z
  .string()
  .regex(
    /^(slack|slack-group|teams|teams-aad|teams-group|console|email|webhook):\S+$/,
    'expected "slack:<user id>", "slack-group:<user group id>", "teams:<aad object id>", "teams-aad:<aad object id>", "teams-group:<aad group id>", "console:<name>" or "email:<address>"',
  );
const row = z.object({ high: priority, medium: priority, low: priority }).strict();

const schema = z
  .object({
    desk: z
      .object({ name: z.string().min(1).default("Deskhand"), timezone: z.string().default("UTC") })
      .strict()
      .default({ name: "Deskhand", timezone: "UTC" }),
    roles: z
      .object(Object.fromEntries(ROLES.map((r) => [r, z.array(matcher).default([])])))
      .strict()
      .default({}),
    teams: z.array(z.object({ name: z.string().min(1), members: z.array(matcher).default([]) }).strict()).default([]),
    categories: z.array(z.object({ name: z.string().min(1), team: z.string().optional(), keywords: z.array(z.string()).default([]) }).strict()).default([]),
    services: z.array(z.object({ name: z.string().min(1), critical: z.boolean().default(false), team: z.string().optional() }).strict()).default([]),
    priority_matrix: z.object({ high: row, medium: row, low: row }).strict().default(DEFAULT_MATRIX),
    defaults: z
      .object({ type: z.enum(TYPES).default("incident"), impact: level.default("medium"), urgency: level.default("medium") })
      .strict()
      .default({ type: "incident", impact: "medium", urgency: "medium" }),
    ...capabilitySettingsSchema,
  })
  .strict();

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** The settings file: DESKHAND_CONFIG, else ./deskhand.yaml, else the committed example. */
export function settingsPath(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  if (env.DESKHAND_CONFIG) return env.DESKHAND_CONFIG;
  return existsSync(`${cwd}/deskhand.yaml`) ? `${cwd}/deskhand.yaml` : `${cwd}/deskhand.example.yaml`;
}

export function loadSettings(file: string): DeskSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new SettingsError(`${file}: cannot read the settings file`);
  }
  return parseSettings(text, file);
}

export function parseSettings(text: string, file: string): DeskSettings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new SettingsError(`${file}:${line}: not valid YAML: ${e.message.split("\n")[0]}`);
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String);
    // An unknown key is best pointed at on its own line.
    const at = issue.code === "unrecognized_keys" ? [...path, String(issue.keys[0])] : path;
    throw new SettingsError(`${file}:${lineOf(doc, lineCounter, at)}: ${path.join(".") || "(top level)"}: ${issue.message}`);
  }
  const s = result.data;
  const settings: DeskSettings = {
    deskName: s.desk.name,
    timezone: s.desk.timezone,
    roles: s.roles as DeskSettings["roles"],
    teams: s.teams,
    categories: s.categories,
    services: s.services,
    priorityMatrix: s.priority_matrix,
    defaults: s.defaults,
    ...capabilitySettings(s),
  };
  crossCheck(settings, doc, lineCounter, file);
  return settings;
}

/** The line of the deepest node on `path` that exists in the document. */
function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: string[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(
      path.slice(0, n).map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
      true,
    ) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}

function crossCheck(s: DeskSettings, doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): void {
  const fail = (path: (string | number)[], message: string) => {
    throw new SettingsError(`${file}:${lineOf(doc, lc, path.map(String))}: ${path.join(".")}: ${message}`);
  };
  try {
    new Intl.DateTimeFormat("en", { timeZone: s.timezone });
  } catch {
    fail(["desk", "timezone"], `"${s.timezone}" is not a time zone (use an IANA name such as Europe/London)`);
  }
  const teams = new Set(s.teams.map((t) => t.name));
  s.categories.forEach((c, i) => {
    if (c.team && !teams.has(c.team)) fail(["categories", i, "team"], `no team is named "${c.team}"`);
  });
  s.services.forEach((c, i) => {
    if (c.team && !teams.has(c.team)) fail(["services", i, "team"], `no team is named "${c.team}"`);
  });
  for (const p of capabilitySettingsProblems(s)) fail(p.path, p.message);
  const seen = new Set<string>();
  s.categories.forEach((c, i) => {
    if (seen.has(c.name)) fail(["categories", i, "name"], `category "${c.name}" is listed twice`);
    seen.add(c.name);
  });
}
