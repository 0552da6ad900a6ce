// What people can ask of the desk, whatever platform they ask from.
import type { Level, Priority, Status, TicketType } from "./ticket.js";

/** A person as a platform knows them. */
export interface Actor {
  platform: string;
  userId: string;
  displayName?: string;
  email?: string;
  tz?: string;
}

/** How a command names a person: a platform user id (from a mention) or a handle typed by hand. */
export type PersonRef = { id: string; name?: string } | { name: string; id?: undefined };

export interface Source {
  kind: string;
  link?: string;
  ref?: string;
}

export interface CreateFields {
  title: string;
  description?: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  category?: string;
  service?: string;
  tags?: string[];
}

export type ListScope = "mine" | "queue" | "open" | "all";

export type Command =
  /**
   * `onBehalfOf`: the person whose message this is (a shortcut or message action on someone else's message):
   * they are the requester and hear the updates; the actor is recorded as the one who raised it.
   */
  | ({ kind: "create"; source?: Source; onBehalfOf?: Actor } & CreateFields)
  | { kind: "form" }
  | { kind: "list"; scope?: ListScope }
  | { kind: "show"; number: number }
  /** `force` takes over a ticket another agent holds; without it the desk asks first. */
  | { kind: "claim"; number: number; force?: boolean }
  | { kind: "assign"; number: number; assignee: PersonRef }
  | { kind: "priority"; number: number; priority: Priority }
  | { kind: "status"; number: number; status: Status }
  | { kind: "comment"; number: number; body: string }
  | { kind: "note"; number: number; body: string }
  | { kind: "resolve"; number: number; resolution: string }
  | { kind: "close"; number: number }
  | { kind: "reopen"; number: number; reason: string }
  | { kind: "history"; number: number }
  | { kind: "search"; words: string }
  | { kind: "help"; topic?: string; unknown?: string }
  | { kind: "category"; number: number; category: string }
  /** A verb a capability (triage, approvals...) adds; the desk hands it to the capability named `capability`. */
  | { kind: "capability"; capability: string; verb: string; number?: number; text?: string }
  | CapabilityCommands[keyof CapabilityCommands];

/**
 * Commands of their own shape that capabilities add (incidents: `{ kind: "incident"; action }`), each keyed by
 * its kind. A capability declares its entry from its own folder (`declare module ".../core/commands.js"`), and
 * names the kind in its `runs` (capability.ts), so the desk hands such commands to it.
 */
export interface CapabilityCommands {}

export type CommandKind = Command["kind"];

/** A command as it arrives: who, what, and (for platforms that redeliver) a key that makes it happen once. */
export interface Envelope {
  actor: Actor;
  command: Command;
  idempotencyKey?: string;
  /** Where on its platform the command was said (a thread, a message), so replies are not echoed back there. */
  originRef?: string;
}
