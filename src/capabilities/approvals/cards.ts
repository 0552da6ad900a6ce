// Approval cards: each approver (and, once a request escalates, each lead) gets the request on their own
// platform, in their DM or 1:1 chat, with Approve / Reject. The card is posted once and updated in place
// after every vote and the decision. A row carries only the ticket and the person: the card is drawn at
// send time. Each platform plans its own people's cards with this notifier, under its own names.
import type { Notifier, PlannedMessage, TicketChange } from "../../core/notify.js";
import { APPROVALS, CARD_KINDS, approvalsOf } from "./model.js";

export interface ApprovalPayload {
  ticket: number;
  /** The approver's id on the platform (Slack user id; Teams AAD object id, as configured). */
  user: string;
}

/** The ticket_links role holding where an approver's card is (the platform's own reference). */
export const approvalLink = (user: string) => `approval:${user}`;

export class ApprovalCardNotifier implements Notifier {
  readonly extras = [APPROVALS];
  constructor(private readonly target: { platform: string; kind: string; keyPrefix: string }) {}

  plan(change: TicketChange): PlannedMessage[] {
    const x = approvalsOf(change.snapshot.extras);
    if (!CARD_KINDS.has(change.kind) || !x?.request) return [];
    const n = change.snapshot.ticket.number;
    const { platform, kind, keyPrefix } = this.target;
    return x.recipients
      .filter((r) => r.platform === platform)
      .map((r) => ({
        platform,
        kind,
        target: `approval:${n}:${r.userId}`,
        key: `${keyPrefix}:${r.userId}`,
        payload: { ticket: n, user: r.userId } satisfies ApprovalPayload,
      }));
  }
}
