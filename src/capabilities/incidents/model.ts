// Incidents: one outage, one voice. The model, its statuses and how commands name it.
export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Incident {
  id: number;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  service: string | null;
  originTicketId: number | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
}

export interface IncidentUpdate {
  status: IncidentStatus;
  body: string;
  author: string;
  at: number;
}

/** The neutral view of an incident that status channels show (one message per channel, edited in place). */
/** What status channels and requesters are shown of an incident: the core's notifiers carry it (declared below). */
export type { IncidentView } from "../../core/notify.js";

export const incidentName = (id: number) => `INC-${id}`;

/** "3", "#3", "INC-3", "inc3", "I3" -> 3 */
export function parseIncidentId(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const m = /^(?:#|inc-?|i)?(\d{1,9})$/i.exec(token);
  return m ? Number(m[1]) : undefined;
}

export function parseIncidentStatus(token: string | undefined): IncidentStatus | undefined {
  const t = token?.toLowerCase();
  return (INCIDENT_STATUSES as readonly string[]).includes(t ?? "") ? (t as IncidentStatus) : undefined;
}

export function parseSeverity(token: string | undefined): Severity | undefined {
  const t = token?.toUpperCase().replace(/^SEV-?/, "SEV");
  return (SEVERITIES as readonly string[]).includes(t ?? "") ? (t as Severity) : undefined;
}

export type IncidentAction =
  | { kind: "declare"; title: string; severity?: Severity; fromTicket?: number }
  | { kind: "update"; id: number; status?: IncidentStatus; message: string }
  | { kind: "resolve"; id: number; message: string }
  | { kind: "show"; id: number }
  | { kind: "list" }
  | { kind: "link"; ticket: number; id: number }
  | { kind: "unlink"; ticket: number }
  | { kind: "subscribe"; channel?: string }
  | { kind: "unsubscribe"; channel?: string };

declare module "../../core/commands.js" {
  /** `incident ...`, `incidents`, `link`, `unlink`: the incidents capability runs them (index.ts). */
  interface CapabilityCommands {
    incident: { kind: "incident"; action: IncidentAction };
  }
}

declare module "../../core/notify.js" {
  /** An incident broadcast's view: the incident, its latest update, how many tickets it holds. */
  interface IncidentView {
    incident: Incident;
    latest: IncidentUpdate | null;
    ticketCount: number;
  }
}
