// `history N` as a person reads it: local times in the desk's zone, people by name, and what happened in
// words ("ana claimed it: status new -> in progress, assignee none -> ana"), one line per step. The audit
// trail keeps the raw values (ISO times, "console:ana", "sla_retarget"); this is only how they read.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import type { HistoryLine } from "./context.js";
import { STATUS_LABEL, type Status } from "./ticket.js";

/** What each audited action reads as; an action not listed reads as its words ("access_granted": "access granted"). */
const DID: Record<string, string> = {
  create: "opened it",
  claimed: "claimed it",
  assigned: "assigned it",
  priority: "changed the priority",
  status: "changed the status",
  closed: "closed it",
  reopened: "reopened it",
  resolved: "resolved it",
  category: "set the category",
  comment: "commented",
  commented: "commented",
  note: "added an internal note",
  noted: "added an internal note",
  sla_start: "SLA clock started",
  sla_retarget: "SLA target changed",
  sla_pause: "SLA clock paused",
  sla_resume: "SLA clock resumed",
  sla_stop: "SLA clock stopped",
  sla_warning: "SLA warning",
  sla_breach: "SLA breached",
};

/**
 * The desk's own steps (triage's and the SLA's) run inside the command of whoever set them off, so their audit
 * rows carry that person; history names the desk instead ("Triage put it in Hardware", "SLA clock started").
 * Triage's automatic rows differ from an agent's by action and reason: an accepted suggestion, a duplicate
 * linked by hand and an agent's priority (which has no impact x urgency reason) stay the agent's.
 */
const TRIAGE_PRIORITY_REASON = /^\S+: impact \S+ \(.*\) x urgency /;
function automaticBy(h: HistoryLine): "Triage" | "SLA" | null {
  if (h.action.startsWith("sla_")) return "SLA";
  if (h.action === "triaged") return h.reason?.startsWith("suggestion accepted") ? null : "Triage";
  if (h.action === "triage") return h.reason?.startsWith("similarity ") ? "Triage" : null;
  if (h.action === "incident_offer") return "Triage";
  if (h.action === "priority" && TRIAGE_PRIORITY_REASON.test(h.reason ?? "")) return "Triage";
  return null;
}

/** What triage did, said by the step's main field (which is then not repeated among the changes). */
const TRIAGE_DID: Record<string, (to: string) => string> = {
  category: (to) => `put it in ${to}`,
  type: (to) => `made it ${to.replace(/_/g, " ")}`,
  assignee: (to) => `assigned it to ${to}`,
  duplicate_of: (to) => `found it looks like ${to}`,
};

const PLATFORM_NAME: Record<string, string> = { slack: "Slack", teams: "Teams" };
const SLA_TARGET: Record<string, string> = { first_response: "first response", resolution: "resolution" };
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

export interface HistoryWords {
  /** The desk's time zone, where times are shown. */
  timezone: string;
  /** Display names of people an audit value names ("console:ana" -> "ana"). */
  names: Map<string, string>;
}

/** Whether a step is an internal note: a requester is not told that one exists. */
export const isNote = (h: HistoryLine) => h.action === "note" || h.action === "noted";

export function historyText(number: number, lines: HistoryLine[], words: HistoryWords): string {
  if (!lines.length) return `#${number} has no history yet.`;
  const local = (at: number) => format(new TZDate(at, words.timezone), "EEE d MMM HH:mm");
  const value = (field: string | null, v: string | null, sla: boolean): string => {
    if (v === null) return "none";
    if (ISO_TIME.test(v)) return local(Date.parse(v));
    if (field === "assignee") return words.names.get(v) ?? v;
    if (field === "status" && !sla) return STATUS_LABEL[v as Status] ?? v.replace(/_/g, " ");
    return v;
  };
  const what = (h: HistoryLine): string => {
    if (!h.field) return "";
    const sla = h.action.startsWith("sla_");
    if (sla) {
      const target = SLA_TARGET[h.field] ?? h.field;
      if (h.action === "sla_start" || h.action === "sla_resume") return `${target} due ${value(h.field, h.to, true)}`;
      if (h.action === "sla_warning" || h.action === "sla_breach") return `${target} due ${value(h.field, h.to, true)}`;
      if (h.action === "sla_retarget") return `${target} now under ${value(h.field, h.to, true)}`;
      // "met" with the reason "met: 0 min of 4 h used" reads once: "first response met: 0 min of 4 h used".
      return h.reason?.startsWith(`${h.to}:`) ? `${target} ${h.reason}` : `${target} ${value(h.field, h.to, true)}`;
    }
    const field = h.field.replace(/_/g, " ");
    return h.from === null ? `${field} ${value(h.field, h.to, false)}` : `${field} ${value(h.field, h.from, false)} -> ${value(h.field, h.to, false)}`;
  };

  // The audit writes one row per field a step changed: rows of one moment, person and action read as one line.
  const steps: HistoryLine[][] = [];
  for (const h of lines) {
    const last = steps[steps.length - 1]?.[0];
    if (last && last.at === h.at && last.actor === h.actor && last.action === h.action) steps[steps.length - 1]!.push(h);
    else steps.push([h]);
  }
  const out = steps.map((whole) => {
    const h = whole[0]!;
    const by = automaticBy(h);
    const main = by === "Triage" ? whole.find((x) => x.field && x.to !== null && TRIAGE_DID[x.field]) : undefined;
    const step = main ? whole.filter((x) => x !== main) : whole;
    const did = main
      ? TRIAGE_DID[main.field!]!(value(main.field, main.to, false))
      : by === "Triage" && h.action === "priority"
        ? "set the priority"
        : by === "Triage" && h.action === "incident_offer"
          ? "offered to declare an incident"
          : (DID[h.action] ?? h.action.replace(/_/g, " "));
    // The SLA's words already name it ("SLA clock started"); triage's steps are said as Triage's.
    const who =
      by === "SLA"
        ? ""
        : by === "Triage"
          ? "Triage "
          : `${h.actor}${h.platform === "console" || h.platform === "system" ? "" : ` (via ${PLATFORM_NAME[h.platform] ?? h.platform})`} `;
    // One reason for the whole step is said once at its end; different reasons go with their own change.
    const reasons = [
      ...new Set(
        (main ? whole : step)
          .filter((x) => !(x.reason && x.to && x.reason.startsWith(`${x.to}:`)))
          .map((x) => x.reason)
          .filter(Boolean),
      ),
    ];
    const each = reasons.length > 1;
    const changes = step
      .map((x) => `${what(x)}${each && x.reason ? ` (${x.reason})` : ""}`)
      .filter((x) => x.trim())
      .join(", ");
    return `  ${local(h.at)}  ${who}${did}${changes ? `: ${changes}` : ""}${!each && reasons.length ? ` (${reasons[0]})` : ""}`;
  });
  return [`History of #${number} (times in ${words.timezone}):`, ...out].join("\n");
}
