// The ticket model and its lifecycle rules, free of storage and platforms.
import { DeskError } from "./errors.js";

export const STATUSES = ["new", "awaiting_approval", "triaged", "in_progress", "waiting", "resolved", "closed"] as const;
export type Status = (typeof STATUSES)[number];

export const TYPES = ["incident", "service_request", "access_request", "change", "question"] as const;
export type TicketType = (typeof TYPES)[number];

export const LEVELS = ["high", "medium", "low"] as const;
export type Level = (typeof LEVELS)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

export type PriorityMatrix = Record<Level, Record<Level, Priority>>;

export const DEFAULT_MATRIX: PriorityMatrix = {
  high: { high: "P1", medium: "P2", low: "P3" },
  medium: { high: "P2", medium: "P3", low: "P4" },
  low: { high: "P3", medium: "P4", low: "P4" },
};

export const LIMITS = { title: 150, description: 3000, comment: 3000, resolution: 3000 } as const;

export const STATUS_LABEL: Record<Status, string> = {
  new: "new",
  awaiting_approval: "awaiting approval",
  triaged: "triaged",
  in_progress: "in progress",
  waiting: "waiting on requester",
  resolved: "resolved",
  closed: "closed",
};

export const TYPE_LABEL: Record<TicketType, string> = {
  incident: "incident",
  service_request: "service request",
  access_request: "access request",
  change: "change",
  question: "question",
};

/** Where a status may go by a plain status change. Reopen is its own verb (from resolved or closed). */
const NEXT: Record<Status, readonly Status[]> = {
  new: ["triaged", "in_progress", "waiting", "resolved", "closed"],
  // Only a decision (approve/reject, src/capabilities/approvals) moves it on; withdrawing or resolving it cancels the request.
  awaiting_approval: ["resolved", "closed"],
  triaged: ["in_progress", "waiting", "resolved", "closed"],
  in_progress: ["triaged", "waiting", "resolved", "closed"],
  waiting: ["in_progress", "resolved", "closed"],
  resolved: ["closed"],
  closed: [],
};

export function allowedNext(from: Status): readonly Status[] {
  return NEXT[from];
}

export function isOpen(status: Status): boolean {
  return status !== "resolved" && status !== "closed";
}

/** Throws with the reason and the way forward when the lifecycle refuses `from -> to`. */
export function assertTransition(number: number, from: Status, to: Status): void {
  if (from === to) throw new DeskError("INVALID_TRANSITION", `#${number} is already ${STATUS_LABEL[to]}.`);
  if (NEXT[from].includes(to)) return;
  if (from === "closed") throw new DeskError("INVALID_TRANSITION", `#${number} is closed; reopen it first: reopen ${number} <why>.`);
  if (from === "resolved") throw new DeskError("INVALID_TRANSITION", `#${number} is resolved; reopen it first (reopen ${number} <why>) or close it.`);
  if (from === "awaiting_approval")
    throw new DeskError(
      "INVALID_TRANSITION",
      `#${number} awaits approval; it moves on when its approvers decide (approve ${number} / reject ${number} <reason>), or close it to withdraw it.`,
    );
  if (to === "new") throw new DeskError("INVALID_TRANSITION", `#${number} has been triaged; a ticket never goes back to new.`);
  throw new DeskError("INVALID_TRANSITION", `#${number} cannot go from ${STATUS_LABEL[from]} to ${STATUS_LABEL[to]}.`);
}

export function assertReopenable(number: number, from: Status): void {
  if (from !== "resolved" && from !== "closed") {
    throw new DeskError("INVALID_TRANSITION", `#${number} is ${STATUS_LABEL[from]}, not resolved or closed; there is nothing to reopen.`);
  }
}

export function priorityOf(matrix: PriorityMatrix, impact: Level, urgency: Level): Priority {
  return matrix[impact][urgency];
}

export function parseStatus(text: string): Status | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if ((STATUSES as readonly string[]).includes(t)) return t as Status;
  const aliases: Record<string, Status> = {
    awaiting: "awaiting_approval",
    approval: "awaiting_approval",
    inprogress: "in_progress",
    progress: "in_progress",
    working: "in_progress",
    waiting_on_requester: "waiting",
    pending: "waiting",
    open: "triaged",
    done: "resolved",
  };
  return aliases[t];
}

export function parsePriority(text: string): Priority | undefined {
  const t = text.trim().toUpperCase();
  return (PRIORITIES as readonly string[]).includes(t) ? (t as Priority) : undefined;
}

export function parseLevel(text: string): Level | undefined {
  const t = text.trim().toLowerCase();
  const aliases: Record<string, Level> = { h: "high", m: "medium", med: "medium", l: "low" };
  return (LEVELS as readonly string[]).includes(t) ? (t as Level) : aliases[t];
}

export function parseType(text: string): TicketType | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if ((TYPES as readonly string[]).includes(t)) return t as TicketType;
  const aliases: Record<string, TicketType> = { request: "service_request", access: "access_request", change_request: "change", q: "question" };
  return aliases[t];
}

export interface Ticket {
  number: number;
  title: string;
  description: string;
  type: TicketType;
  category: string | null;
  service: string | null;
  impact: Level;
  urgency: Level;
  priority: Priority;
  status: Status;
  requesterId: number;
  assigneeId: number | null;
  team: string | null;
  tags: string[];
  source: { kind: string; link: string | null; ref: string | null };
  resolution: string | null;
  createdAt: number;
  updatedAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
}
