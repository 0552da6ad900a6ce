// The durable SLA scheduler: due steps live in sla_steps (indexed on due_at), so nothing is held in memory
// per ticket. Each tick is ONE query for what is due now, fired oldest first; start() first catches up on
// everything that fell due while the process was down. One fixed interval timer drives the ticks.
import type { Clock } from "../../core/clock.js";
import type { Desk } from "../../core/desk.js";
import { fireStep } from "./escalate.js";
import type { SlaRules } from "./rules.js";
import { syncClocks } from "./clocks.js";
import { SLA } from "./extension.js";
import { dueSteps, openTicketsWithoutClocks } from "./repository.js";

export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SchedulerOptions {
  /** How often to look for due steps; escalations fire at most this late. */
  intervalMs?: number;
  /** Most steps fired per tick; a backlog drains over the following ticks (start() drains it at once). */
  batch?: number;
  timers?: Timers;
  log?: (m: string) => void;
}

export class SlaScheduler {
  private handle: unknown;
  private running: Promise<number> | undefined;
  private lastQueried = 0;
  private readonly timers: Timers;

  constructor(
    private readonly desk: Desk,
    private readonly rules: SlaRules,
    private readonly clock: Clock,
    private readonly opts: SchedulerOptions = {},
  ) {
    this.timers = opts.timers ?? { setInterval: (f, ms) => setInterval(f, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
  }

  /** One query for the due steps, then each fired in due order. Returns how many fired. Overlapping calls share one run. */
  tick(): Promise<number> {
    this.running ??= this.fireDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fireDue(): Promise<number> {
    const due = await dueSteps(this.desk.db, this.clock.now(), this.opts.batch ?? 500);
    this.lastQueried = due.length;
    let fired = 0;
    for (const step of due) {
      try {
        if (await fireStep(this.desk, this.rules, step)) fired++;
      } catch (err) {
        // One broken ticket must not hold up the others; its step stays unfired and is tried next tick.
        this.opts.log?.(`sla: step ${step.step} of #${step.ticket_id} ${step.target} failed: ${(err as Error).message}`);
      }
    }
    return fired;
  }

  /**
   * Open tickets without clocks (opened before the desk had an `sla:` section) get them now, counted from now:
   * starting them at their creation would breach a backlog at once. Returns how many tickets got clocks.
   */
  async startMissingClocks(): Promise<number> {
    const missing = await openTicketsWithoutClocks(this.desk.db);
    for (const id of missing) await this.desk.system(SLA, async (ctx) => syncClocks(ctx.trx, this.rules, await ctx.load(id), ctx.now, ctx.actor));
    return missing.length;
  }

  /** Gives clockless open tickets their clocks, catches up on everything missed while down, then ticks every intervalMs. Returns how many caught-up steps fired. */
  async start(): Promise<number> {
    const started = await this.startMissingClocks();
    if (started) this.opts.log?.(`sla: started clocks on ${started} open ticket${started === 1 ? "" : "s"} that had none`);
    const batch = this.opts.batch ?? 500;
    let total = 0;
    for (;;) {
      const fired = await this.tick();
      total += fired;
      if (this.lastQueried < batch || fired === 0) break;
    }
    this.handle = this.timers.setInterval(() => void this.tick().catch((e) => this.opts.log?.(`sla: tick failed: ${(e as Error).message}`)), this.opts.intervalMs ?? 15_000);
    return total;
  }

  stop(): void {
    if (this.handle !== undefined) this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }
}
