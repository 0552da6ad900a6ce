// The SLA tables, typed here so the shared table list stays untouched (db.withTables adds them).
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../store/database.js";

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

export type SlaTables = {
  sla_clocks: SlaClocksTable;
  sla_steps: SlaStepsTable;
};

export type ClockRow = Selectable<SlaClocksTable>;
export type StepRow = Selectable<SlaStepsTable>;
export type SlaDb = Kysely<Database & SlaTables>;

export function slaDb(db: Kysely<Database>): SlaDb {
  return db.withTables<SlaTables>();
}

export function clocksOf(db: Kysely<Database>, ticketId: number): Promise<ClockRow[]> {
  return slaDb(db).selectFrom("sla_clocks").selectAll().where("ticket_id", "=", ticketId).execute();
}

export async function saveClock(db: Kysely<Database>, row: ClockRow): Promise<void> {
  const { ticket_id, target, ...rest } = row;
  await slaDb(db)
    .insertInto("sla_clocks")
    .values(row)
    .onConflict((oc) => oc.columns(["ticket_id", "target"]).doUpdateSet(rest))
    .execute();
}

/** Sets when each step of a target is due; a step that has fired keeps its record and is never rescheduled. */
export async function scheduleSteps(db: Kysely<Database>, ticketId: number, target: Target, due: Record<Step, number | null>): Promise<void> {
  for (const step of ["warn", "breach"] as Step[]) {
    await slaDb(db)
      .insertInto("sla_steps")
      .values({ ticket_id: ticketId, target, step, due_at: due[step], fired_at: null })
      .onConflict((oc) => oc.columns(["ticket_id", "target", "step"]).doUpdateSet({ due_at: due[step] }).where("sla_steps.fired_at", "is", null))
      .execute();
  }
}

/** The scheduler's one query: every unfired step due by `now`, oldest first. */
export function dueSteps(db: Kysely<Database>, now: number, limit: number): Promise<StepRow[]> {
  return slaDb(db)
    .selectFrom("sla_steps")
    .selectAll()
    .where("fired_at", "is", null)
    .where("due_at", "is not", null)
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .orderBy("ticket_id")
    .limit(limit)
    .execute();
}

/** Marks a step fired unless it already was; true when this call fired it (exactly once, even racing). */
export async function markFired(db: Kysely<Database>, s: { ticket_id: number; target: Target; step: Step }, now: number): Promise<boolean> {
  const r = await slaDb(db)
    .updateTable("sla_steps")
    .set({ fired_at: now })
    .where("ticket_id", "=", s.ticket_id)
    .where("target", "=", s.target)
    .where("step", "=", s.step)
    .where("fired_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function firedSteps(db: Kysely<Database>, ticketId: number): Promise<StepRow[]> {
  return slaDb(db).selectFrom("sla_steps").selectAll().where("ticket_id", "=", ticketId).where("fired_at", "is not", null).orderBy("fired_at").execute();
}
