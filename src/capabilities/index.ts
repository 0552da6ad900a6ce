// The one list of the desk's capabilities. A capability is one folder of src/capabilities/ and one line
// here; the core learns everything it adds (verbs, buttons, card parts, hooks, jobs) from the object.
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import type { Capability } from "../core/capability.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { DeskSettings } from "../core/settings.js";
import { alertsCapability } from "./alerts/index.js";
import { alertsCrossCheck, alertsSchema } from "./alerts/settings.js";
import { approvalsCrossCheck, approvalsSchema } from "./approvals/settings.js";
import { auditSchema } from "./audit/export.js";
import { reportsCrossCheck, reportsSchema } from "./reports/settings.js";
import { slaCrossCheck, slaSettingsSchema } from "./sla/config.js";
import { triageCrossCheck, triageSchema } from "./triage/settings.js";
import { approvalsCapability } from "./approvals/index.js";
import { auditCapability } from "./audit/index.js";
import { incidentsCapability } from "./incidents/index.js";
import { knowledgeCapability } from "./knowledge/index.js";
import { outboxCapability } from "./operations/index.js";
import { reportsCapability } from "./reports/index.js";
import { rolesCapability } from "./roles/index.js";
import { satisfactionCapability } from "./satisfaction/index.js";
import { slaCapability } from "./sla/index.js";
import { triageCapability } from "./triage/index.js";

/**
 * Where a desk on the SQLite file `dbPath` writes the files people ask for (report charts, exports, audit
 * exports): a `files` folder beside the database, so a desk run from another directory, or with DESKHAND_DB
 * elsewhere, keeps them with its data. An in-memory database has no folder: ./data/files.
 */
export function filesDirBeside(dbPath: string): string {
  return dbPath === ":memory:" ? resolve("data", "files") : join(dirname(resolve(dbPath)), "files");
}

/**
 * Every standard capability the settings turn on, in the order their hooks run and their card parts show.
 * `filesDir`: where reports and exports are written (filesDirBeside(the database); ./data/files if not given).
 */
export function standardCapabilities(settings: DeskSettings, clock: Clock = systemClock, opts: { filesDir?: string } = {}): Capability[] {
  const files = opts.filesDir ?? resolve("data", "files");
  return [
    incidentsCapability(),
    alertsCapability(),
    triageCapability(settings),
    ...(settings.approvals ? [approvalsCapability(settings)] : []),
    knowledgeCapability(),
    reportsCapability(settings, { outDir: join(files, "reports") }),
    satisfactionCapability(),
    outboxCapability(),
    rolesCapability(),
    auditCapability({ outDir: join(files, "audit") }),
    ...(settings.sla ? [slaCapability({ settings, clock })] : []),
  ];
}

/** The capabilities' sections of the settings file, each read with its capability's own schema (src/settings.ts adds them to the core's). */
export const capabilitySettingsSchema = {
  triage: triageSchema.optional(),
  sla: slaSettingsSchema.optional(),
  alerts: alertsSchema.optional(),
  reports: reportsSchema.optional(),
  approvals: approvalsSchema.optional(),
  audit: auditSchema.optional(),
};

type CapabilitySections = z.infer<z.ZodObject<typeof capabilitySettingsSchema>>;

/** The parsed sections as DeskSettings holds them (each capability declares its own field). */
export function capabilitySettings(s: CapabilitySections): Partial<DeskSettings> {
  return {
    ...(s.triage ? { triage: s.triage } : {}),
    ...(s.sla ? { sla: s.sla } : {}),
    ...(s.alerts ? { alerts: s.alerts.sources } : {}),
    ...(s.reports ? { reports: s.reports } : {}),
    ...(s.approvals ? { approvals: s.approvals } : {}),
    ...(s.audit ? { audit: { exportMaxDays: s.audit.export_max_days } } : {}),
  };
}

/** What each capability finds wrong in its section against the rest of the settings (a team or category it names that does not exist). */
export function capabilitySettingsProblems(s: DeskSettings): { path: (string | number)[]; message: string }[] {
  const teams = s.teams.map((t) => t.name);
  const categories = s.categories.map((c) => c.name);
  return [
    ...alertsCrossCheck(s.alerts ?? []),
    ...(s.reports ? reportsCrossCheck(s.reports) : []),
    ...(s.approvals ? approvalsCrossCheck(s.approvals, { categories, services: s.services.map((x) => x.name) }) : []),
    ...(s.sla ? slaCrossCheck(s.sla, teams) : []),
    ...(s.triage ? triageCrossCheck(s.triage, { categories, teams }) : []),
  ];
}
