// The capabilities a desk runs with, in one list, so the process and the tests assemble the same desk.
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

export function standardExtensions(_settings: DeskSettings, clock: Clock = systemClock): Extension[] {
  return [incidentsExtension(), alertsExtension(), triageExtension(_settings), ...(_settings.approvals ? [approvalsExtension(_settings)] : []), knowledgeExtension(), reportsExtension(), satisfactionExtension(), outboxExtension(), rolesExtension(), auditExtension(), ...(_settings.sla ? [slaExtension({ settings: _settings, clock })] : [])];
}
