// Slack requests kept in the inbox (src/store/inbox.ts) between their ack and their work.
// - Events API events, always: their work may need Slack calls first (a :ticket: reaction reads the message
//   with conversations.replies), which may not fit in the 3 seconds before the ack. accept() commits the raw
//   event and schedules its work.
// - Slash commands and clicks, only when the desk is too far behind to commit them before Slack gives up (a
//   burst bigger than it can take): hold() commits the raw request ahead of the queue, the ack goes, and the
//   command still queued finishes the row once it commits.
// A row is finished once its work is done; replay() at start-up works the rows a stop left unfinished. The
// work is a desk command under the request's own idempotency key (evt:<event_id>, react:<channel>:<ts>,
// cmd:<trigger_id>, act:...), so a row worked twice, before a crash and after it, acts once.
import { type Desk, failedRequest, finishRequest, pruneInbox, storeRequest, unfinishedRequests } from "../../src/core/index.js";
import { PLATFORM } from "./ids.js";

/** A row that failed this many times is left alone (and stays in the table, with its error, for a person to see). */
const MAX_ATTEMPTS = 5;
/** Finished rows are kept this long (for a person looking into what arrived), then pruned at start-up. */
const KEEP_MS = 7 * 24 * 3_600_000;

export type InboxKind = "event" | "slash" | "click";
type Work = (body: Record<string, unknown>) => Promise<void>;

export class SlackInbox {
  private readonly kinds = new Map<InboxKind, Work>();

  constructor(
    private readonly desk: Desk,
    /** Runs after-ack work (SlackContext.track), so idle() and shutdown wait for it. */
    private readonly track: (work: () => Promise<unknown>) => Promise<void>,
    private readonly log: (m: string) => void,
  ) {}

  /** What a stored request of `kind` asks for, when it is worked from its row (set by the listeners). */
  on(kind: InboxKind, work: Work): void {
    this.kinds.set(kind, work);
  }

  /**
   * Commits the request under `key` and schedules its work. Resolves once committed: the caller acknowledges
   * then. A request already stored (Slack's retry of an event, X-Slack-Retry-Num) is neither stored nor
   * scheduled again; the first delivery's row does the work.
   */
  async accept(kind: InboxKind, key: string, body: Record<string, unknown>): Promise<void> {
    // Ahead of the queued commands: a row is one small insert, and Slack retries an event not acked in 3 s.
    const id = await this.store(kind, key, body, true);
    if (id !== undefined) void this.track(() => this.run(id, key, () => this.work(kind, body)));
  }

  /**
   * Commits a request whose command is already queued, ahead of the queue, and hands the rest of it (`rest`:
   * waiting for the command and telling its answer) to after-ack work; the row is finished when `rest` is done.
   */
  async hold(kind: InboxKind, key: string, body: Record<string, unknown>, rest: () => Promise<void>): Promise<void> {
    const id = await this.store(kind, key, body, true);
    void this.track(() => (id === undefined ? rest() : this.run(id, key, rest)));
  }

  /** Schedules the rows a stop left unfinished, oldest first; returns how many. */
  async replay(): Promise<number> {
    await pruneInbox(this.desk.db, this.desk.clock.now() - KEEP_MS);
    const rows = await unfinishedRequests(this.desk.db, PLATFORM, MAX_ATTEMPTS);
    // In arrival order, one after another: a DM's comment must not overtake the ticket it comments on.
    if (rows.length) {
      void this.track(async () => {
        for (const r of rows) {
          const { kind, body } = JSON.parse(r.body) as { kind: InboxKind; body: Record<string, unknown> };
          await this.run(r.id, r.key, () => this.work(kind, body));
        }
      });
    }
    return rows.length;
  }

  private store(kind: InboxKind, key: string, body: Record<string, unknown>, first: boolean): Promise<number | undefined> {
    return this.desk.write((trx) => storeRequest(trx, { platform: PLATFORM, key, body: JSON.stringify({ kind, body }), at: this.desk.clock.now() }), { first });
  }

  private work(kind: InboxKind, body: Record<string, unknown>): Promise<void> {
    const work = this.kinds.get(kind);
    if (!work) throw new Error(`no work is registered for inbox rows of kind ${kind}`);
    return work(body);
  }

  private async run(id: number, key: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      await this.desk.write((trx) => finishRequest(trx, id, this.desk.clock.now()));
    } catch (err) {
      this.log(`slack: inbox ${key} failed (${(err as Error).message}); it is tried again at the next start`);
      await this.desk.write((trx) => failedRequest(trx, id, (err as Error).message ?? String(err))).catch(() => {});
    }
  }
}
