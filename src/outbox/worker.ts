// Drains the outbox for one platform: delivers due messages, keeps each target's messages in order,
// retries with backoff (or the platform's Retry-After), and dead-letters after maxAttempts.
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/connection.js";
import type { OutboxRow } from "../store/database.js";
import { due, flagInFlight, markCalled, markDead, markRetry, markSending, markSent } from "../store/outbox.js";

/**
 * What a deliverer throws to steer the retry. Anything else thrown is retried with backoff, and, if the
 * attempt had made its platform call, counts as "may have been sent" (the answer may be what was lost).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly opts: { retryAfterMs?: number; permanent?: boolean } = {},
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

/** One delivery of one row. */
export interface DeliveryAttempt {
  /** The row may already be posted (in flight at the last stop, or its answer was lost): look for it before sending. */
  readonly lookFirst: boolean;
  /** Said just before a call that cannot be taken back (a post); from then on the row may have been sent. */
  calling(): Promise<void>;
}

export interface Deliverer {
  platform: string;
  /** It can find a message it already posted (Slack, by its metadata), so in-doubt rows are looked for, not repeated. */
  readonly looksUp?: boolean;
  /** It calls attempt.calling() itself right before each irreversible call; otherwise every attempt counts as a call. */
  readonly marksCalls?: boolean;
  /** Resolves "found" when, looking first, it found the message already posted and sent nothing. */
  deliver(row: OutboxRow, attempt: DeliveryAttempt): Promise<void | "found">;
}

export interface WorkerOptions {
  db: Db;
  clock: Clock;
  deliverer: Deliverer;
  maxAttempts?: number;
  batch?: number;
  /** Base of the exponential backoff; tests set it small. */
  backoffMs?: number;
  log?: (m: string) => void;
  /** Awaited before each delivery: lets interactive work (commands, acks) go first under load (Desk.quiet). */
  yieldTo?: () => Promise<void>;
}

const turnQueue: (() => void)[] = [];

function nextInLine(): void {
  turnQueue.shift()?.();
  if (turnQueue.length) setImmediate(nextInLine);
}

/**
 * Resolves on a turn of the event loop of its own. The store answers at once, so a pass's deliveries (drawing
 * cards, planning calls) would otherwise run back to back and hold back the acks of requests that arrived
 * meanwhile, by 100 ms and more after a burst; and callbacks given to setImmediate together all run in the
 * same turn, so each waiter is let go from the callback of the one before.
 */
function ownTurn(): Promise<void> {
  return new Promise((resolve) => {
    turnQueue.push(resolve);
    if (turnQueue.length === 1) setImmediate(nextInLine);
  });
}

/** The least time before a row that failed is tried again within the same pass. */
const RETAKE_MS = 1000;

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  /** After stop(), a pass in progress finishes but starts no other. */
  private stopped = false;
  private recovered: Promise<number> | undefined;

  constructor(private readonly deps: WorkerOptions) {}

  get platform(): string {
    return this.deps.deliverer.platform;
  }

  /**
   * Once, before the first delivery: rows left `sending` by the last process whose call may have gone out
   * are flagged, so Slack looks for them before sending again and Teams sends them again and counts them.
   * Resolves with how many. start() and drain() call it; app start-up awaits it to log the count.
   */
  recoverInFlight(): Promise<number> {
    this.recovered ??= flagInFlight(this.deps.db, this.platform, Boolean(this.deps.deliverer.looksUp)).then((n) => {
      if (n) {
        this.deps.log?.(
          this.deps.deliverer.looksUp
            ? `${this.platform}: ${n} message${n === 1 ? " was" : "s were"} in flight at the last stop; each is looked for in its channel and sent again only if absent`
            : `${this.platform}: ${n} message${n === 1 ? " was" : "s were"} in flight at the last stop and may show twice`,
        );
      }
      return n;
    });
    return this.recovered;
  }

  /** One pass over what is due now. Resolves with how many messages were delivered. */
  drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.recoverInFlight()
      .then(() => this.pass())
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.drain().catch((e) => this.deps.log?.(`outbox ${this.platform}: ${(e as Error).message}`));
        }
      });
    return this.running;
  }

  /** Drains until nothing is due (for tests and shutdown). */
  async drainAll(maxPasses = 100): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxPasses; i++) {
      const n = await this.drain();
      total += n;
      const left = await due(this.deps.db, this.platform, this.deps.clock.now(), 1);
      if (!left.length) break;
      if (n === 0) break;
    }
    return total;
  }

  start(intervalMs = 500): void {
    this.stop();
    this.stopped = false;
    this.timer = setInterval(() => void this.drain().catch((e) => this.deps.log?.(`outbox ${this.platform}: ${(e as Error).message}`)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Delivers what is due, up to `batch` rows at a time. Messages to one target go in order; different targets
   * go in parallel (the sender's paces space them). Once half the rows taken are done, more are taken, so rows
   * held by a slow limit (status edits at Tier 3) do not keep others (posts, on their own limit) waiting. A row
   * that failed is taken again in the same pass once its retry is due (at the soonest RETAKE_MS later), so a
   * 429'd post does not wait for the slow rows to finish the pass.
   */
  private async pass(): Promise<number> {
    const { db, clock } = this.deps;
    const batch = this.deps.batch ?? 500;
    const busy = new Set<string>(); // targets with a delivery under way
    const taken = new Set<number>(); // rows this pass took
    const failed = new Map<number, number>(); // rows of this pass that failed, and when
    const failedOf = new Map<string, number>(); // target -> its row that failed and waits to be taken again
    const running = new Set<Promise<void>>();
    let inFlight = 0;
    let sent = 0;
    let tick: Promise<"tick"> | undefined;
    for (;;) {
      const now = clock.now();
      const again = (id: number) => now - (failed.get(id) ?? Infinity) >= RETAKE_MS;
      // Rows under way are still unfinished (`sending`), so they are asked for too and left out here.
      // Once stopped, the pass only waits for the deliveries under way (the paces refuse new calls).
      const found = this.stopped ? [] : await due(db, this.platform, now, batch + inFlight);
      // A target whose row failed waits for that row: the ones behind it must not overtake it while it waits.
      const rows = this.stopped
        ? []
        : found.filter((r) => !busy.has(r.target) && (!taken.has(r.id) || again(r.id)) && (failedOf.get(r.target) ?? r.id) === r.id);
      const byTarget = new Map<string, OutboxRow[]>();
      for (const r of rows) {
        if (inFlight >= batch && !byTarget.has(r.target)) break;
        byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
        taken.add(r.id);
        failed.delete(r.id);
        failedOf.delete(r.target);
        inFlight++;
      }
      for (const [target, group] of byTarget) {
        busy.add(target);
        const chain: Promise<void> = this.deliverInOrder(group).then((n) => {
          sent += n;
          inFlight -= group.length;
          // The row that failed waits for its retry; those behind it were not tried and are free to take.
          const stopped = group[n];
          if (stopped) {
            failed.set(stopped.id, clock.now());
            failedOf.set(target, stopped.id);
          }
          for (const r of group.slice(n + 1)) taken.delete(r.id);
          busy.delete(target);
          running.delete(chain);
        });
        running.add(chain);
      }
      if (!running.size) return sent;
      const low = Math.floor(inFlight / 2);
      while (running.size && inFlight > low) {
        // With failed rows waiting, look again now and then: their retry may come due before half are done.
        if (failed.size) tick ??= new Promise<"tick">((r) => setTimeout(() => ((tick = undefined), r("tick")), RETAKE_MS).unref());
        const racers: Promise<unknown>[] = [...running];
        if (tick) racers.push(tick);
        if ((await Promise.race(racers)) === "tick") break;
      }
    }
  }

  private async deliverInOrder(group: OutboxRow[]): Promise<number> {
    let sent = 0;
    for (const row of group) {
      if (!(await this.deliverOne(row))) break;
      sent++;
    }
    return sent;
  }

  private async deliverOne(row: OutboxRow): Promise<boolean> {
    const { db, clock, deliverer } = this.deps;
    await this.deps.yieldTo?.();
    await ownTurn();
    await markSending(db, row.id, clock.now());
    let called = false;
    const attempt: DeliveryAttempt = {
      lookFirst: row.recovery === "lookup",
      calling: async () => {
        if (called) return;
        called = true;
        await markCalled(db, row.id, clock.now());
      },
    };
    try {
      if (!deliverer.marksCalls) await attempt.calling();
      const result = await deliverer.deliver(row, attempt);
      await markSent(db, row.id, clock.now(), row.recovery === "lookup" ? (result === "found" ? "found" : "resent") : undefined);
      return true;
    } catch (err) {
      const attempts = row.attempts + 1;
      const e = err instanceof DeliveryError ? err.opts : {};
      // A call that failed without the platform's own refusal (a timeout, a 5xx) may still have posted.
      const inDoubt = called && Boolean(deliverer.looksUp) && !(err instanceof DeliveryError);
      const message = (err as Error)?.message ?? String(err);
      if (e.permanent || attempts >= (this.deps.maxAttempts ?? 8)) {
        await markDead(db, row.id, message);
        this.deps.log?.(`outbox ${this.platform}: message ${row.id} (${row.kind} to ${row.target}) is dead after ${attempts} attempt(s): ${message}`);
        return true; // a dead message must not hold up the ones behind it
      }
      const base = this.deps.backoffMs ?? 1000;
      const wait = e.retryAfterMs ?? Math.min(base * 2 ** (attempts - 1), 10 * 60_000) * (0.5 + Math.random() / 2);
      await markRetry(db, row.id, clock.now() + wait, message, inDoubt);
      return false;
    }
  }
}
