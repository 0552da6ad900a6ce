// The incidents capability's tables (migrations/2026-11-24T1400_incidents.ts), composed into the store's
// Database (src/store/database.ts) so every query on them is typed the same way.
import type { Generated, Selectable } from "kysely";

export interface IncidentsTable {
  id: Generated<number>;
  title: string;
  severity: string;
  status: string;
  service: string | null;
  origin_ticket_id: number | null;
  declared_by: number;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface IncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  author_id: number;
  status: string;
  body: string;
  created_at: number;
}

export interface IncidentTicketsTable {
  ticket_id: number;
  incident_id: number;
  linked_by: number | null;
  reason: string;
  linked_at: number;
}

export interface StatusChannelsTable {
  platform: string;
  channel: string;
  added_by: number | null;
  created_at: number;
}

export interface IncidentLinksTable {
  incident_id: number;
  platform: string;
  channel: string;
  ref: string;
}

export interface IncidentTables {
  incidents: IncidentsTable;
  incident_updates: IncidentUpdatesTable;
  incident_tickets: IncidentTicketsTable;
  status_channels: StatusChannelsTable;
  incident_links: IncidentLinksTable;
}

export type IncidentRow = Selectable<IncidentsTable>;
export type IncidentUpdateRow = Selectable<IncidentUpdatesTable>;
export type StatusChannelRow = Selectable<StatusChannelsTable>;

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends IncidentTables {}
}
