// Plain-text rendering of tickets: the console's output, and the fallback text of chat messages.
import { STATUS_LABEL } from "./ticket.js";
import type { TicketSnapshot } from "./views.js";

export function oneLine(s: TicketSnapshot): string {
  const t = s.ticket;
  return `#${t.number} [${t.priority} ${STATUS_LABEL[t.status]}] ${t.title} (${s.assignee ? `assigned to ${s.assignee.name}` : "unassigned"})`;
}

export function describe(s: TicketSnapshot): string {
  const t = s.ticket;
  const lines = [
    oneLine(s),
    `  requester ${s.requester.name} · ${t.type.replace("_", " ")} · impact ${t.impact} · urgency ${t.urgency}${t.category ? ` · ${t.category}` : ""}${t.service ? ` · service ${t.service}` : ""}${t.team ? ` · team ${t.team}` : ""}`,
  ];
  if (t.description) lines.push(`  ${t.description.split("\n").join("\n  ")}`);
  if (t.resolution && !["new", "triaged", "in_progress", "waiting"].includes(t.status)) lines.push(`  resolution: ${t.resolution}`);
  return lines.join("\n");
}

export function describeList(list: TicketSnapshot[], scope: string): string {
  if (!list.length) return `No tickets (${scope}).`;
  return [`${list.length} ticket${list.length === 1 ? "" : "s"} (${scope}):`, ...list.map((s) => `  ${oneLine(s)}`)].join("\n");
}

/**
 * A card field as one line of text. A value that already starts with its label ("Respond by 13:00" under
 * "Respond by") is shown alone, so plain-text renderings never read "Respond by: Respond by 13:00".
 */
export function fieldText(f: { label: string; value: string }): string {
  return f.value.toLowerCase().startsWith(f.label.toLowerCase()) ? f.value : `${f.label}: ${f.value}`;
}

/** C0 and C1 control characters but tab and newline: a NUL, a bell or an ESC starting a terminal sequence. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text as the desk keeps it: CR LF and a lone CR become a newline; other control characters are dropped. */
export function withoutControls(s: string): string {
  return s.replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/** Every string in a command (its title, a comment, a person's name...) without control characters. */
export function stripControls<T>(value: T): T {
  if (typeof value === "string") return withoutControls(value) as T;
  if (Array.isArray(value)) return value.map((v) => stripControls(v)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripControls(v)])) as T;
  return value;
}

/** "1 article", "3 articles": a count with its noun, never "article(s)". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
