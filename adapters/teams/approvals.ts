// Approval cards on Teams: each approver (and, once a request escalates, each lead) gets the request in
// their 1:1 chat with Approve / Reject (Reject opens an Action.ShowCard asking the reason); the card is
// sent once and updated in place after every vote and the decision. Drawn from the ticket at send time.
import { CARD_KINDS, approvalsOf } from "../../src/core/approvals/model.js";
import type { Notifier, PlannedMessage, TicketChange } from "../../src/core/notify.js";
import { PLATFORM } from "./translate.js";

/** The outbox row kind of an approval card. */
export const APPROVAL_ROW = "approval";

export interface ApprovalPayload {
  ticket: number;
  /** The approver's AAD object id (as configured, "teams:<id>"). */
  user: string;
}

/** The ticket_links role holding where an approver's card is ("<conversation id>|<activity id>"). */
export const approvalLink = (user: string) => `approval:${user}`;

export class TeamsApprovalNotifier implements Notifier {
  plan(change: TicketChange): PlannedMessage[] {
    const x = approvalsOf(change.snapshot.extras);
    if (!CARD_KINDS.has(change.kind) || !x?.request) return [];
    const n = change.snapshot.ticket.number;
    return x.recipients
      .filter((r) => r.platform === PLATFORM)
      .map((r) => ({ platform: PLATFORM, kind: APPROVAL_ROW, target: `approval:${n}:${r.userId}`, key: `teams-approval:${r.userId}`, payload: { ticket: n, user: r.userId } satisfies ApprovalPayload }));
  }
}
