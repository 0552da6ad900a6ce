// Slack requests kept in the inbox (src/store/inbox.ts) between their ack and their work: Events API events,
// whose work may need Slack calls first (a :ticket: reaction reads the message with conversations.replies) and
// so cannot be done inside the 3 seconds before the ack. accept() commits the raw request and schedules its
// work; the work runs after the ack, and the row is finished once it is done. replay() at start-up runs the
// rows a stop left unfinished. Each row's work is a desk command under the request's own idempotency key
// (evt:<event_id>, react:<channel>:<ts>), so a row run twice, before a crash and after it, acts once.
import type { Desk } from "../../src/core/desk.js";
import { failedRequest, finishRequest, pruneInbox, storeRequest, unfinishedRequests } from "../../src/store/inbox.js";
import { PLATFORM } from "./ids.js";

/** A row that failed this many times is left alone (and stays in the table, with its error, for a person to see). */
const MAX_ATTEMPTS = 5;
/** Finished rows are kept this long (for a person looking into what arrived), then pruned at start-up. */
const KEEP_MS = 7 * 24 * 3_600_000;

export type InboxWork = (body: Record<string, unknown>) => Promise<void>;

export class SlackInbox {
  constructor(
    private readonly desk: Desk,
    /** Runs after-ack work (SlackContext.track), so idle() and shutdown wait for it. */
    private readonly track: (work: () => Promise<unknown>) => Promise<void>,
    private readonly log: (m: string) => void,
  ) {}

  /** Set once the listeners exist: what a stored request asks for. */
  work: InboxWork = async () => {};

  /**
   * Commits the request under `key` and schedules its work. Resolves once committed: the caller acknowledges
   * then. A request already stored (Slack's retry of an event, X-Slack-Retry-Num) is neither stored nor
   * scheduled again; the first delivery's row does the work.
   */
  async accept(key: string, body: Record<string, unknown>): Promise<void> {
    const id = await this.desk.write((trx) => storeRequest(trx, { platform: PLATFORM, key, body: JSON.stringify(body), at: this.desk.clock.now() }));
    if (id !== undefined) void this.track(() => this.run(id, key, body));
  }

  /** Schedules the rows a stop left unfinished, oldest first; returns how many. */
  async replay(): Promise<number> {
    await pruneInbox(this.desk.db, this.desk.clock.now() - KEEP_MS);
    const rows = await unfinishedRequests(this.desk.db, PLATFORM, MAX_ATTEMPTS);
    // In arrival order, one after another: a DM's comment must not overtake the ticket it comments on.
    if (rows.length) void this.track(async () => {
      for (const r of rows) await this.run(r.id, r.key, JSON.parse(r.body) as Record<string, unknown>);
    });
    return rows.length;
  }

  private async run(id: number, key: string, body: Record<string, unknown>): Promise<void> {
    try {
      await this.work(body);
      await this.desk.write((trx) => finishRequest(trx, id, this.desk.clock.now()));
    } catch (err) {
      this.log(`slack: inbox ${key} failed (${(err as Error).message}); it is tried again at the next start`);
      await this.desk.write((trx) => failedRequest(trx, id, (err as Error).message ?? String(err))).catch(() => {});
    }
  }
}
