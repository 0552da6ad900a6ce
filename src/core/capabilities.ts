// The capabilities a desk runs with, in one list, so the process and the tests assemble the same desk.
import { systemClock, type Clock } from "./clock.js";
import type { Extension } from "./desk.js";
import { alertsExtension } from "./alerts/extension.js";
import { approvalsExtension } from "./approvals/extension.js";
import { auditExtension } from "./audit/extension.js";
import { incidentsExtension } from "./incidents/extension.js";
import { knowledgeExtension } from "./knowledge/extension.js";
import { outboxExtension } from "./operations/outbox.js";
import { reportsExtension } from "./reports/extension.js";
import { rolesExtension } from "./roles/extension.js";
import { satisfactionExtension } from "./satisfaction/index.js";
import type { DeskSettings } from "./settings.js";
import { slaExtension } from "./sla/extension.js";
import { triageExtension } from "./triage/index.js";

export function standardExtensions(_settings: DeskSettings, clock: Clock = systemClock): Extension[] {
  return [incidentsExtension(), alertsExtension(), triageExtension(_settings), ...(_settings.approvals ? [approvalsExtension(_settings)] : []), knowledgeExtension(), reportsExtension(), satisfactionExtension(), outboxExtension(), rolesExtension(), auditExtension(), ...(_settings.sla ? [slaExtension({ settings: _settings, clock })] : [])];
}
