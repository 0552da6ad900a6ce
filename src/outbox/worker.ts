// Drains the outbox for one platform: delivers due messages, keeps each target's messages in order,
// retries with backoff (or the platform's Retry-After), and dead-letters after maxAttempts.
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/connection.js";
import type { OutboxRow } from "../store/database.js";
import { due, markDead, markRetry, markSending, markSent } from "../store/outbox.js";

/** What a deliverer throws to steer the retry. Anything else thrown is retried with backoff. */
export class DeliveryError extends Error {
  constructor(message: string, readonly opts: { retryAfterMs?: number; permanent?: boolean } = {}) {
    super(message);
    this.name = "DeliveryError";
  }
}

export interface Deliverer {
  platform: string;
  deliver(row: OutboxRow): Promise<void>;
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
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;

  constructor(private readonly o: WorkerOptions) {}

  get platform(): string {
    return this.o.deliverer.platform;
  }

  /** One pass over what is due now. Resolves with how many messages were delivered. */
  drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.drain();
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
      const left = await due(this.o.db, this.platform, this.o.clock.now(), 1);
      if (!left.length) break;
      if (n === 0) break;
    }
    return total;
  }

  start(intervalMs = 500): void {
    this.stop();
    this.timer = setInterval(() => void this.drain().catch((e) => this.o.log?.(`outbox ${this.platform}: ${(e as Error).message}`)), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async pass(): Promise<number> {
    const { db, clock } = this.o;
    const rows = await due(db, this.platform, clock.now(), this.o.batch ?? 200);
    // Messages to one target go in order; different targets go in parallel (the sender's limiters pace them).
    const byTarget = new Map<string, OutboxRow[]>();
    for (const r of rows) byTarget.set(r.target, [...(byTarget.get(r.target) ?? []), r]);
    const sent = await Promise.all([...byTarget.values()].map((group) => this.deliverInOrder(group)));
    return sent.reduce((a, b) => a + b, 0);
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
    const { db, clock } = this.o;
    await markSending(db, row.id);
    try {
      await this.o.deliverer.deliver(row);
      await markSent(db, row.id, clock.now());
      return true;
    } catch (err) {
      const attempts = row.attempts + 1;
      const e = err instanceof DeliveryError ? err.opts : {};
      const message = (err as Error)?.message ?? String(err);
      if (e.permanent || attempts >= (this.o.maxAttempts ?? 8)) {
        await markDead(db, row.id, message);
        this.o.log?.(`outbox ${this.platform}: message ${row.id} (${row.kind} to ${row.target}) is dead after ${attempts} attempt(s): ${message}`);
        return true; // a dead message must not hold up the ones behind it
      }
      const base = this.o.backoffMs ?? 1000;
      const wait = e.retryAfterMs ?? Math.min(base * 2 ** (attempts - 1), 10 * 60_000) * (0.5 + Math.random() / 2);
      await markRetry(db, row.id, clock.now() + wait, message);
      return false;
    }
  }
}
