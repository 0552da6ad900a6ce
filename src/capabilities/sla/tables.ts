// The SLA capability's tables (migrations/2026-11-24T1330_sla.ts and 2026-12-07T1745_sla_breach_moment.ts),
// composed into the store's Database (src/store/database.ts) so every query on them is typed the same way.
import type { Selectable } from "kysely";

export type Target = "first_response" | "resolution";
export const TARGETS: Target[] = ["first_response", "resolution"];
export type Step = "warn" | "breach";
export type ClockState = "running" | "paused" | "stopped";

export interface SlaClocksTable {
  ticket_id: number;
  target: Target;
  /** Which policy set the target, e.g. "P2 incident", for the audit trail and the card. */
  policy: string;
  target_ms: number;
  /** The calendar counted on, or null for calendar (around-the-clock) time. */
  calendar: string | null;
  state: ClockState;
  started_at: number;
  /** Counted time used before the current running stretch. */
  consumed_ms: number;
  running_since: number | null;
  due_at: number | null;
  stopped_at: number | null;
  /**
   * The moment the clock passed its target, kept while it is paused or stopped, so a resume or a reopen
   * neither moves the breach nor schedules its escalation again. Null while within the target.
   */
  breached_at: number | null;
}

export interface SlaStepsTable {
  ticket_id: number;
  target: Target;
  step: Step;
  due_at: number | null;
  fired_at: number | null;
}

export interface SlaTables {
  sla_clocks: SlaClocksTable;
  sla_steps: SlaStepsTable;
}

export type ClockRow = Selectable<SlaClocksTable>;
export type StepRow = Selectable<SlaStepsTable>;

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends SlaTables {}
}
