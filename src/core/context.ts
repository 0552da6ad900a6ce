// What a command's code works with: its transaction, its context (Ctx), its outcome, and the desk as the
// capabilities' jobs and hooks see it. Types only, so that the desk, its handlers and every capability can
// share them without importing one another.
import type { RawBuilder, Transaction } from "kysely";
import type { Db } from "../store/connection.js";
import type { Database, TicketUpdate } from "../store/database.js";
import type { Clock } from "./clock.js";
import type { Command, CommandKind, Envelope } from "./commands.js";
import type { ErrorCode } from "./errors.js";
import type { FormField } from "./form.js";
import type { AlsoTell, ChangeKind, IncidentChange } from "./notify.js";
import type { Person } from "./people.js";
import type { Permission, Role } from "./permissions.js";
import type { RoleResolver } from "./role-resolver.js";
import type { DeskSettings } from "./settings.js";
import type { Ticket } from "./ticket.js";
import type { ActionView, TicketSnapshot } from "./views.js";

export type Trx = Transaction<Database>;

export interface HistoryLine {
  at: number;
  actor: string;
  platform: string;
  action: string;
  field: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
}

/** A file a command produced (a chart, an export): the console prints its path, chat adapters upload it. */
export interface OutcomeFile {
  path: string;
  title: string;
  mime: string;
}

export type Outcome =
  | {
      ok: true;
      kind: CommandKind;
      text: string;
      snapshot?: TicketSnapshot;
      list?: TicketSnapshot[];
      history?: HistoryLine[];
      form?: FormField[];
      files?: OutcomeFile[];
    }
  | { ok: false; code: ErrorCode; text: string; field?: string };

/** What a handler gets: the transaction, the acting person and their role, and the means to record a change. */
export interface Ctx {
  trx: Trx;
  now: number;
  actor: Person;
  role: Role;
  settings: DeskSettings;
  envelope: Envelope;
  /** What the acting person was told as a requester during this command (shown with the command's answer). */
  told: string[];
  require(permission: Permission, doing: string): void;
  load(number: number): Promise<Ticket>;
  snapshot(t: Ticket): Promise<TicketSnapshot>;
  person(id: number): Promise<Person>;
  roleOfPerson(p: Person): Role;
  /** Where roles come from (the `role` command explains and sets them). */
  roles: RoleResolver;
  /** Runs another command inside this one's transaction, as the same person (triage's incident offer declares an incident). */
  run(cmd: Command): Promise<Outcome>;
  /** What the desk's capabilities add to the core's own commands (help, list order, who may read a ticket, the form). */
  capabilities: CapabilityHooks;
  /** Applies `changes`, writes one audit event per changed field, and queues notifications. */
  change(
    before: Ticket,
    changes: TicketUpdate,
    kind: ChangeKind,
    summary: string,
    extra?: { reason?: string; comment?: { body: string; internal: boolean }; requesterMessage?: string; requesterActions?: ActionView[]; alsoTell?: AlsoTell },
  ): Promise<TicketSnapshot>;
  /** Queues an incident's status update for every status channel (requesters are told through their tickets). */
  broadcast(change: Omit<IncidentChange, "id" | "actor">): Promise<void>;
  /** Records a change that is not a field update (creation, a comment) and queues its notifications. */
  announce(
    after: Ticket,
    kind: ChangeKind,
    summary: string,
    audit: { action: string; field?: string; to?: string; reason?: string },
    comment?: { body: string; internal: boolean },
    requesterMessage?: string,
    requesterActions?: ActionView[],
    alsoTell?: AlsoTell,
  ): Promise<TicketSnapshot>;
  /**
   * change() and announce() for callers that do not need the snapshot back (a capability's hook inside
   * another change): the ticket is drawn once at the end of the command for all its notifications, not
   * once per step (a creation that triage assigns and finds a duplicate of is three steps).
   */
  record: {
    change(...a: Parameters<Ctx["change"]>): Promise<Ticket>;
    announce(...a: Parameters<Ctx["announce"]>): Promise<void>;
  };
}

/** What the core's own commands ask of the desk's capabilities (src/core/capability.ts holds them). */
export interface CapabilityHooks {
  /** The command list, with every capability's verbs. */
  help(): string;
  /** Sort keys `list` puts first (SLA: the soonest breach), each a SQL expression over `tickets`. */
  readonly listOrder: readonly RawBuilder<unknown>[];
  /** Whether some capability lets the acting person read a ticket that is not theirs (an approver, their request). */
  mayRead(ctx: Ctx, ticket: number): Promise<boolean>;
  /** The ticket form's fields, with those capabilities add. */
  form(settings: DeskSettings): FormField[];
}

/** The desk as capabilities' jobs and preparations use it (the Desk class is one). */
export interface DeskServices {
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: DeskSettings;
  readonly roles: RoleResolver;
  roleOf(p: { platform: string; userId: string; email?: string | null }): Role;
  /** Runs `fn` as the desk itself (system:<name>) in one transaction; see Desk.system. */
  system<T>(name: string, fn: (ctx: Ctx) => Promise<T>, opts?: { solo?: boolean }): Promise<T>;
  handle(env: Envelope): Promise<Outcome>;
  /** A write that is not a command, in the next group commit; see Desk.write. */
  write<T>(work: (trx: Trx) => Promise<T>, opts?: { first?: boolean }): Promise<T>;
}
