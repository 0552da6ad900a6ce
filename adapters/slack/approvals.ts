// Approval cards on Slack: each approver (and, once a request escalates, each lead) gets the request in
// their DM with Approve / Reject; the card is posted once and updated in place after every vote and the
// decision, so it shows who decided. Rows carry the ticket and the person; the card is drawn at send time.
import { CARD_KINDS, approvalsOf } from "../../src/core/approvals/model.js";
import type { Notifier, PlannedMessage, TicketChange } from "../../src/core/notify.js";
import { OUTBOX, PLATFORM } from "./ids.js";

export interface ApprovalPayload {
  ticket: number;
  /** The approver's Slack user id; the card goes to their DM. */
  user: string;
}

/** The ticket_links role holding where an approver's card is ("D123:1700000000.000100"). */
export const approvalLink = (user: string) => `approval:${user}`;

export class SlackApprovalNotifier implements Notifier {
  plan(change: TicketChange): PlannedMessage[] {
    const x = approvalsOf(change.snapshot.extras);
    if (!CARD_KINDS.has(change.kind) || !x?.request) return [];
    const n = change.snapshot.ticket.number;
    return x.recipients
      .filter((r) => r.platform === PLATFORM)
      .map((r) => ({ platform: PLATFORM, kind: OUTBOX.approval, target: `approval:${n}:${r.userId}`, key: `approval:${r.userId}`, payload: { ticket: n, user: r.userId } satisfies ApprovalPayload }));
  }
}
