// Desk settings as the core sees them, already validated (see src/settings.ts for the file).
import type { AlertSource } from "../capabilities/alerts/model.js";
import type { ApprovalSettings } from "../capabilities/approvals/settings.js";
import type { ReportsSettings } from "../capabilities/reports/settings.js";
import type { Role } from "./permissions.js";
import type { SlaSettings } from "../capabilities/sla/config.js";
import type { Level, PriorityMatrix, TicketType } from "./ticket.js";
import type { TriageSettings } from "../capabilities/triage/settings.js";

export interface TeamSettings {
  name: string;
  members: string[];
}

export interface CategorySettings {
  name: string;
  team?: string;
  keywords: string[];
}

export interface ServiceSettings {
  name: string;
  critical: boolean;
  team?: string;
}

export interface DeskSettings {
  deskName: string;
  timezone: string;
  /** Person matchers per role: "slack:U123", "slack-group:S123", "teams:<aad id>", "teams-aad:<aad id>", "teams-group:<aad group id>", "console:ana", "email:ana@example.com". */
  roles: Partial<Record<Role, string[]>>;
  teams: TeamSettings[];
  categories: CategorySettings[];
  services: ServiceSettings[];
  priorityMatrix: PriorityMatrix;
  defaults: { type: TicketType; impact: Level; urgency: Level };
  /** Triage on arrival (src/capabilities/triage/settings.ts); no section, triage runs with its defaults. */
  triage?: TriageSettings;
  /** SLA calendars, policies and escalation (src/capabilities/sla/config.ts); no section, no SLA clocks. */
  sla?: SlaSettings;
  /** Monitoring sources posting alerts to /hooks/<name> (src/capabilities/alerts/settings.ts). */
  alerts?: AlertSource[];
  /** Which access and change requests need approval, by whom, and by which rule (src/capabilities/approvals/settings.ts). */
  approvals?: ApprovalSettings;
  /** The audit export (src/capabilities/audit/): the longest range one export may cover, in days (default 366). */
  audit?: { exportMaxDays: number };
  /** Reports: the scheduled digest (src/capabilities/reports/settings.ts); no section, no digest. */
  reports?: ReportsSettings;
}
