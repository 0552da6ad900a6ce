// How the console draws what the desk answers: a ticket with what its cards show (SLA due times, the
// category suggestion, the duplicate hint) and its conversation, lists with each ticket's time to breach,
// and every string a person typed made safe for a terminal.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { describe, fieldText, oneLine, type Outcome, PRIORITIES, STATUS_LABEL, type TicketSnapshot, ticketView, TYPE_LABEL } from "../../src/core/index.js";
import { SLA, type SlaExtras } from "../../src/capabilities/sla/index.js";
import { formatSpan } from "../../src/capabilities/sla/format.js";

/**
 * Control characters (ESC starting an ANSI sequence, BEL, backspace, C1 codes) and bidirectional overrides
 * in text a person typed would act on the agent's terminal: they are shown as visible escapes instead.
 * Newline and tab are text.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** One comment or note of a ticket's conversation, as the console shows it. */
export interface ConversationLine {
  at: number;
  author: string;
  body: string;
  internal: boolean;
}

/** `show N`: the ticket, the fields its cards add, and its conversation (notes only when the viewer may see them). */
export function showText(s: TicketSnapshot, conversation: ConversationLine[], timezone: string): string {
  const t = s.ticket;
  // The fields describe() already says in its first two lines are not repeated.
  const said = new Map<string, string>([
    ["Requester", s.requester.name],
    ["Priority", t.priority],
    ["Status", STATUS_LABEL[t.status]],
    ["Assignee", s.assignee?.name ?? "unassigned"],
    ["Type", TYPE_LABEL[t.type]],
    ["Category", t.category ?? ""],
    ["Service", t.service ?? ""],
    ["Team", t.team ?? ""],
    ["Resolution", t.resolution ?? ""],
  ]);
  const fields = ticketView(s).fields.filter((f) => said.get(f.label) !== f.value);
  const local = (at: number) => format(new TZDate(at, timezone), "EEE d MMM HH:mm");
  const lines = [describe(s), ...fields.map((f) => `  ${fieldText(f)}`)];
  if (conversation.length) {
    lines.push("  Conversation:");
    for (const c of conversation) lines.push(`    ${local(c.at)}  ${c.author}${c.internal ? " (internal note)" : ""}: ${c.body.split("\n").join("\n      ")}`);
  } else lines.push("  No comments yet.");
  return lines.join("\n");
}

/** The soonest moment a running SLA clock of the ticket is due, as App Home and `list` order tickets. */
function soonestDue(s: TicketSnapshot): number | null {
  const x = s.extras?.[SLA] as SlaExtras | undefined;
  const due = Object.values(x?.clocks ?? {}).flatMap((c) => (c && c.state === "running" && c.dueAt !== null ? [c.dueAt] : []));
  return due.length ? Math.min(...due) : null;
}

/** "breach in 2 h 15 min", "breached 20 min ago", "SLA paused", or nothing for a ticket with no running clock. */
function breachText(s: TicketSnapshot): string {
  const x = s.extras?.[SLA] as SlaExtras | undefined;
  if (!x) return "";
  const due = soonestDue(s);
  if (due !== null) return due <= x.asOf ? ` · breached ${formatSpan(x.asOf - due)} ago` : ` · breach in ${formatSpan(due - x.asOf)}`;
  return Object.values(x.clocks).some((c) => c?.state === "paused") ? " · SLA paused" : "";
}

/** Closest to breach first, then by priority and number: the order of App Home's queue. */
export function byBreach(a: TicketSnapshot, b: TicketSnapshot): number {
  const da = soonestDue(a);
  const db = soonestDue(b);
  if (da !== db) return da === null ? 1 : db === null ? -1 : da - db;
  const pa = PRIORITIES.indexOf(a.ticket.priority);
  const pb = PRIORITIES.indexOf(b.ticket.priority);
  return pa !== pb ? pa - pb : a.ticket.number - b.ticket.number;
}

/** `list` and `search`: the core's header line, then one line a ticket with its time to breach. */
export function listText(o: Extract<Outcome, { ok: true }>): string {
  const list = o.list ?? [];
  if (!list.length) return o.text;
  const header = o.text.split("\n")[0]!;
  const sorted = o.kind === "list" ? [...list].sort(byBreach) : list;
  return [header, ...sorted.map((s) => `  ${oneLine(s)}${breachText(s)}`)].join("\n");
}
