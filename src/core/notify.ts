// The port through which the core says what must be told to whom. Notifiers (one per platform) plan
// outbox messages for a change; the desk writes them in the change's own transaction.
import type { TicketLinkRow } from "../store/database.js";
import type { Person } from "./people.js";
import type { ActionView, TicketSnapshot } from "./views.js";

/** The core's own kinds; capabilities add their own strings (notifiers treat unknown kinds generically). */
export type ChangeKind =
  "created" | "claimed" | "assigned" | "priority" | "status" | "commented" | "noted" | "resolved" | "closed" | "reopened" | (string & {});

export interface TicketChange {
  /** Unique per change; outbox keys derive from it. */
  id: string;
  kind: ChangeKind;
  snapshot: TicketSnapshot;
  actor: Person;
  /** Who held the ticket before this change, when it changed hands (a claim that takes it over). */
  previousAssignee?: Person;
  /** One neutral sentence, e.g. "ana claimed #12". */
  summary: string;
  comment?: { body: string; internal: boolean };
  /** The platform the change came from, so a notifier can avoid echoing a message back where it was said. */
  origin: { platform: string; ref?: string };
  /**
   * A sentence for the requester when a capability decides they should hear of this change (e.g. "Others
   * reported this too"). Notifiers deliver it to the requester's thread or chat, whatever the kind.
   */
  requesterMessage?: string;
  /** Buttons for the requester under that sentence (e.g. "Solved it" / "Still need help"); clicks go through actionCommand. */
  requesterActions?: ActionView[];
  /**
   * People and channels beyond the ticket's own who must hear this change (a team lead, an escalation
   * channel): each notifier tells those of its own platform the summary, directly.
   */
  alsoTell?: AlsoTell;
}

export interface AlsoTell {
  people: { platform: string; userId: string }[];
  channels: { platform: string; channel: string }[];
}

export interface PlannedMessage {
  platform: string;
  kind: string;
  target: string;
  payload: unknown;
  /** Distinguishes messages of one change; the desk prefixes the change id. */
  key: string;
  /** A redraw (a card, a status message): skipped while an earlier one with this key is still waiting. */
  coalesce?: string;
}

/**
 * What an incident broadcast shows (the incident, its latest update, how many tickets it holds). Empty here: the
 * incidents capability declares its members (declare module in src/capabilities/incidents/model.ts), so the core
 * carries the view to the notifiers without importing the capability.
 */
export interface IncidentView {}

/** An incident declared, updated or resolved: said once in every status channel of the notifier's platform. */
export interface IncidentChange {
  id: string;
  kind: "declared" | "updated" | "resolved";
  view: IncidentView;
  actor: Person;
  summary: string;
  /** Status channels subscribed on every platform; a notifier keeps those of its own. */
  channels: { platform: string; channel: string }[];
}

export interface Notifier {
  /**
   * The capabilities whose extras this notifier reads from change.snapshot.extras. Snapshots for notifiers
   * carry only the extras some notifier declares (each costs queries, for every change). Unset: all of them.
   */
  readonly extras?: readonly string[];
  plan(change: TicketChange, links: TicketLinkRow[]): PlannedMessage[];
  /** Optional: notifiers of platforms that carry status channels. */
  planIncident?(change: IncidentChange): PlannedMessage[];
}
