// Triage on the card (fields and buttons every adapter renders) and in the text grammar.
import type { Command } from "../../core/commands.js";
import { parseNumber, type VerbSet } from "../../core/grammar.js";
import { isOpen } from "../../core/ticket.js";
import type { ActionView, FieldView, TicketSnapshot } from "../../core/views.js";
import type { DuplicateRow } from "./repository.js";

/** What snapshot.extras.triage holds (Triage.enrich). */
export interface TriageExtras {
  suggestion?: { category: string; confidence: number; source: string; reason: string; applied: boolean; outcome: string | null };
  /** The model's best categories, most likely first (at most 3). */
  ranked: string[];
  priorityReason?: string;
  typeReason?: string;
  ownerReason?: string;
  duplicate?: { original: number; title: string; score: number; state: DuplicateRow["state"] };
  duplicates: number;
  offer?: { count: number; state: string };
  categories: string[];
}

/** The card verbs triage adds; adapters pass them back through the desk's actionCommand(verb, ticket, input). */
export const TRIAGE_VERBS = {
  acceptCategory: "accept_category",
  changeCategory: "change_category",
  linkDuplicate: "link_duplicate",
  notDuplicate: "not_duplicate",
  declareIncident: "declare_incident_offer",
} as const;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const cap = (verb: string, number?: number, text?: string): Command => ({
  kind: "capability",
  capability: "triage",
  verb,
  ...(number !== undefined ? { number } : {}),
  ...(text ? { text } : {}),
});

export function triageCard(s: TicketSnapshot): { fields: FieldView[]; actions: ActionView[] } {
  const x = s.extras?.triage as TriageExtras | undefined;
  const fields: FieldView[] = [];
  const actions: ActionView[] = [];
  if (!x) return { fields, actions };
  const t = s.ticket;
  const open = isOpen(t.status);
  const sg = x.suggestion;
  // A rule's share of matches is no probability: a rule's category shows the rule (and the model's view) instead.
  const sure = (x: NonNullable<TriageExtras["suggestion"]>) => (x.source === "rule" ? "" : ` (${pct(x.confidence)})`);
  if (sg && !sg.applied && !sg.outcome && !t.category) {
    fields.push({ label: "Category", value: `${sg.category}${sure(sg)} suggested · ${sg.reason}` });
    if (open)
      actions.push({ verb: TRIAGE_VERBS.acceptCategory, label: `Accept ${sg.category}`, ticketId: t.number, style: "primary", typed: `accept ${t.number}` });
  } else if (sg?.applied && t.category === sg.category) {
    fields.push({ label: "Category reason", value: `${sg.category}${sure(sg)} · ${sg.reason}` });
  }
  // The model's next best come first, then the other categories (the current one is no choice).
  const options = [...new Set([...x.ranked, ...x.categories])].filter((c) => c !== t.category);
  if (open && options.length)
    actions.push({
      verb: TRIAGE_VERBS.changeCategory,
      label: t.category || sg ? "Change category" : "Set category",
      ticketId: t.number,
      typed: `category ${t.number} <name>`,
      input: { kind: "choice", options },
    });
  if (x.typeReason) fields.push({ label: "Type reason", value: x.typeReason });
  if (x.priorityReason) fields.push({ label: "Priority reason", value: x.priorityReason });
  if (x.ownerReason) fields.push({ label: "Owner reason", value: x.ownerReason });
  // The original is named by number only: the same card reaches the requester (Teams shows it in their chat),
  // and another requester's title is theirs.
  const d = x.duplicate;
  if (d && d.state === "suggested") {
    fields.push({ label: "Duplicate", value: `Looks like #${d.original} (${pct(d.score)} alike)` });
    if (open) {
      actions.push({ verb: TRIAGE_VERBS.linkDuplicate, label: `Link as duplicate of #${d.original}`, ticketId: t.number, typed: `duplicate ${t.number}` });
      actions.push({ verb: TRIAGE_VERBS.notDuplicate, label: "Not a duplicate", ticketId: t.number, typed: `notdup ${t.number}` });
    }
  } else if (d && d.state === "linked") {
    fields.push({ label: "Duplicate", value: `Duplicate of #${d.original}; closes with it` });
  }
  if (x.duplicates) fields.push({ label: "Duplicates", value: `${x.duplicates} other report${x.duplicates === 1 ? "" : "s"} look like this one` });
  // Once declared, the incidents capability shows the incident itself.
  if (x.offer?.state === "offered") {
    fields.push({ label: "Incident offer", value: `Declare incident from #${t.number} and its ${x.offer.count} duplicates?` });
    if (open)
      actions.push({ verb: TRIAGE_VERBS.declareIncident, label: "Declare incident", ticketId: t.number, style: "danger", typed: `incident from ${t.number}` });
  }
  return { fields, actions };
}

/** The card verbs triage adds. */
export const triageActions: Record<string, (n: number, input: string) => Command | undefined> = {
  [TRIAGE_VERBS.acceptCategory]: (n) => cap("accept", n),
  [TRIAGE_VERBS.changeCategory]: (n, input) => (input ? { kind: "category", number: n, category: input } : undefined),
  [TRIAGE_VERBS.linkDuplicate]: (n) => cap("link", n),
  [TRIAGE_VERBS.notDuplicate]: (n) => cap("notdup", n),
  [TRIAGE_VERBS.declareIncident]: (n) => cap("incident", n),
};

const usage = (verb: string, form: string, says: string) => [{ verb, form, says }];

/** The text verbs triage adds. */
export const triageVerbs: VerbSet[] = [
  {
    usage: usage("triage", "triage N | triage stats", "a ticket's triage (suggestions, duplicates) or the desk's accuracy"),
    parse: ([a, ...more]) => (more.length ? undefined : a?.toLowerCase() === "stats" ? cap("stats") : numbered(a, (n) => cap("show", n))),
  },
  {
    usage: usage("accept", "accept N", "accept the suggested category"),
    parse: ([a, ...more]) => (more.length ? undefined : numbered(a, (n) => cap("accept", n))),
  },
  {
    usage: usage("duplicate", "duplicate N [of M]", "link N as a duplicate (of the suggested original, or of M)"),
    parse: ([a, of, m, ...more]) => {
      if (more.length) return undefined;
      if (of === undefined) return numbered(a, (n) => cap("link", n));
      const original = parseNumber(m);
      return of.toLowerCase() === "of" && original !== undefined ? numbered(a, (n) => cap("link", n, String(original))) : undefined;
    },
  },
  {
    usage: usage("notdup", "notdup N", "N is not a duplicate after all"),
    parse: ([a, ...more]) => (more.length ? undefined : numbered(a, (n) => cap("notdup", n))),
  },
  {
    usage: usage("shift", "shift on|off", "take new tickets, or stop"),
    parse: ([a, ...more]) => (!more.length && /^(on|off)$/i.test(a ?? "") ? cap("shift", undefined, a!.toLowerCase()) : undefined),
  },
];

function numbered(token: string | undefined, make: (n: number) => Command): Command | undefined {
  const n = parseNumber(token);
  return n === undefined ? undefined : make(n);
}
