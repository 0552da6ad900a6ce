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
  /**
   * When calls inside the longest window ended. A call is counted from when it ends, not when it starts: the
   * platform counted it at some moment in between, which the sender cannot see; counting it at its end can
   * only be late, never early, so however long a burst takes to reach the platform, no window is overrun.
   */
  private readonly ended: number[] = [];
  /** Calls admitted and not ended: they count in every window. */
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private readonly gate = new Bottleneck({ maxConcurrent: 1 });
  private readonly longest: number;

  constructor(
    readonly windows: Window[],
    private readonly clock: PaceClock = realTime,
  ) {
    if (!windows.length) throw new Error("a pace needs at least one window");
    this.longest = Math.max(...windows.map((w) => w.ms + marginOf(w)));
  }

  /**
   * Resolves, in arrival order, when a call may go now, with the function to say it ended. With `then`,
   * the call also waits its turn there (a channel's pace, then the workspace's) and counts in both.
   */
  admit(then?: Pace): Promise<() => void> {
    return this.gate.schedule(async () => {
      for (let d = this.delay(); d > 0; d = this.delay()) {
        if (d === Infinity) await new Promise<void>((r) => (this.wake = r));
        else await this.clock.sleep(d);
      }
      const inner = then ? await then.admit() : undefined;
      this.inFlight++;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        this.inFlight--;
        this.ended.push(this.clock.now());
        inner?.();
        const w = this.wake;
        this.wake = undefined;
        w?.();
      };
    });
  }

  /** Runs `call` once admitted; the call itself does not hold the queue. */
  async run<T>(call: () => Promise<T>, then?: Pace): Promise<T> {
    const end = await this.admit(then);
    try {
      return await call();
    } finally {
      end();
    }
  }

  /**
   * Counts calls made before this pace existed (a process restarted mid-window: the platform still counts
   * what the last one sent), so the first burst after a restart does not overrun the window.
   */
  remember(endedAt: number[]): void {
    this.ended.push(...endedAt);
    this.ended.sort((a, b) => a - b);
  }

  /** Milliseconds until every window has room for one more call (0: now; Infinity: when a call under way ends). */
  delay(now = this.clock.now()): number {
    while (this.ended.length && this.ended[0]! <= now - this.longest) this.ended.shift();
    let wait = 0;
    for (const w of this.windows) {
      if (this.inFlight >= w.count) return Infinity;
      const span = w.ms + marginOf(w);
      const inWindow = this.ended.filter((t) => t > now - span);
      const room = w.count - this.inFlight;
      if (inWindow.length >= room) wait = Math.max(wait, inWindow[inWindow.length - room]! + span - now);
    }
    return wait;
  }

  /** Drops calls still waiting (their outbox rows stay unfinished and go after the next start). */
  async stop(): Promise<void> {
    this.wake?.();
    await this.gate.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
