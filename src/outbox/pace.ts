// Pacing for outbound platform calls: "at most `count` calls in any `ms` window", as the platforms state
// their limits (Slack per tier, per channel and workspace; Teams per thread and tenant). Calls wait their
// turn in bottleneck's queue (first come, first served) until every window has room.
//
// Why sliding windows rather than bottleneck's reservoir refresh: a reservoir refilled every window lets a
// full window's calls go at the end of one window and another full window's at the start of the next, twice
// the limit within a moment, which a platform counting any window answers with 429s. Spacing calls evenly
// avoids that but gives up the burst the platforms allow, so a broadcast takes ~20% longer than it must.
import Bottleneck from "bottleneck";

export interface Window {
  count: number;
  ms: number;
}

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTime: PaceClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * How much longer than the platform's window a call is remembered: the platform counts a call when it
 * arrives, a little after we send it, and two calls do not always take equally long to get there.
 */
export const marginOf = (w: Window) => Math.max(2, w.ms * 0.01);

/** The windows divided by `scale` (> 1: raised limits, or a benchmark's faster world). */
export function scaled(windows: Window[], scale = 1): Window[] {
  if (!(scale > 0)) throw new Error(`a rate scale must be a positive number (got ${scale})`);
  return windows.map((w) => ({ count: w.count, ms: w.ms / scale }));
}

export class Pace {
  /** Send times of the calls still inside the longest window. */
  private readonly sent: number[] = [];
  private readonly gate = new Bottleneck({ maxConcurrent: 1 });
  private readonly longest: number;

  constructor(readonly windows: Window[], private readonly clock: PaceClock = realTime) {
    if (!windows.length) throw new Error("a pace needs at least one window");
    this.longest = Math.max(...windows.map((w) => w.ms + marginOf(w)));
  }

  /**
   * Resolves when a call may go now, in arrival order. With `then`, the call also waits its turn there (a
   * channel's pace, then the workspace's) and is counted in both at the moment it goes.
   */
  admit(then?: Pace): Promise<void> {
    return this.gate.schedule(async () => {
      for (let d = this.delay(); d > 0; d = this.delay()) await this.clock.sleep(d);
      if (then) await then.admit();
      this.sent.push(this.clock.now());
    });
  }

  /** Runs `call` once admitted; the call itself does not hold the queue. */
  async run<T>(call: () => Promise<T>, then?: Pace): Promise<T> {
    await this.admit(then);
    return call();
  }

  /** Milliseconds until every window has room for one more call (0: now). */
  delay(now = this.clock.now()): number {
    while (this.sent.length && this.sent[0]! <= now - this.longest) this.sent.shift();
    let wait = 0;
    for (const w of this.windows) {
      const span = w.ms + marginOf(w);
      const inWindow = this.sent.filter((t) => t > now - span);
      if (inWindow.length >= w.count) wait = Math.max(wait, inWindow[inWindow.length - w.count]! + span - now);
    }
    return wait;
  }

  /** Drops calls still waiting (their outbox rows stay unfinished and go after the next start). */
  async stop(): Promise<void> {
    await this.gate.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
