// The approval tables (migrations/2026-11-24T1500_approvals.ts), typed here so the shared table list stays
// untouched (withTables adds them), and the queries the approvals capability needs.
import { type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "./database.js";

export type RequestState = "pending" | "approved" | "rejected" | "cancelled";
export type Decision = "approve" | "reject";
export type TimerKind = "remind" | "expire" | "revoke";

export interface ApprovalRequestsTable {
  ticket_id: number;
  policy: string;
  rule: string;
  /** JSON array of approver names ("slack:U1", "email:x@y"). */
  approvers: string;
  state: RequestState;
  requested_at: number;
  decided_at: number | null;
  escalated_at: number | null;
}

export interface ApprovalVotesTable {
  ticket_id: number;
  approver: string;
  person_id: number;
  decision: Decision;
  reason: string | null;
  at: number;
}

export interface ApprovalTimersTable {
  ticket_id: number;
  kind: TimerKind;
  due_at: number;
  fired_at: number | null;
}

export interface ChangeDetailsTable {
  ticket_id: number;
  risk: string | null;
  planned_window: string | null;
  rollback: string | null;
  evidence: string | null;
}

export interface AccessGrantsTable {
  ticket_id: number;
  until: number;
  granted_by: number;
  granted_at: number;
  revoked_at: number | null;
  revoked_by: number | null;
}

export type ApprovalTables = {
  approval_requests: ApprovalRequestsTable;
  approval_votes: ApprovalVotesTable;
  approval_timers: ApprovalTimersTable;
  change_details: ChangeDetailsTable;
  access_grants: AccessGrantsTable;
};

export type RequestRow = Selectable<ApprovalRequestsTable>;
export type VoteRow = Selectable<ApprovalVotesTable>;
export type TimerRow = Selectable<ApprovalTimersTable>;
export type ChangeRow = Selectable<ChangeDetailsTable>;
export type GrantRow = Selectable<AccessGrantsTable>;

type Q = Kysely<Database>;
const adb = (db: Q) => db.withTables<ApprovalTables>();

export function requestOf(db: Q, ticketId: number): Promise<RequestRow | undefined> {
  return adb(db).selectFrom("approval_requests").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

/** Opens (or, after a reopen, restarts) a ticket's request: earlier votes go, its timers are set afresh. */
export async function openRequest(db: Q, r: Omit<RequestRow, "state" | "decided_at" | "escalated_at">, timers: { kind: TimerKind; due_at: number }[]): Promise<void> {
  const row = { ...r, state: "pending" as const, decided_at: null, escalated_at: null };
  const { ticket_id, ...rest } = row;
  await adb(db).insertInto("approval_requests").values(row).onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest)).execute();
  await adb(db).deleteFrom("approval_votes").where("ticket_id", "=", ticket_id).execute();
  for (const t of timers) {
    await adb(db)
      .insertInto("approval_timers")
      .values({ ticket_id, ...t, fired_at: null })
      .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doUpdateSet({ due_at: t.due_at, fired_at: null }))
      .execute();
  }
}

export async function setRequestState(db: Q, ticketId: number, state: RequestState, at: number): Promise<void> {
  await adb(db).updateTable("approval_requests").set({ state, decided_at: at }).where("ticket_id", "=", ticketId).execute();
}

export async function markEscalated(db: Q, ticketId: number, at: number): Promise<void> {
  await adb(db).updateTable("approval_requests").set({ escalated_at: at }).where("ticket_id", "=", ticketId).execute();
}

export function votesOf(db: Q, ticketId: number): Promise<VoteRow[]> {
  // Votes in the order given (rowid breaks ties within one millisecond), so the last one is the deciding one.
  return adb(db).selectFrom("approval_votes").selectAll().where("ticket_id", "=", ticketId).orderBy("at").orderBy(sql`rowid`).execute();
}

export async function addVote(db: Q, v: VoteRow): Promise<void> {
  await adb(db).insertInto("approval_votes").values(v).execute();
}

/** Tickets whose pending request names one of `names` and has no vote from them yet. */
export async function pendingFor(db: Q, names: string[]): Promise<number[]> {
  const rows = await adb(db).selectFrom("approval_requests").select(["ticket_id", "approvers", "escalated_at"]).where("state", "=", "pending").orderBy("ticket_id").execute();
  const voted = new Set((await adb(db).selectFrom("approval_votes").select(["ticket_id", "approver"]).execute()).map((v) => `${v.ticket_id}|${v.approver}`));
  return rows.filter((r) => (JSON.parse(r.approvers) as string[]).some((a) => names.includes(a) && !voted.has(`${r.ticket_id}|${a}`))).map((r) => r.ticket_id);
}

export async function setTimer(db: Q, t: { ticket_id: number; kind: TimerKind; due_at: number }): Promise<void> {
  await adb(db)
    .insertInto("approval_timers")
    .values({ ...t, fired_at: null })
    .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doUpdateSet({ due_at: t.due_at, fired_at: null }))
    .execute();
}

/** The scheduler's one query: every unfired timer due by `now`, oldest first. */
export function dueTimers(db: Q, now: number, limit: number): Promise<TimerRow[]> {
  return adb(db).selectFrom("approval_timers").selectAll().where("fired_at", "is", null).where("due_at", "<=", now).orderBy("due_at").orderBy("ticket_id").limit(limit).execute();
}

/** Marks a timer fired unless it already was; true when this call fired it (exactly once, even racing). */
export async function markTimerFired(db: Q, t: { ticket_id: number; kind: TimerKind }, now: number): Promise<boolean> {
  const r = await adb(db).updateTable("approval_timers").set({ fired_at: now }).where("ticket_id", "=", t.ticket_id).where("kind", "=", t.kind).where("fired_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function timersOf(db: Q, ticketId: number): Promise<TimerRow[]> {
  return adb(db).selectFrom("approval_timers").selectAll().where("ticket_id", "=", ticketId).orderBy("kind").execute();
}

export function changeOf(db: Q, ticketId: number): Promise<ChangeRow | undefined> {
  return adb(db).selectFrom("change_details").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveChange(db: Q, row: ChangeRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await adb(db).insertInto("change_details").values(row).onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest)).execute();
}

export function grantOf(db: Q, ticketId: number): Promise<GrantRow | undefined> {
  return adb(db).selectFrom("access_grants").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

/** Records (or moves) a grant's end; a new end means a new revocation is needed. */
export async function saveGrant(db: Q, g: { ticket_id: number; until: number; granted_by: number; granted_at: number }): Promise<void> {
  const row = { ...g, revoked_at: null, revoked_by: null };
  const { ticket_id, ...rest } = row;
  await adb(db).insertInto("access_grants").values(row).onConflict((oc) => oc.column("ticket_id").doUpdateSet(rest)).execute();
}

export async function markRevoked(db: Q, ticketId: number, by: number, at: number): Promise<void> {
  await adb(db).updateTable("access_grants").set({ revoked_at: at, revoked_by: by }).where("ticket_id", "=", ticketId).execute();
}

/** The people a configured name stands for: "slack:U1" is one person; "email:x@y" everyone with that address. */
export function peopleNamed(db: Q, name: string) {
  const i = name.indexOf(":");
  const [kind, id] = [name.slice(0, i), name.slice(i + 1)];
  const q = db.selectFrom("people").selectAll();
  return kind === "email" ? q.where("email", "=", id.toLowerCase()).orderBy("id").execute() : q.where("platform", "=", kind).where((eb) => eb(eb.fn("lower", ["user_id"]), "=", id.toLowerCase())).execute();
}

/** Pending requests that have escalated to the leads. */
export async function pendingEscalated(db: Q): Promise<number[]> {
  const rows = await adb(db).selectFrom("approval_requests").select("ticket_id").where("state", "=", "pending").where("escalated_at", "is not", null).orderBy("ticket_id").execute();
  return rows.map((r) => r.ticket_id);
}
