// The queries the approvals capability needs, on its tables (tables.ts).
import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";
import type { ChangeRow, GrantRow, RequestRow, RequestState, TimerKind, TimerRow, VoteRow } from "./tables.js";

export function requestOf(db: Queryable, ticketId: number): Promise<RequestRow | undefined> {
  return db.selectFrom("approval_requests").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

/** Opens (or, after a reopen, restarts) a ticket's request: earlier votes go, its timers are set afresh. */
export async function openRequest(
  db: Queryable,
  r: Omit<RequestRow, "state" | "decided_at" | "escalated_at">,
  timers: { kind: TimerKind; due_at: number }[],
): Promise<void> {
  const row = { ...r, state: "pending" as const, decided_at: null, escalated_at: null };
  const { ticket_id, ...rest } = row;
  await db
    .insertInto("approval_requests")
    .values(row)
    .onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest))
    .execute();
  await db.deleteFrom("approval_votes").where("ticket_id", "=", ticket_id).execute();
  for (const t of timers) {
    await db
      .insertInto("approval_timers")
      .values({ ticket_id, ...t, fired_at: null })
      .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doUpdateSet({ due_at: t.due_at, fired_at: null }))
      .execute();
  }
}

export async function setRequestState(db: Queryable, ticketId: number, state: RequestState, at: number): Promise<void> {
  await db.updateTable("approval_requests").set({ state, decided_at: at }).where("ticket_id", "=", ticketId).execute();
}

export async function markEscalated(db: Queryable, ticketId: number, at: number): Promise<void> {
  await db.updateTable("approval_requests").set({ escalated_at: at }).where("ticket_id", "=", ticketId).execute();
}

export function votesOf(db: Queryable, ticketId: number): Promise<VoteRow[]> {
  // Votes in the order given (rowid breaks ties within one millisecond), so the last one is the deciding one.
  return db
    .selectFrom("approval_votes")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .orderBy("at")
    .orderBy(sql`rowid`)
    .execute();
}

export async function addVote(db: Queryable, v: VoteRow): Promise<void> {
  await db.insertInto("approval_votes").values(v).execute();
}

/** Tickets whose pending request names one of `names` and has no vote from them yet. */
export async function pendingFor(db: Queryable, names: string[]): Promise<number[]> {
  const rows = await db
    .selectFrom("approval_requests")
    .select(["ticket_id", "approvers", "escalated_at"])
    .where("state", "=", "pending")
    .orderBy("ticket_id")
    .execute();
  const voted = new Set((await db.selectFrom("approval_votes").select(["ticket_id", "approver"]).execute()).map((v) => `${v.ticket_id}|${v.approver}`));
  return rows.filter((r) => (JSON.parse(r.approvers) as string[]).some((a) => names.includes(a) && !voted.has(`${r.ticket_id}|${a}`))).map((r) => r.ticket_id);
}

export async function setTimer(db: Queryable, t: { ticket_id: number; kind: TimerKind; due_at: number }): Promise<void> {
  await db
    .insertInto("approval_timers")
    .values({ ...t, fired_at: null })
    .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doUpdateSet({ due_at: t.due_at, fired_at: null }))
    .execute();
}

/** The scheduler's one query: every unfired timer due by `now`, oldest first. */
export function dueTimers(db: Queryable, now: number, limit: number): Promise<TimerRow[]> {
  return db
    .selectFrom("approval_timers")
    .selectAll()
    .where("fired_at", "is", null)
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .orderBy("ticket_id")
    .limit(limit)
    .execute();
}

/** Marks a timer fired unless it already was; true when this call fired it (exactly once, even racing). */
export async function markTimerFired(db: Queryable, t: { ticket_id: number; kind: TimerKind }, now: number): Promise<boolean> {
  const r = await db
    .updateTable("approval_timers")
    .set({ fired_at: now })
    .where("ticket_id", "=", t.ticket_id)
    .where("kind", "=", t.kind)
    .where("fired_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function timersOf(db: Queryable, ticketId: number): Promise<TimerRow[]> {
  return db.selectFrom("approval_timers").selectAll().where("ticket_id", "=", ticketId).orderBy("kind").execute();
}

export function changeOf(db: Queryable, ticketId: number): Promise<ChangeRow | undefined> {
  return db.selectFrom("change_details").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveChange(db: Queryable, row: ChangeRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await db
    .insertInto("change_details")
    .values(row)
    .onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest))
    .execute();
}

export function grantOf(db: Queryable, ticketId: number): Promise<GrantRow | undefined> {
  return db.selectFrom("access_grants").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

/** Records (or moves) a grant's end; a new end means a new revocation is needed. */
export async function saveGrant(db: Queryable, g: { ticket_id: number; until: number; granted_by: number; granted_at: number }): Promise<void> {
  const row = { ...g, revoked_at: null, revoked_by: null };
  const { ticket_id, ...rest } = row;
  await db
    .insertInto("access_grants")
    .values(row)
    .onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest))
    .execute();
}

export async function markRevoked(db: Queryable, ticketId: number, by: number, at: number): Promise<void> {
  await db.updateTable("access_grants").set({ revoked_at: at, revoked_by: by }).where("ticket_id", "=", ticketId).execute();
}

/** The people a configured name stands for: "slack:U1" is one person; "email:x@y" everyone with that address. */
export function peopleNamed(db: Queryable, name: string) {
  const i = name.indexOf(":");
  const [kind, id] = [name.slice(0, i), name.slice(i + 1)];
  const q = db.selectFrom("people").selectAll();
  return kind === "email"
    ? q.where("email", "=", id.toLowerCase()).orderBy("id").execute()
    : q
        .where("platform", "=", kind)
        .where((eb) => eb(eb.fn("lower", ["user_id"]), "=", id.toLowerCase()))
        .execute();
}

/** Pending requests that have escalated to the leads. */
export async function pendingEscalated(db: Queryable): Promise<number[]> {
  const rows = await db
    .selectFrom("approval_requests")
    .select("ticket_id")
    .where("state", "=", "pending")
    .where("escalated_at", "is not", null)
    .orderBy("ticket_id")
    .execute();
  return rows.map((r) => r.ticket_id);
}
