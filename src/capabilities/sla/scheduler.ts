// The durable SLA scheduler: due steps live in sla_steps (indexed on due_at), so nothing is held in memory
// per ticket. Each tick is ONE query for what is due now, fired oldest first; start() first catches up on
// everything that fell due while the process was down. The desk's one job ticker (src/jobs.ts) drives the ticks.
import type { Clock } from "../../core/clock.js";
import { schedulerJob, type Job } from "../../core/capability.js";
import type { DeskServices } from "../../core/context.js";
import { fireStep } from "./escalate.js";
import type { SlaRules } from "./rules.js";
import { syncClocks } from "./clocks.js";
import { SLA } from "./hooks.js";
import { dueSteps, openTicketsWithoutClocks } from "./repository.js";

export interface SchedulerOptions {
  /** Most steps fired per tick; a backlog drains over the following ticks (catchUp() drains it at once). */
  batch?: number;
  log?: (m: string) => void;
}

export class SlaScheduler {
  private running: Promise<number> | undefined;
  private lastQueried = 0;

  constructor(
    private readonly desk: DeskServices,
    private readonly rules: SlaRules,
    private readonly clock: Clock,
    private readonly opts: SchedulerOptions = {},
  ) {}

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

  /** Gives clockless open tickets their clocks and catches up on everything missed while down. Returns how many caught-up steps fired. */
  async catchUp(): Promise<number> {
    const started = await this.startMissingClocks();
    if (started) this.opts.log?.(`sla: started clocks on ${started} open ticket${started === 1 ? "" : "s"} that had none`);
    const batch = this.opts.batch ?? 500;
    let total = 0;
    for (;;) {
      const fired = await this.tick();
      total += fired;
      if (this.lastQueried < batch || fired === 0) break;
    }
    return total;
  }
}

/** SLA escalations as a job: caught up at start-up, then looked for every 15 seconds (they fire at most that late). */
export function slaJob(rules: SlaRules): Job {
  return schedulerJob(
    "sla",
    15_000,
    (desk, log) => new SlaScheduler(desk, rules, desk.clock, { log }),
    (missed) => (missed ? [`sla: fired ${missed} escalation step${missed === 1 ? "" : "s"} missed while down`] : []),
  );
}
