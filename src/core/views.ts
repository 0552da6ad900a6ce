// Neutral views of a ticket: what a card shows and which buttons it offers. Adapters render them.
import type { Person } from "./people.js";
import { STATUS_LABEL, TYPE_LABEL, isOpen, type Ticket } from "./ticket.js";

export interface TicketSnapshot {
  ticket: Ticket;
  requester: Person;
  assignee: Person | null;
}

export const VERBS = ["claim", "assign", "priority", "resolve", "close", "reopen"] as const;
export type Verb = (typeof VERBS)[number];

export interface ActionView {
  verb: Verb;
  label: string;
  ticketId: number;
  style?: "primary" | "danger";
}

export interface FieldView {
  label: string;
  value: string;
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
  return {
    number: t.number,
    title: t.title,
    description: t.description,
    link: t.source.link,
    fields,
    actions: actionsFor(t).map((verb) => ({ verb, label: LABELS[verb], ticketId: t.number, ...(verb === "claim" || verb === "reopen" ? { style: "primary" as const } : {}) })),
  };
}
