// A capability (triage, SLA, incidents...) is one object that says everything it adds to the core: its
// verbs, its card buttons and card part, its list order, its form fields, its hooks and its jobs. Each desk
// holds its own list of them (Capabilities below); nothing here is global, so two desks in one process can
// offer different verbs.
import type { RawBuilder } from "kysely";
import type { Db } from "../store/connection.js";
import type { Command, CommandKind, Envelope } from "./commands.js";
import type { CapabilityHooks, Ctx, DeskServices, Outcome, Trx } from "./context.js";
import { ticketForm, validateForm, type FormField, type FormPart, type FormResult, type FormValues } from "./form.js";
import { Grammar, type VerbSet } from "./grammar.js";
import type { ChangeKind } from "./notify.js";
import type { DeskSettings } from "./settings.js";
import type { Ticket } from "./ticket.js";
import { coreActionCommand, type CardPart, type TicketSnapshot } from "./views.js";

export type CapabilityCommand = Extract<Command, { kind: "capability" }>;

/** Turns a click on a capability's button (its verb, the ticket, what the person gave) into a command. */
export type ActionParser = (ticketId: number, input: string) => Command | undefined;

/**
 * Work a capability does on a schedule (SLA escalations, approval reminders, the digest), run by the one
 * ticker in src/jobs.ts on the desk's clock.
 */
export interface Job {
  name: string;
  /** How often it runs. */
  everyMs: number;
  /** Once at start-up, before the first run: catches up on what fell due while the desk was down. Returns notes for the start-up log. */
  catchUp?(desk: DeskServices, log: (m: string) => void): Promise<string[]>;
  /** One run. The ticker never starts a job's run while its previous one is still going. */
  run(desk: DeskServices, log: (m: string) => void): Promise<void>;
}

/** What a scheduler-backed job keeps between runs: its work each period, and its catch-up at start-up. */
export interface Scheduler<Caught> {
  tick(): Promise<unknown>;
  catchUp(): Promise<Caught>;
}

/**
 * A job whose work is a scheduler object, made with the desk on first use and kept between runs (it remembers
 * a run in progress). `caughtUp` turns what the catch-up did into notes for the start-up log.
 */
export function schedulerJob<Caught>(
  name: string,
  everyMs: number,
  make: (desk: DeskServices, log: (m: string) => void) => Scheduler<Caught>,
  caughtUp: (c: Caught) => string[],
): Job {
  let scheduler: Scheduler<Caught> | undefined;
  const of = (desk: DeskServices, log: (m: string) => void) => (scheduler ??= make(desk, log));
  return {
    name,
    everyMs,
    catchUp: async (desk, log) => caughtUp(await of(desk, log).catchUp()),
    run: async (desk, log) => void (await of(desk, log).tick()),
  };
}

/**
 * A capability plugged into a desk. Hooks run inside the command's transaction, so what they change
 * commits or rolls back with the command.
 */
export interface Capability {
  name: string;
  /** Text verbs it adds to the grammar. */
  verbs?: readonly VerbSet[];
  /** Card buttons it adds, by verb. */
  actions?: Readonly<Record<string, ActionParser>>;
  /** Its part of a ticket's card, drawn from the snapshot (its extras). */
  card?(s: TicketSnapshot): CardPart;
  /** A sort key `list` puts before the priority (SLA: the soonest breach first); a SQL expression over `tickets`. */
  listOrder?: RawBuilder<unknown>;
  /** Fields it adds to the ticket form. */
  form?: FormPart;
  /** Core command kinds of its own shape that it runs (incidents: "incident"; see CapabilityCommands in commands.ts). */
  runs?: { kinds: readonly CommandKind[]; run(ctx: Ctx, cmd: Command): Promise<Outcome> };
  /** After any change to a ticket: `before` is null at creation, and the very ticket object `after` for an announced change that moved no field. */
  afterChange?(ctx: Ctx, change: { kind: ChangeKind; before: Ticket | null; after: Ticket; comment?: { body: string; internal: boolean } }): Promise<void>;
  /** What this capability adds to a ticket's snapshot (under snapshot.extras[name]) for views to draw. */
  enrich?(db: Db | Trx, ticket: Ticket): Promise<unknown>;
  /** Runs a `capability` command addressed to it (its own verbs), inside the command's transaction. */
  command?(ctx: Ctx, cmd: CapabilityCommand): Promise<Outcome>;
  /** Runs before such a command's transaction, for lookups that may wait on the network (a group directory). */
  prepare?(desk: DeskServices, cmd: CapabilityCommand, actor: Envelope["actor"]): Promise<void>;
  /** Whether it lets the acting person read a ticket that is neither theirs nor assigned to them (an approver, the request they decide on). */
  mayRead?(ctx: Ctx, ticket: number): Promise<boolean>;
  /** Once when the desk's process starts, before people's commands (triage learns from resolved tickets). Returns notes for the start-up log. */
  start?(desk: DeskServices): Promise<string[]>;
  /** Its scheduled work. */
  jobs?: readonly Job[];
}

/** One desk's capabilities, in the order their hooks run and their card parts are drawn. */
export class Capabilities implements CapabilityHooks {
  private readonly all: Capability[];
  private grammarBuilt: Grammar | undefined;

  constructor(list: readonly Capability[] = []) {
    this.all = [...list];
  }

  get list(): readonly Capability[] {
    return this.all;
  }

  add(c: Capability): void {
    this.all.push(c);
    this.grammarBuilt = undefined;
  }

  named(name: string): Capability | undefined {
    return this.all.find((c) => c.name === name);
  }

  /** This desk's grammar: the core's verbs and its capabilities'. */
  get grammar(): Grammar {
    this.grammarBuilt ??= new Grammar(this.all.flatMap((c) => c.verbs ?? []));
    return this.grammarBuilt;
  }

  /** Parses what follows `/ticket` (or a message to the bot) with this desk's verbs. */
  parse(text: string): Command {
    return this.grammar.parse(text);
  }

  help(): string {
    return this.grammar.help();
  }

  /**
   * Turns a clicked button (verb, ticket, and what the person gave) into the command it stands for. Adapters
   * call this for every button, so a capability's verb works on every platform.
   */
  actionCommand(verb: string, ticketId: number, input?: string): Command | undefined {
    const core = coreActionCommand(verb, ticketId, input);
    if (core) return core;
    const owner = this.all.find((c) => c.actions && Object.hasOwn(c.actions, verb));
    return owner?.actions![verb]!(ticketId, input?.trim() ?? "");
  }

  /** Whether a capability offers `verb` as a button (so a click lacking its input needs more, rather than being unknown). */
  hasAction(verb: string): boolean {
    return this.all.some((c) => c.actions && Object.hasOwn(c.actions, verb));
  }

  /** Each capability's part of the ticket's card, in the desk's order. */
  card(s: TicketSnapshot): CardPart[] {
    return this.all.flatMap((c) => (c.card ? [c.card(s)] : []));
  }

  get listOrder(): RawBuilder<unknown>[] {
    return this.all.flatMap((c) => (c.listOrder ? [c.listOrder] : []));
  }

  async mayRead(ctx: Ctx, ticket: number): Promise<boolean> {
    for (const c of this.all) if (c.mayRead && (await c.mayRead(ctx, ticket))) return true;
    return false;
  }

  private get formParts(): FormPart[] {
    return this.all.flatMap((c) => (c.form ? [c.form] : []));
  }

  form(settings: DeskSettings): FormField[] {
    return ticketForm(settings, this.formParts);
  }

  validateForm(settings: DeskSettings, values: FormValues): FormResult {
    return validateForm(settings, values, this.formParts);
  }

  /** The capability that runs `cmd`, if a capability does (a `capability` command by name, other kinds by `runs`). */
  ownerOf(cmd: Command): Capability | undefined {
    if (cmd.kind === "capability") return this.all.find((c) => c.name === cmd.capability && c.command);
    return this.all.find((c) => c.runs?.kinds.includes(cmd.kind));
  }

  get jobs(): Job[] {
    return this.all.flatMap((c) => c.jobs ?? []);
  }
}
