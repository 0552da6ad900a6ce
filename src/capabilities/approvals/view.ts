// How approvals show: fields and Approve / Reject / Access revoked on every ticket card, and the approval
// card itself (the request's details, the change's risk/window/rollback/evidence, who decided what).
import { STATUS_LABEL, TYPE_LABEL, isOpen } from "../../core/ticket.js";
import type { ActionView, FieldView, TicketSnapshot, TicketView } from "../../core/views.js";
import { VERB, approvalsOf, type ApprovalExtras, type ApproverView } from "./model.js";

const RULE_TEXT = { any: "any one approver", all: "every approver", majority: "a majority of approvers" } as const;

/** "ana approved; bob rejected (too broad); carl: no answer yet" */
function votesText(vs: ApproverView[]): string {
  return vs
    .map((v) =>
      v.decision ? `${v.display} ${v.decision === "approve" ? "approved" : "rejected"}${v.reason ? ` (${v.reason})` : ""}` : `${v.display}: no answer yet`,
    )
    .join("; ");
}

/** One line on the state of the request. */
export function requestText(x: ApprovalExtras): string {
  const r = x.request;
  if (!r) return "";
  const decider = r.decidedBy;
  switch (r.state) {
    case "approved":
      return `Approved${decider ? ` by ${decider.display}` : ""}`;
    case "rejected":
      return `Rejected${decider ? ` by ${decider.display}${decider.reason ? `: ${decider.reason}` : ""}` : ""}`;
    case "cancelled":
      return "Cancelled: the ticket was closed or resolved before a decision";
    case "pending": {
      const yes = r.approvers.filter((v) => v.decision === "approve").length;
      return `Waiting: ${yes} of ${r.needed} approval${r.needed === 1 ? "" : "s"} (${RULE_TEXT[r.rule]})${r.escalated ? "; escalated to the leads" : ""}`;
    }
  }
}

function detailFields(x: ApprovalExtras): FieldView[] {
  const f: FieldView[] = [];
  const c = x.change;
  if (c?.risk) f.push({ label: "Risk", value: c.risk });
  if (c?.window) f.push({ label: "Planned window", value: c.window });
  if (c?.rollback) f.push({ label: "Rollback plan", value: c.rollback });
  if (c?.evidence) f.push({ label: "Test evidence", value: c.evidence });
  const g = x.grant;
  if (g)
    f.push({
      label: "Access until",
      value: `${new Date(g.until).toISOString().slice(0, 16).replace("T", " ")} UTC${g.revokedAt ? ` (revoked${g.revokedBy ? ` by ${g.revokedBy}` : ""})` : ""}`,
      time: { at: g.until, ...(g.revokedAt ? { prefix: "Revoked; was until " } : {}) },
    });
  return f;
}

function decideActions(s: TicketSnapshot, x: ApprovalExtras): ActionView[] {
  if (x.request?.state !== "pending" || !isOpen(s.ticket.status)) return [];
  const n = s.ticket.number;
  return [
    { verb: VERB.approve, label: "Approve", ticketId: n, style: "primary", typed: `approve ${n}` },
    {
      verb: VERB.reject,
      label: "Reject",
      ticketId: n,
      style: "danger",
      typed: `reject ${n} <reason>`,
      input: { kind: "text", label: "Why reject? The requester will read it.", maxLength: 1000 },
    },
  ];
}

/** The approvals part of every ticket card. */
export function approvalCardPart(s: TicketSnapshot): { fields?: FieldView[]; actions?: ActionView[] } {
  const x = approvalsOf(s.extras);
  if (!x) return {};
  const fields = detailFields(x);
  if (x.request) fields.push({ label: "Approval", value: requestText(x) });
  const actions = decideActions(s, x);
  if (x.grant?.active) actions.push({ verb: VERB.revoked, label: "Access revoked", ticketId: s.ticket.number, typed: `revoked ${s.ticket.number}` });
  return { fields, actions };
}

/** The card an approver gets: the request, its details, the votes so far, and Approve / Reject while it waits. */
export function approvalCardView(s: TicketSnapshot): TicketView {
  const t = s.ticket;
  const x = approvalsOf(s.extras) ?? { recipients: [] };
  const r = x.request;
  const fields: FieldView[] = [
    { label: "Decision", value: x.request ? requestText(x) : "No approval needed" },
    { label: "Requester", value: s.requester.name },
    { label: "Type", value: TYPE_LABEL[t.type] },
    { label: "Priority", value: t.priority },
  ];
  if (t.category) fields.push({ label: "Category", value: t.category });
  if (t.service) fields.push({ label: "Service", value: t.service });
  fields.push(...detailFields(x));
  if (r) fields.push({ label: "Approvers", value: votesText(r.approvers) });
  if (r?.leadVotes.some((v) => v.decision)) fields.push({ label: "Leads", value: votesText(r.leadVotes.filter((v) => v.decision)) });
  if (!isOpen(t.status) && r?.state !== "rejected") fields.push({ label: "Ticket", value: STATUS_LABEL[t.status] });
  return { number: t.number, title: `Approval: ${t.title}`, description: t.description, link: t.source.link, fields, actions: decideActions(s, x) };
}
