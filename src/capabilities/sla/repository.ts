// The queries the SLA capability needs, on its tables (tables.ts).
import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";
import { createdWithin, type TicketWindow } from "../../store/tickets.js";
import type { ClockRow, Step, StepRow, Target } from "./tables.js";

export function clocksOf(db: Queryable, ticketId: number): Promise<ClockRow[]> {
  return db.selectFrom("sla_clocks").selectAll().where("ticket_id", "=", ticketId).execute();
}

export async function saveClock(db: Queryable, row: ClockRow): Promise<void> {
  const { ticket_id, target, ...rest } = row;
  await db
    .insertInto("sla_clocks")
    .values(row)
    .onConflict((oc) => oc.columns(["ticket_id", "target"]).doUpdateSet(rest))
    .execute();
}

/** Sets when each step of a target is due; a step that has fired keeps its record and is never rescheduled. */
export async function scheduleSteps(db: Queryable, ticketId: number, target: Target, due: Record<Step, number | null>): Promise<void> {
  for (const step of ["warn", "breach"] as Step[]) {
    await db
      .insertInto("sla_steps")
      .values({ ticket_id: ticketId, target, step, due_at: due[step], fired_at: null })
      .onConflict((oc) => oc.columns(["ticket_id", "target", "step"]).doUpdateSet({ due_at: due[step] }).where("sla_steps.fired_at", "is", null))
      .execute();
  }
}

/** The scheduler's one query: every unfired step due by `now`, oldest first. */
export function dueSteps(db: Queryable, now: number, limit: number): Promise<StepRow[]> {
  return db
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
export async function markFired(db: Queryable, s: { ticket_id: number; target: Target; step: Step }, now: number): Promise<boolean> {
  const r = await db
    .updateTable("sla_steps")
    .set({ fired_at: now })
    .where("ticket_id", "=", s.ticket_id)
    .where("target", "=", s.target)
    .where("step", "=", s.step)
    .where("fired_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One step's row as it stands now (a pause, a stop or another tick may have changed it). */
export function stepOf(db: Queryable, s: { ticket_id: number; target: Target; step: Step }): Promise<StepRow | undefined> {
  return db
    .selectFrom("sla_steps")
    .selectAll()
    .where("ticket_id", "=", s.ticket_id)
    .where("target", "=", s.target)
    .where("step", "=", s.step)
    .executeTakeFirst();
}

/** Open tickets with no clock at all (opened before the desk had an `sla:` section). */
export async function openTicketsWithoutClocks(db: Queryable): Promise<number[]> {
  const rows = await db
    .selectFrom("tickets")
    .select("id")
    .where("status", "not in", ["resolved", "closed"])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("sla_clocks").select("sla_clocks.ticket_id").whereRef("sla_clocks.ticket_id", "=", "tickets.id"))),
    )
    .execute();
  return rows.map((r) => r.id);
}

export function firedSteps(db: Queryable, ticketId: number): Promise<StepRow[]> {
  return db.selectFrom("sla_steps").selectAll().where("ticket_id", "=", ticketId).where("fired_at", "is not", null).orderBy("fired_at").execute();
}

/** How the clocks of one target stand, for the tickets of a window (what reports show). */
export interface ClockTally {
  target: Target;
  measured: number;
  /** Past their target, stopped or not: over it when stopped, or still counting with the due moment gone by. */
  breached: number;
  /** Stopped within their target. */
  met: number;
}

/** Each target's clocks over the tickets created in `window`, judged at `now`. */
export async function clockTallies(db: Queryable, window: TicketWindow, now: number): Promise<ClockTally[]> {
  const rows = await db
    .selectFrom("sla_clocks")
    .innerJoin("tickets", "tickets.id", "sla_clocks.ticket_id")
    .where(createdWithin(window))
    .select([
      "sla_clocks.target",
      (eb) => eb.fn.countAll<number>().as("measured"),
      sql<number>`coalesce(sum(sla_clocks.consumed_ms > sla_clocks.target_ms OR (sla_clocks.stopped_at IS NULL AND sla_clocks.due_at IS NOT NULL AND sla_clocks.due_at < ${now})), 0)`.as(
        "breached",
      ),
      sql<number>`coalesce(sum(sla_clocks.state = 'stopped' AND sla_clocks.consumed_ms <= sla_clocks.target_ms), 0)`.as("met"),
    ])
    .groupBy("sla_clocks.target")
    .execute();
  return rows.map((r) => ({ target: r.target, measured: Number(r.measured), breached: Number(r.breached), met: Number(r.met) }));
}
