// The capabilities a desk runs with, in one list, so the process and the tests assemble the same desk.
import { dirname, join, resolve } from "node:path";
import { systemClock, type Clock } from "./clock.js";
import type { Extension } from "./desk.js";
import { alertsExtension } from "../capabilities/alerts/extension.js";
import { approvalsExtension } from "../capabilities/approvals/extension.js";
import { auditExtension } from "../capabilities/audit/extension.js";
import { incidentsExtension } from "../capabilities/incidents/extension.js";
import { knowledgeExtension } from "../capabilities/knowledge/extension.js";
import { outboxExtension } from "../capabilities/operations/outbox.js";
import { reportsExtension } from "../capabilities/reports/extension.js";
import { rolesExtension } from "../capabilities/roles/extension.js";
import { satisfactionExtension } from "../capabilities/satisfaction/index.js";
import type { DeskSettings } from "./settings.js";
import { slaExtension } from "../capabilities/sla/extension.js";
import { triageExtension } from "../capabilities/triage/index.js";

/**
 * Where a desk on the SQLite file `dbPath` writes the files people ask for (report charts, exports, audit
 * exports): a `files` folder beside the database, so a desk run from another directory, or with DESKHAND_DB
 * elsewhere, keeps them with its data. An in-memory database has no folder: ./data/files.
 */
export function filesDirBeside(dbPath: string): string {
  return dbPath === ":memory:" ? resolve("data", "files") : join(dirname(resolve(dbPath)), "files");
}

/** `filesDir`: where reports and exports are written (filesDirBeside(the database); ./data/files if not given). */
export function standardExtensions(_settings: DeskSettings, clock: Clock = systemClock, opts: { filesDir?: string } = {}): Extension[] {
  const files = opts.filesDir ?? resolve("data", "files");
  return [incidentsExtension(), alertsExtension(), triageExtension(_settings), ...(_settings.approvals ? [approvalsExtension(_settings)] : []), knowledgeExtension(), reportsExtension({ outDir: join(files, "reports") }), satisfactionExtension(), outboxExtension(), rolesExtension(), auditExtension({ outDir: join(files, "audit") }), ...(_settings.sla ? [slaExtension({ settings: _settings, clock })] : [])];
}
