// Neutral views of a ticket: what a card shows and which buttons it offers. Adapters render them.
import type { Command } from "./commands.js";
import { parsePersonRef } from "./grammar.js";
import type { Person } from "./people.js";
import { parsePriority, STATUS_LABEL, TYPE_LABEL, isOpen, type Ticket } from "./ticket.js";

export interface TicketSnapshot {
  ticket: Ticket;
  requester: Person;
  assignee: Person | null;
  /** What capabilities know of the ticket (SLA due times, triage suggestions...), keyed by capability name. */
  extras?: Record<string, unknown>;
  /** The capabilities' parts of the ticket's card, drawn with the snapshot (from its extras), in the desk's order. */
  card?: CardPart[];
}

/** A capability's part of a card: extra fields and actions drawn from the snapshot's extras. */
export interface CardPart {
  fields?: FieldView[];
  actions?: ActionView[];
}

export const VERBS = ["claim", "assign", "priority", "resolve", "close", "reopen"] as const;
export type Verb = (typeof VERBS)[number];

export interface ActionView {
  verb: string;
  label: string;
  ticketId: number;
  style?: "primary" | "danger";
  /**
   * What the button needs from the person before it can run: a user picker (assign), a choice among
   * options (priority), or a text (resolve's note, reopen's reason). No input: it runs on click.
   */
  input?: { kind: "user" } | { kind: "choice"; options: string[] } | { kind: "text"; label: string; maxLength: number };
  /** The command that does the same where there is no button to press (the console): "claim 3", "incident from 3". */
  typed?: string;
}

export interface FieldView {
  label: string;
  /** Plain text, also the fallback where a platform cannot format `time`. */
  value: string;
  /** A moment the platform should show in each viewer's own time zone (Slack <!date>, Adaptive Card {{TIME()}}). */
  time?: { at: number; prefix?: string };
}

export interface TicketView {
  number: number;
  title: string;
  description: string;
  link: string | null;
  fields: FieldView[];
  actions: ActionView[];
}

const LABELS: Record<Verb, string> = { claim: "Claim", assign: "Assign", priority: "Priority", resolve: "Resolve", close: "Close", reopen: "Reopen" };
const TYPED: Record<Verb, (n: number) => string> = {
  claim: (n) => `claim ${n}`,
  assign: (n) => `assign ${n} @who`,
  priority: (n) => `priority ${n} P1|P2|P3|P4`,
  resolve: (n) => `resolve ${n} <resolution>`,
  close: (n) => `close ${n}`,
  reopen: (n) => `reopen ${n} <reason>`,
};

/** The verbs a ticket in this state offers. */
export function actionsFor(t: Ticket): Verb[] {
  if (t.status === "closed") return ["reopen"];
  if (t.status === "resolved") return ["close", "reopen"];
  return ["claim", "assign", "priority", "resolve", "close"];
}

export function ticketView(s: TicketSnapshot): TicketView {
  const t = s.ticket;
  const fields: FieldView[] = [
    { label: "Requester", value: s.requester.name },
    { label: "Priority", value: t.priority },
    { label: "Status", value: STATUS_LABEL[t.status] },
    { label: "Assignee", value: s.assignee?.name ?? "unassigned" },
    { label: "Type", value: TYPE_LABEL[t.type] },
  ];
  if (t.category) fields.push({ label: "Category", value: t.category });
  if (t.service) fields.push({ label: "Service", value: t.service });
  if (t.team) fields.push({ label: "Team", value: t.team });
  if (!isOpen(t.status) && t.resolution) fields.push({ label: "Resolution", value: t.resolution });
  const extra = s.card ?? [];
  fields.push(...extra.flatMap((e) => e.fields ?? []));
  return {
    number: t.number,
    title: t.title,
    description: t.description,
    link: t.source.link,
    fields,
    actions: [
      ...actionsFor(t).map((verb) => ({
        verb,
        label: LABELS[verb],
        ticketId: t.number,
        typed: TYPED[verb](t.number),
        ...(verb === "claim" || verb === "reopen" ? { style: "primary" as const } : {}),
        ...(INPUTS[verb] ? { input: INPUTS[verb] } : {}),
      })),
      ...extra.flatMap((e) => e.actions ?? []),
    ],
  };
}

const INPUTS: Partial<Record<Verb, ActionView["input"]>> = {
  assign: { kind: "user" },
  priority: { kind: "choice", options: ["P1", "P2", "P3", "P4"] },
  resolve: { kind: "text", label: "Resolution (the requester will read it)", maxLength: 3000 },
  reopen: { kind: "text", label: "Why does it need reopening?", maxLength: 3000 },
};

/**
 * Turns a click on one of the core's buttons (verb, ticket, and what the person gave) into the command it
 * stands for; the desk's capabilities answer for their own verbs (Capabilities.actionCommand).
 * `input` is a platform user id for user pickers, the chosen option, or the typed text.
 */
export function coreActionCommand(verb: string, ticketId: number, input?: string): Command | undefined {
  const text = input?.trim() ?? "";
  switch (verb) {
    case "claim":
      return { kind: "claim", number: ticketId };
    case "close":
      return { kind: "close", number: ticketId };
    case "assign": {
      // A picker gives a platform user id; a typed "@name" is a handle.
      const who = text.startsWith("@") || text.startsWith("<@") ? parsePersonRef(text) : text ? { id: text } : undefined;
      return who ? { kind: "assign", number: ticketId, assignee: who } : undefined;
    }
    case "priority": {
      const p = parsePriority(text);
      return p ? { kind: "priority", number: ticketId, priority: p } : undefined;
    }
    case "resolve":
      return text ? { kind: "resolve", number: ticketId, resolution: text } : undefined;
    case "reopen":
      return text ? { kind: "reopen", number: ticketId, reason: text } : undefined;
  }
  return undefined;
}
