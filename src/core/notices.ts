// What a command tells people: its ticket changes and incident broadcasts, queued in the order they happen
// and planned into outbox rows once its work is done (before commit), from each ticket as it then is. A
// ticket is drawn once however many steps changed it (a creation that triage assigns and finds a duplicate of).
import type { Db } from "../store/connection.js";
import { linksOf } from "../store/links.js";
import { enqueue, type OutboxInput } from "../store/outbox.js";
import { personById } from "../store/people.js";
import { ticketByNumber } from "../store/tickets.js";
import { breaks } from "./batches.js";
import type { Envelope } from "./commands.js";
import type { Capability } from "./capability.js";
import type { Trx } from "./context.js";
import type { AlsoTell, ChangeKind, Notifier, TicketChange } from "./notify.js";
import { toPerson, type Person } from "./people.js";
import type { Ticket } from "./ticket.js";
import type { ActionView, TicketSnapshot } from "./views.js";

/** Outbox rows written by one statement at most (an incident's update plans one or two for each of its tickets). */
const ENQUEUE_CHUNK = 200;

/** A ticket with its people and what each capability adds (snapshot.extras[name]). */
/** `cards`: the capabilities whose card parts are drawn (all of them, even those whose extras no notifier reads). */
export async function snapshotOf(
  db: Db | Trx,
  t: Ticket,
  extensions: readonly Capability[],
  cards: readonly Capability[] = extensions,
): Promise<TicketSnapshot> {
  const requester = await personById(db, t.requesterId);
  const assignee = t.assigneeId ? await personById(db, t.assigneeId) : undefined;
  if (!requester) throw new Error(`ticket #${t.number} names a requester that does not exist`);
  const extras: Record<string, unknown> = {};
  for (const x of extensions) if (x.enrich) extras[x.name] = await x.enrich(db, t);
  const snapshot: TicketSnapshot = {
    ticket: t,
    requester: toPerson(requester),
    assignee: assignee ? toPerson(assignee) : null,
    ...(Object.keys(extras).length ? { extras } : {}),
  };
  return withCard(snapshot, cards);
}

/**
 * The snapshot with its capabilities' card parts, drawn when first read (views read `card`): a command's answer
 * and most notices never show the card, and its parts (SLA times in the desk's zone) cost more than the rest of
 * the snapshot. Not enumerable, so a receipt stores the facts, not their drawing (a replay draws it again).
 */
export function withCard(snapshot: TicketSnapshot, cards: readonly Capability[]): TicketSnapshot {
  if (!cards.some((x) => x.card)) return snapshot;
  let drawn: TicketSnapshot["card"];
  return Object.defineProperty(snapshot, "card", {
    enumerable: false,
    configurable: true,
    get: () => (drawn ??= cards.flatMap((x) => (x.card ? [x.card(snapshot)] : []))),
  });
}

/** One change to tell, as queued: the snapshot is added when it is planned. */
export interface QueuedChange {
  id: string;
  kind: ChangeKind;
  summary: string;
  comment?: { body: string; internal: boolean };
  requesterMessage?: string;
  requesterActions?: ActionView[];
  alsoTell?: AlsoTell;
  /** The ticket's assignee before this change, when the change gave it to someone else. */
  previousAssigneeId?: number;
}

export class CommandNotices {
  private readonly pending: ({ ticket: number; change: QueuedChange } | { rows: OutboxInput[] })[] = [];
  /** Moves on with every change: a snapshot drawn before it is stale. */
  private generation = 0;
  private readonly drawn = new Map<number, { generation: number; snap: TicketSnapshot }>();

  constructor(
    private readonly command: { trx: Trx; actor: Person; envelope: Envelope; now: number; notifiers: Notifier[]; extensions: readonly Capability[] },
  ) {}

  /** Something changed (a ticket, or what a capability keeps about one): snapshots drawn so far are stale. */
  changed(): void {
    this.generation++;
  }

  /** The ticket as it is now, drawn once until the next change. */
  async current(t: Ticket): Promise<TicketSnapshot> {
    const hit = this.drawn.get(t.number);
    if (hit && hit.generation === this.generation) return hit.snap;
    const snap = await snapshotOf(this.command.trx, (await ticketByNumber(this.command.trx, t.number)) ?? t, this.command.extensions);
    this.drawn.set(t.number, { generation: this.generation, snap });
    return snap;
  }

  queue(ticket: number, change: QueuedChange): void {
    if (this.command.notifiers.length) this.pending.push({ ticket, change });
  }

  /** Rows already planned (an incident's status messages), kept in turn with the tickets' changes. */
  queueRows(rows: OutboxInput[]): void {
    this.pending.push({ rows });
  }

  /** Plans and writes everything queued, in order. */
  async flush(): Promise<void> {
    const { trx, actor, envelope, now, notifiers, extensions } = this.command;
    // Drawn afresh, once per ticket: a handler may have written a ticket's capability tables after its last
    // change. Only the capabilities' extras some notifier reads are drawn.
    this.changed();
    const read = notifiers.some((n) => !n.extras) ? undefined : new Set(notifiers.flatMap((n) => n.extras ?? []));
    const drawWith = read ? extensions.filter((x) => read.has(x.name)) : extensions;
    const snapshots = new Map<number, TicketSnapshot>();
    const links = new Map<number, Awaited<ReturnType<typeof linksOf>>>();
    // An incident's update plans a message for each of its thousand tickets: the event loop gets a turn between.
    const pause = breaks();
    // The messages the command planned, in order, written a chunk at a time (one coalesce lookup and one insert
    // for a ticket's few, and bounded statements for an incident's thousands).
    const rows: OutboxInput[] = [];
    for (const p of this.pending.splice(0)) {
      await pause();
      if (rows.length >= ENQUEUE_CHUNK) await enqueue(trx, rows.splice(0));
      if ("rows" in p) {
        rows.push(...p.rows);
        continue;
      }
      const { ticket, change: c } = p;
      let snapshot = snapshots.get(ticket);
      if (!snapshot) {
        const t = await ticketByNumber(trx, ticket);
        if (!t) continue; // deleted by the command itself: nobody to tell about it
        snapshot = await snapshotOf(trx, t, drawWith, extensions);
        snapshots.set(ticket, snapshot);
      }
      if (!links.has(ticket)) links.set(ticket, await linksOf(trx, ticket));
      const { previousAssigneeId, ...queued } = c;
      const previous = previousAssigneeId === undefined ? undefined : await personById(trx, previousAssigneeId);
      const change: TicketChange = {
        ...queued,
        ...(previous ? { previousAssignee: toPerson(previous) } : {}),
        snapshot,
        actor,
        origin: { platform: actor.platform, ...(envelope.originRef ? { ref: envelope.originRef } : {}) },
      };
      for (const m of notifiers.flatMap((n) => n.plan(change, links.get(ticket)!)))
        rows.push({
          key: `${c.id}:${m.key}`,
          platform: m.platform,
          kind: m.kind,
          target: m.target,
          ticketId: ticket,
          payload: m.payload,
          at: now,
          coalesce: m.coalesce,
        });
    }
    if (rows.length) await enqueue(trx, rows);
  }
}
