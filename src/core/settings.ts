// Desk settings as the core sees them, already validated (see src/settings.ts for the file).
import type { Role } from "./permissions.js";
import type { Level, PriorityMatrix, TicketType } from "./ticket.js";

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

/**
 * The core's settings. Each capability declares its own section from its folder (`declare module` in its
 * settings file: triage, sla, alerts, approvals, reports, audit); each is parsed with the capability's own schema,
 * composed in src/capabilities/index.ts beside the list of capabilities.
 */
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
}
