// The one list of the desk's capabilities. A capability is one folder of src/capabilities/ and one line
// here; the core learns everything it adds (verbs, buttons, card parts, hooks, jobs) from the object.
import type { Capability } from "../core/capability.js";
import { systemClock, type Clock } from "../core/clock.js";
import type { DeskSettings } from "../core/settings.js";
import { alertsExtension } from "./alerts/extension.js";
import { approvalsCapability } from "./approvals/index.js";
import { auditExtension } from "./audit/extension.js";
import { incidentsExtension } from "./incidents/extension.js";
import { knowledgeExtension } from "./knowledge/extension.js";
import { outboxExtension } from "./operations/outbox.js";
import { reportsCapability } from "./reports/index.js";
import { rolesExtension } from "./roles/extension.js";
import { satisfactionExtension } from "./satisfaction/index.js";
import { slaCapability } from "./sla/index.js";
import { triageExtension } from "./triage/index.js";

/** Every standard capability the settings turn on, in the order their hooks run and their card parts show. */
export function standardCapabilities(settings: DeskSettings, clock: Clock = systemClock): Capability[] {
  return [
    incidentsExtension(),
    alertsExtension(),
    triageExtension(settings),
    ...(settings.approvals ? [approvalsCapability(settings)] : []),
    knowledgeExtension(),
    reportsCapability(settings),
    satisfactionExtension(),
    outboxExtension(),
    rolesExtension(),
    auditExtension(),
    ...(settings.sla ? [slaCapability({ settings, clock })] : []),
  ];
}
