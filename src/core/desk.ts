// The ticket core: every command from every adapter comes through handle(), runs in one transaction,
// writes its audit events and queues its notifications before it commits.
import { type Db, describeSqliteError, sqliteCode } from "../store/connection.js";
import type { TicketUpdate } from "../store/database.js";
import { appendAudit } from "../store/audit.js";
import { personById, upsertPerson } from "../store/people.js";
import { receiptFor, recordReceipt } from "../store/receipts.js";
import { ticketByNumber, updateTicket } from "../store/tickets.js";
import type { Clock } from "./clock.js";
import { Capabilities, type Capability } from "./capability.js";
import type { Command, Envelope } from "./commands.js";
import type { Ctx, DeskServices, Outcome, Trx } from "./context.js";
import { DeskError, isDeskError, notFound } from "./errors.js";
import type { AlsoTell, ChangeKind, Notifier } from "./notify.js";
import { personKey, toPerson, type Person } from "./people.js";
import { can, type Permission, type Role } from "./permissions.js";
import { RoleResolver } from "./role-resolver.js";
import type { DeskSettings } from "./settings.js";
import type { Ticket } from "./ticket.js";
import type { ActionView, TicketSnapshot } from "./views.js";
import { runCommand } from "./handlers.js";
import { CommandNotices, snapshotOf, withCard } from "./notices.js";
import { CommandBatches, type BatchLimits } from "./batches.js";
import { withoutServerPaths } from "./files.js";
import { stripControls } from "./text.js";

export type { Capability } from "./capability.js";
export type { Ctx, HistoryLine, Outcome, OutcomeFile, Trx } from "./context.js";

export interface DeskDeps {
  db: Db;
  clock: Clock;
  settings: DeskSettings;
  notifiers?: Notifier[];
  /** What this desk offers beyond the core (src/capabilities/index.ts lists the standard ones). */
  capabilities?: Capability[];
  log?: (message: string) => void;
  /** Group commit's limits (tests set them; the defaults suit production). */
  batchLimits?: BatchLimits;
}

const AUDITED: (keyof TicketUpdate)[] = [
  "title",
  "description",
  "type",
  "category",
  "service",
  "impact",
  "urgency",
  "priority",
  "status",
  "assignee_id",
  "team",
  "tags",
  "resolution",
];

export class Desk implements DeskServices {
  private readonly notifiers: Notifier[];
  /** This desk's capabilities: its grammar, card buttons and parts, form, hooks and jobs come from them. */
  readonly capabilities: Capabilities;
  private readonly commitListeners: (() => void)[] = [];
  /** Transactions run one at a time, each on a fresh turn of the event loop, and commit in batches (batches.ts). */
  private readonly batches: CommandBatches;
  /** Who holds which role (settings, admins' overrides, group directories the adapters add). */
  readonly roles: RoleResolver;

  constructor(private readonly deps: DeskDeps) {
    this.roles = new RoleResolver(deps.settings, deps.log);
    this.notifiers = [...(deps.notifiers ?? [])];
    this.capabilities = new Capabilities(deps.capabilities ?? []);
    this.batches = new CommandBatches(
      deps.db,
      () => {
        for (const l of this.commitListeners) {
          try {
            l();
          } catch (err) {
            // A listener only wakes background work: its failure must not stop the others, nor the next batch.
            deps.log?.(`after commit: ${(err as Error)?.message ?? err}`);
          }
        }
      },
      deps.batchLimits,
    );
  }

  get settings(): DeskSettings {
    return this.deps.settings;
  }

  get db(): Db {
    return this.deps.db;
  }

  get clock(): Clock {
    return this.deps.clock;
  }

  addNotifier(n: Notifier): void {
    this.notifiers.push(n);
  }

  addCapability(c: Capability): void {
    this.capabilities.add(c);
  }

  /** Parses a line typed to the desk with this desk's verbs. */
  parse(text: string): Command {
    return this.capabilities.parse(text);
  }

  /** Called after every committed command (outbox workers wake on it). */
  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  roleOf(p: { platform: string; userId: string; email?: string | null }): Role {
    return this.roles.roleOf(p);
  }

  /** A ticket with its people, for rendering outside a command. */
  async snapshot(number: number): Promise<TicketSnapshot | undefined> {
    const t = await ticketByNumber(this.deps.db, number);
    return t ? snapshotOf(this.deps.db, t, this.capabilities.list) : undefined;
  }

  /** Runs one command (counted from its arrival, so Desk.quiet waits for it before its turn comes, too). */
  handle(env: Envelope): Promise<Outcome> {
    this.pending++;
    // Every surface's strings pass here: no control character is stored, and no answer names a server path.
    const clean = { ...env, actor: stripControls(env.actor), command: stripControls(env.command) };
    return this.handleNow(clean)
      .then(withoutServerPaths)
      .finally(() => this.settled());
  }

  private settled(): void {
    if (--this.pending === 0) for (const wake of this.quietWaiters.splice(0)) wake();
  }

  private async handleNow(env: Envelope): Promise<Outcome> {
    const { db, clock } = this.deps;
    try {
      // Group directories may need the network: asked before the transaction, never inside it.
      const role = await this.roles.resolve(db, env.actor);
      if (env.command.kind === "assign") await this.roles.resolveNamed(db, env.actor.platform, env.command.assignee);
      const asked = env.command;
      const owner = this.capabilities.ownerOf(asked);
      if (asked.kind === "capability") await this.capabilities.list.find((x) => x.name === asked.capability && x.prepare)?.prepare!(this, asked, env.actor);
      // Per-ticket commands share commits; a capability's (an incident's) may touch many tickets, so it commits alone.
      const solo = asked.kind === "capability" || owner !== undefined;
      const outcome = await this.inTurn(async (trx) => {
        // Checked inside the transaction: transactions run one at a time, so a redelivery racing the
        // original sees its receipt and returns the same answer instead of acting twice.
        if (env.idempotencyKey) {
          const seen = await receiptFor(trx, env.idempotencyKey);
          if (seen) {
            const answered = JSON.parse(seen) as Outcome;
            // The receipt keeps the snapshot's facts; its card is drawn again from them, as for the first answer.
            if (answered.ok && answered.snapshot) answered.snapshot = withCard(answered.snapshot, this.capabilities.list);
            return answered;
          }
        }
        const now = clock.now();
        const actor = toPerson(await upsertPerson(trx, env.actor, now));
        const { ctx, flush } = this.context(trx, env, actor, now, role);
        const outcome = await ctx.run(env.command);
        await flush();
        if (env.idempotencyKey) await recordReceipt(trx, env.idempotencyKey, JSON.stringify(outcome), now);
        return outcome;
      }, solo);
      return outcome;
    } catch (err) {
      if (isDeskError(err)) return { ok: false, code: err.code, text: err.message, ...(err.field ? { field: err.field } : {}) };
      if (sqliteCode(err)) {
        return { ok: false, code: "STORAGE_UNAVAILABLE", text: `Nothing was changed: ${describeSqliteError(err)}.` };
      }
      return this.failed(env, err);
    }
  }

  /**
   * Anything else a command throws (a capability's hook with a bug, a report's folder that cannot be written)
   * fails that command alone: its savepoint has rolled back, the person is told so with a reference to the
   * one log line that describes it, and the desk goes on with the next command.
   */
  private failed(env: Envelope, err: unknown): Outcome {
    const ref = Math.random().toString(36).slice(2, 8);
    const e = err instanceof Error ? err : new Error(String(err));
    const where = /\n\s+at (.*)/.exec(e.stack ?? "")?.[1] ?? "unknown place";
    const command = env.command.kind === "capability" ? `${env.command.capability} ${env.command.verb}` : env.command.kind;
    (this.deps.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(
      `command ${command} by ${personKey(env.actor)} failed (ref ${ref}): ${e.name}: ${e.message.split("\n")[0]} (at ${where})`,
    );
    // A system error names its kind (ENOTDIR, EACCES) but never the path, which is the server's business.
    const kind = typeof (e as NodeJS.ErrnoException).code === "string" ? ` (${(e as NodeJS.ErrnoException).code})` : "";
    return {
      ok: false,
      code: "COMMAND_FAILED",
      text: `That failed on the desk's side${kind}, and nothing was changed. Try again later; if it keeps failing, tell the desk's admins (ref ${ref}).`,
    };
  }

  /**
   * Runs `fn` as the desk itself (the person system:<name>, with the admin role) in one transaction, for
   * changes nobody typed: SLA escalations, scheduled jobs. Its changes audit and notify like any command's;
   * commit listeners run after. The envelope's command is only a placeholder ("help"): `fn` is the work.
   */
  /** `solo: false` lets small work (one alert) share a group commit with the commands queued beside it. */
  async system<T>(name: string, fn: (ctx: Ctx) => Promise<T>, opts: { solo?: boolean } = {}): Promise<T> {
    const { clock } = this.deps;
    const actorRef = { platform: "system", userId: name, displayName: `Deskhand ${name}` };
    return this.inTurn(async (trx) => {
      const now = clock.now();
      const actor = toPerson(await upsertPerson(trx, actorRef, now));
      const { ctx, flush } = this.context(trx, { actor: actorRef, command: { kind: "help" } }, actor, now, "admin");
      const result = await fn(ctx);
      await flush();
      return result;
    }, opts.solo ?? true);
  }

  /**
   * A write that is not a command (an adapter's inbox row, a person's details learned after their command),
   * in the next group commit with the commands queued beside it. Resolves once it has committed. `first`
   * puts it ahead of the commands already queued (a request that must be stored before Slack's 3 seconds end).
   */
  write<T>(work: (trx: Trx) => Promise<T>, opts: { first?: boolean } = {}): Promise<T> {
    return this.inTurn(work, false, opts.first);
  }

  private inTurn<T>(work: (trx: Trx) => Promise<T>, solo: boolean, first = false): Promise<T> {
    this.pending++;
    return this.batches.run(work, { solo, first }).finally(() => this.settled());
  }

  private pending = 0;
  private readonly quietWaiters: (() => void)[] = [];

  /**
   * Resolves when no command is queued or running, or after `maxWaitMs` at the latest. Background work (the
   * outbox's deliveries) waits on it, so that under a burst people's commands and acks get the CPU first and
   * notifications follow in the gaps; the cap keeps a sustained load from starving them.
   */
  quiet(maxWaitMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.deps.clock.after(maxWaitMs, resolve);
      this.quietWaiters.push(() => {
        cancel();
        resolve();
      });
    });
  }

  /** A command's context, and `flush` to plan its notifications once its work is done (before commit). */
  private context(trx: Trx, envelope: Envelope, actor: Person, now: number, asRole?: Role): { ctx: Ctx; flush: () => Promise<void> } {
    const settings = this.deps.settings;
    const role = asRole ?? this.roles.roleOf(actor);
    const notifiers = this.notifiers;
    const capabilities = this.capabilities;
    const extensions = capabilities.list;
    let seq = 0;
    const told: string[] = [];
    /** Who and when, for every audit event this command writes. */
    const byActor = { at: now, actor_id: actor.id, platform: actor.platform };
    const notices = new CommandNotices({ trx, actor, envelope, now, notifiers, extensions });
    const queue = (
      t: Ticket,
      kind: ChangeKind,
      summary: string,
      id: string,
      comment?: { body: string; internal: boolean },
      requesterMessage?: string,
      requesterActions?: ActionView[],
      alsoTell?: AlsoTell,
      previousAssigneeId?: number | null,
    ) => {
      if (requesterMessage && t.requesterId === actor.id) told.push(requesterMessage);
      notices.queue(t.number, {
        id,
        kind,
        summary,
        ...(comment ? { comment } : {}),
        ...(requesterMessage ? { requesterMessage } : {}),
        ...(requesterActions?.length ? { requesterActions } : {}),
        ...(alsoTell ? { alsoTell } : {}),
        ...(previousAssigneeId ? { previousAssigneeId } : {}),
      });
    };
    // Numbered within the command even when it has an idempotency key: a command that announces twice (a
    // creation and the article offered with it) must not have its second message taken for a repeat of the first.
    const changeId = (ticket: number) =>
      `t${ticket}:${now}:${envelope.idempotencyKey ? `${envelope.idempotencyKey}:${++seq}` : `${personKey(actor)}:${++seq}:${Math.random().toString(36).slice(2, 8)}`}`;
    const applyChange = async (...[before, changes, kind, summary, extra = {}]: Parameters<Ctx["change"]>): Promise<Ticket> => {
      notices.changed();
      const after = await updateTicket(trx, before.number, { ...changes, updated_at: now });
      const beforeRow = rowValues(before);
      const afterRow = rowValues(after);
      const events = [];
      for (const field of AUDITED) {
        if (!(field in changes) || beforeRow[field] === afterRow[field]) continue;
        events.push({
          ...byActor,
          ticket_id: before.number,
          action: kind,
          field: field === "assignee_id" ? "assignee" : field,
          from_value: await auditValue(trx, field, beforeRow[field]),
          to_value: await auditValue(trx, field, afterRow[field]),
          reason: extra.reason ?? null,
        });
      }
      // A change that moved no audited field (a comment that stamped the first response) is still an event.
      if (!events.length)
        events.push({
          ...byActor,
          ticket_id: before.number,
          action: kind,
          field: null,
          from_value: null,
          to_value: null,
          reason: extra.reason ?? null,
        });
      await appendAudit(trx, events);
      for (const x of extensions) await x.afterChange?.(ctx, { kind, before, after, ...(extra.comment ? { comment: extra.comment } : {}) });
      notices.changed();
      queue(
        after,
        kind,
        summary,
        changeId(before.number),
        extra.comment,
        extra.requesterMessage,
        extra.requesterActions,
        extra.alsoTell,
        before.assigneeId !== after.assigneeId ? before.assigneeId : null,
      );
      return after;
    };
    const applyAnnounce = async (
      ...[after, kind, summary, audit, comment, requesterMessage, requesterActions, alsoTell]: Parameters<Ctx["announce"]>
    ): Promise<void> => {
      notices.changed();
      await appendAudit(trx, [
        {
          ...byActor,
          ticket_id: after.number,
          action: audit.action,
          field: audit.field ?? null,
          from_value: null,
          to_value: audit.to ?? null,
          reason: audit.reason ?? null,
        },
      ]);
      // Creation has no `before`; a comment or announcement changed no field, so `before` is the ticket as it is.
      for (const x of extensions) await x.afterChange?.(ctx, { kind, before: kind === "created" ? null : after, after, ...(comment ? { comment } : {}) });
      notices.changed();
      queue(after, kind, summary, changeId(after.number), comment, requesterMessage, requesterActions, alsoTell);
    };
    const ctx: Ctx = {
      trx,
      now,
      actor,
      role,
      settings,
      envelope,
      told,
      require(permission, doing) {
        if (!can(role, permission))
          throw new DeskError("FORBIDDEN", `Only ${needed(permission)} can ${doing}; you are ${role === "agent" || role === "admin" ? "an" : "a"} ${role}.`);
      },
      async load(number) {
        const t = await ticketByNumber(trx, number);
        if (!t) throw notFound(number);
        return t;
      },
      snapshot: (t) => snapshotOf(trx, t, extensions),
      async person(id) {
        const p = await personById(trx, id);
        if (!p) throw new DeskError("PERSON_NOT_FOUND", `There is no person with id ${id}.`);
        return toPerson(p);
      },
      roleOfPerson: (p) => this.roles.roleOf(p),
      roles: this.roles,
      capabilities,
      run(cmd) {
        // A capability's own verbs go to it, a kind a capability declared (an incident's) to the capability that runs it.
        const owner = capabilities.ownerOf(cmd);
        if (owner?.command && cmd.kind === "capability") return owner.command(ctx, cmd);
        if (owner?.runs) return owner.runs.run(ctx, cmd);
        return runCommand(ctx, cmd);
      },
      async change(...a) {
        return notices.current(await applyChange(...a));
      },
      async broadcast(c) {
        const id = `inc${c.view.incident.id}:${now}:${++seq}:${Math.random().toString(36).slice(2, 8)}`;
        const planned = notifiers.flatMap((n) => n.planIncident?.({ ...c, id, actor }) ?? []);
        notices.queueRows(
          planned.map((m) => ({
            key: `${id}:${m.key}`,
            platform: m.platform,
            kind: m.kind,
            target: m.target,
            payload: m.payload,
            at: now,
            coalesce: m.coalesce,
          })),
        );
      },
      async announce(...a) {
        await applyAnnounce(...a);
        return notices.current(a[0]);
      },
      record: { change: (...a) => applyChange(...a), announce: (...a) => applyAnnounce(...a) },
    };
    return { ctx, flush: () => notices.flush() };
  }
}

function needed(permission: Permission): string {
  const roles: Record<Role, string> = { requester: "requesters", agent: "agents", lead: "leads and admins", admin: "admins" };
  for (const r of ["requester", "agent", "lead", "admin"] as Role[]) if (can(r, permission)) return roles[r];
  return "admins";
}

function rowValues(t: Ticket): Record<string, unknown> {
  return {
    title: t.title,
    description: t.description,
    type: t.type,
    category: t.category,
    service: t.service,
    impact: t.impact,
    urgency: t.urgency,
    priority: t.priority,
    status: t.status,
    assignee_id: t.assigneeId,
    team: t.team,
    tags: JSON.stringify(t.tags),
    resolution: t.resolution,
  };
}

async function auditValue(db: Trx, field: string, v: unknown): Promise<string | null> {
  if (v === null || v === undefined) return null;
  if (field === "assignee_id") {
    const p = await personById(db, v as number);
    return p ? personKey({ platform: p.platform, userId: p.user_id }) : String(v);
  }
  return String(v);
}

export type { Command };
