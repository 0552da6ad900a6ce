// One ticker for every capability's scheduled work (SLA escalations, approval reminders, the digest): one
// interval timer, and each job runs when its period has passed on the desk's clock (a ManualClock in tests).
// Before the first tick each job catches up on what fell due while the desk was down. startCapabilities runs
// the capabilities' start hooks (triage learns from resolved tickets) before the desk takes commands.
import type { Capabilities, Job } from "./core/capability.js";
import type { DeskServices } from "./core/context.js";

/** Interval timers; tests pass ones that never fire by themselves and tick by hand. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: Timers = { setInterval: (f, ms) => setInterval(f, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };

export interface JobTickerOptions {
  timers?: Timers;
  /** How often the ticker looks for due jobs (default: the shortest job period). */
  tickMs?: number;
  log?: (m: string) => void;
}

/** Runs every capability's start hook, in the desk's order. Returns the notes for the start-up log. */
export async function startCapabilities(desk: DeskServices, capabilities: Capabilities): Promise<string[]> {
  const notes: string[] = [];
  for (const c of capabilities.list) if (c.start) notes.push(...(await c.start(desk)));
  return notes;
}

export class JobTicker {
  private handle: unknown;
  private readonly timers: Timers;
  private readonly lastRun = new Map<Job, number>();
  private readonly running = new Map<Job, Promise<void>>();

  constructor(
    private readonly desk: DeskServices,
    private readonly capabilities: Capabilities,
    private readonly opts: JobTickerOptions = {},
  ) {
    this.timers = opts.timers ?? realTimers;
  }

  /** Every job's catch-up, then one interval timer. Returns the notes for the start-up log. */
  async start(): Promise<string[]> {
    const notes: string[] = [];
    const jobs = this.capabilities.jobs;
    for (const job of jobs) {
      if (job.catchUp) notes.push(...(await job.catchUp(this.desk, this.log)));
      this.lastRun.set(job, this.desk.clock.now());
    }
    if (jobs.length) this.handle = this.timers.setInterval(() => void this.tick(), this.opts.tickMs ?? Math.min(...jobs.map((j) => j.everyMs)));
    return notes;
  }

  /** Runs every job whose period has passed since its last run; a job still running from before is left to finish. */
  async tick(): Promise<void> {
    const now = this.desk.clock.now();
    const due = this.capabilities.jobs.filter((job) => !this.running.has(job) && now - (this.lastRun.get(job) ?? -Infinity) >= job.everyMs);
    await Promise.all(due.map((job) => this.run(job, now)));
  }

  private run(job: Job, now: number): Promise<void> {
    this.lastRun.set(job, now);
    // One job's failure is logged and tried again next period; the other jobs run regardless.
    const run = job
      .run(this.desk, this.log)
      .catch((e) => this.log(`${job.name}: tick failed: ${(e as Error).message}`))
      .finally(() => this.running.delete(job));
    this.running.set(job, run);
    return run;
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }

  private readonly log = (m: string) => this.opts.log?.(m);
}
