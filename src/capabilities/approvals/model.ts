// What the approvals capability tells the rest of the desk: its name, its verbs, the change kinds it
// announces (notifiers key the approval card on them) and what a ticket's snapshot carries (extras.approvals).
import type { Decision, RequestState } from "./tables.js";
import type { ApprovalRule } from "./settings.js";

export const APPROVALS = "approvals";

/** Card buttons and grammar verbs. */
export const VERB = { approve: "approve", reject: "reject", list: "approvals", grant: "grant", revoked: "revoked" } as const;

/** Change kinds this capability announces. */
export const KIND = {
  requested: "approval_requested",
  vote: "approval_vote",
  approved: "approved",
  rejected: "approval_rejected",
  cancelled: "approval_cancelled",
  escalated: "approval_escalated",
  reminder: "approval_reminder",
  granted: "access_granted",
  expired: "access_expired",
  revoked: "access_revoked",
} as const;

/** The kinds after which every approval card of the ticket is drawn again (posted the first time). */
export const CARD_KINDS: ReadonlySet<string> = new Set([KIND.requested, KIND.vote, KIND.approved, KIND.rejected, KIND.cancelled, KIND.escalated]);

export interface ApproverView {
  /** As configured: "slack:U1", "email:x@y". */
  name: string;
  /** Their display name when they have used the desk, else the configured name. */
  display: string;
  decision?: Decision;
  reason?: string;
  at?: number;
  /** A lead deciding an escalated request. */
  lead?: boolean;
}

export interface ApprovalExtras {
  request?: {
    state: RequestState;
    policy: string;
    rule: ApprovalRule;
    needed: number;
    approvers: ApproverView[];
    /** Leads' decisions on an escalated request, after the approvers'. */
    leadVotes: ApproverView[];
    escalated: boolean;
    /** The vote that settled an approved or rejected request. */
    decidedBy?: ApproverView;
    requestedAt: number;
    decidedAt: number | null;
  };
  /** Everyone who gets the approval card (approvers, and the leads once escalated), as platform people. */
  recipients: { platform: string; userId: string }[];
  change?: { risk: string | null; window: string | null; rollback: string | null; evidence: string | null };
  grant?: { until: number; revokedAt: number | null; revokedBy: string | null; active: boolean };
}

export function approvalsOf(extras: Record<string, unknown> | undefined): ApprovalExtras | undefined {
  return (extras?.[APPROVALS] as ApprovalExtras | null | undefined) ?? undefined;
}
