// The alerts capability's tables (migrations/2026-11-24T1410_alerts.ts), composed into the store's Database.
import type { Selectable } from "kysely";

export interface AlertsTable {
  source: string;
  fingerprint: string;
  ticket_id: number;
  group_key: string | null;
  service: string | null;
  status: string;
  labels: string;
  link: string | null;
  repeats: number;
  first_at: number;
  last_at: number;
}

export interface AlertStormsTable {
  source: string;
  service: string;
  at: number;
  ticket_id: number;
}

export interface AlertTables {
  alerts: AlertsTable;
  alert_storms: AlertStormsTable;
}

export type AlertRow = Selectable<AlertsTable>;

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends AlertTables {}
}
