/** Time is injected so SLA and scheduler tests never sleep. */
export interface Clock {
  now(): number;
  /** Calls `wake` once `ms` have passed on this clock; the returned function cancels the call. */
  after(ms: number, wake: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after: (ms, wake) => {
    const timer = setTimeout(wake, ms);
    return () => clearTimeout(timer);
  },
};

/** A clock tests move by hand: what waits on it wakes when a move reaches its time. */
export class ManualClock implements Clock {
  private waiting: { at: number; wake: () => void }[] = [];
  constructor(private t: number = Date.UTC(2026, 10, 24, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  after(ms: number, wake: () => void): () => void {
    const entry = { at: this.t + ms, wake };
    this.waiting.push(entry);
    return () => (this.waiting = this.waiting.filter((w) => w !== entry));
  }
  set(t: number | Date): void {
    this.t = typeof t === "number" ? t : t.getTime();
    this.wakeDue();
  }
  advance(ms: number): void {
    this.set(this.t + ms);
  }
  private wakeDue(): void {
    const due = this.waiting.filter((w) => w.at <= this.t).sort((a, b) => a.at - b.at);
    this.waiting = this.waiting.filter((w) => w.at > this.t);
    for (const w of due) w.wake();
  }
}
