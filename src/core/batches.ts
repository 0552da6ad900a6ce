// Group commit for the desk's transactions. Commands run one at a time, each in its own savepoint, and the
// commands that queue up while one runs join the same SQLite transaction, which commits once for all of
// them. A commit writes every page the transaction touched: a new ticket alone touches about forty (the
// ticket and its indexes, both full-text indexes, SLA steps, audit, receipts), most of them the same pages
// the next ticket touches, so under a burst the batch writes each once instead of once per ticket.
// A caller hears of its command only after the commit (nothing is reported done that a crash of the process
// could undo), and a command that fails rolls back to its savepoint, leaving the others in the batch untouched.
import { sql, type Kysely, type Transaction } from "kysely";
import { forgetChainHead } from "../store/audit.js";
import { sqliteCode } from "../store/connection.js";
import type { Database } from "../store/database.js";

export interface BatchLimits {
  /** Commands in one transaction at most. */
  maxCommands: number;
  /** No command joins a batch older than this, so the first one's answer waits at most about this long. */
  maxMs: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxCommands: 16, maxMs: 40 };

interface Job {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  solo: boolean;
  first: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Result = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A fresh turn of the event loop: requests that arrived meanwhile are read (and acked) before the next command. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * For a long loop inside one command (an incident's update to a thousand tickets, a report over a year):
 * call the returned function on each step; once `budgetMs` has passed since the last break it yields a turn
 * of the event loop, so HTTP requests (Slack acks, /healthz) are read meanwhile. The transaction stays open
 * across the break, so the command is still all or nothing; the commands queued behind it still wait.
 */
export function breaks(budgetMs = 20): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < budgetMs) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * What a command hears when another command's failure undid the batch it was in: a storage error with the
 * cause's SQLite code (never the other command's own message, which may be meant for someone else).
 */
function undoneBy(cause: unknown): Error {
  const reason = sqliteCode(cause) ? (cause as Error).message : "a storage error";
  return Object.assign(new Error(`the change was undone with its batch: ${reason}`), { code: sqliteCode(cause) ?? "SQLITE_ABORT" });
}

export class CommandBatches {
  private readonly queue: Job[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** Called once after each batch that committed at least one command. */
    private readonly afterCommit: () => void,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  ) {}

  /**
   * Runs `work` in a transaction shared with the commands queued beside it; resolves once it has committed.
   * `solo` work (an alert webhook's thousands of alerts, an incident update across its tickets) runs in a
   * transaction of its own: a quick command queued before it is not kept waiting for its commit.
   * `first` work goes ahead of everything queued.
   */
  run<T>(work: (trx: Transaction<Database>) => Promise<T>, opts: { solo?: boolean; first?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job = { work, solo: opts.solo ?? false, first: opts.first ?? false, resolve: resolve as (v: unknown) => void, reject };
      // `first`: a small write that must not wait behind the queue (an adapter storing a request it must
      // acknowledge before Slack gives up on it) goes to the front, and so into the next batch.
      if (opts.first) this.queue.unshift(job);
      else this.queue.push(job);
      if (this.running) return;
      this.running = true;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        // Each batch starts on a fresh turn: a backlog (an alert storm) must not run as one microtask chain
        // that starves the event loop, or no Slack request could be acked until it was gone.
        await nextTurn();
        await this.batch();
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Whether the next queued command may join a batch that already holds `taken` commands. Once a `first` job
   * is in the batch only other `first` jobs join, so it commits without waiting for the queue's next command.
   */
  private joins(taken: number, started: number, hasFirst: boolean): boolean {
    const next = this.queue[0];
    if (!next) return false;
    if (taken === 0) return true;
    if (hasFirst && !next.first) return false;
    return !next.solo && taken < this.limits.maxCommands && performance.now() - started < this.limits.maxMs;
  }

  private async batch(): Promise<void> {
    const taken: { job: Job; result?: Result }[] = [];
    const started = performance.now();
    let cause: unknown;
    try {
      await this.db.transaction().execute(async (trx) => {
        while (
          this.joins(
            taken.length,
            started,
            taken.some((t) => t.job.first),
          )
        ) {
          if (taken.length) {
            await nextTurn();
            if (
              !this.joins(
                taken.length,
                started,
                taken.some((t) => t.job.first),
              )
            )
              break;
          }
          const entry: { job: Job; result?: Result } = { job: this.queue.shift()! };
          taken.push(entry);
          await sql`SAVEPOINT command`.execute(trx);
          try {
            const value = await entry.job.work(trx);
            await sql`RELEASE command`.execute(trx);
            entry.result = { ok: true, value };
          } catch (error) {
            entry.result = { ok: false, error };
            try {
              forgetChainHead(trx);
              await sql`ROLLBACK TO command`.execute(trx);
              await sql`RELEASE command`.execute(trx);
            } catch {
              // SQLite has already rolled back the whole transaction (disk full, I/O error): the batch fails as one.
              cause = error;
              throw error;
            }
            // A storage error (another process holding the write lock, say) leaves this transaction's view of
            // the file behind: what was done so far commits, and the next commands start a fresh transaction.
            if (sqliteCode(error)) break;
          }
          if (entry.job.solo) break;
        }
      });
    } catch (error) {
      // Nothing in the batch was committed: every command in it fails, as a storage error.
      for (const t of taken) if (!t.result || t.result.ok) t.result = { ok: false, error: undoneBy(cause ?? error) };
    }
    for (const t of taken) {
      const r = t.result!;
      if (r.ok) t.job.resolve(r.value);
      else t.job.reject(r.error);
    }
    if (taken.some((t) => t.result!.ok)) this.afterCommit();
  }
}
