// The approvals capability's tables (migrations/2026-11-24T1500_approvals.ts), composed into the store's
// Database (src/store/database.ts) so every query on them is typed the same way.
import type { Selectable } from "kysely";

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

export interface ApprovalTables {
  approval_requests: ApprovalRequestsTable;
  approval_votes: ApprovalVotesTable;
  approval_timers: ApprovalTimersTable;
  change_details: ChangeDetailsTable;
  access_grants: AccessGrantsTable;
}

export type RequestRow = Selectable<ApprovalRequestsTable>;
export type VoteRow = Selectable<ApprovalVotesTable>;
export type TimerRow = Selectable<ApprovalTimersTable>;
export type ChangeRow = Selectable<ChangeDetailsTable>;
export type GrantRow = Selectable<AccessGrantsTable>;

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends ApprovalTables {}
}
