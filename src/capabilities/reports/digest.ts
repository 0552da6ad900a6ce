// The digest: the last period's figures and chart, posted to a channel on each platform through the outbox.
// Durable like the SLA scheduler: which periods went out is in digest_runs, claimed in the same transaction
// that queues the messages, so a digest goes out once per period however often the process restarts.
import { TZDate } from "@date-fns/tz";
import type { Clock } from "../../core/clock.js";
import { schedulerJob, type Job } from "../../core/capability.js";
import type { DeskServices } from "../../core/context.js";
import { queueFileMessage } from "../../core/files.js";
import { claimDigest, digestSent } from "./repository.js";
import { storeFile } from "../../store/files.js";
import { reportOffThread } from "./compute.js";
import { reportText } from "./hooks.js";
import { dayKey } from "./figures.js";
import { WEEKDAYS, type DigestSettings } from "./settings.js";

export interface DigestOptions {
  /** A digest missed by more than this (the desk was down, or was set up after it fell due) waits for the next one. */
  graceMs?: number;
  log?: (m: string) => void;
}

/** The latest scheduled moment at or before `now`, in the digest's zone. */
export function lastDue(d: DigestSettings, tz: string, now: number): number {
  const [hh, mm] = d.time.split(":").map(Number) as [number, number];
  const local = new TZDate(now, tz);
  const back = d.every === "weekly" ? (local.getDay() - WEEKDAYS.indexOf(d.day) + 7) % 7 : 0;
  let due = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() - back, hh, mm, tz);
  if (due.getTime() > now) due = new TZDate(due.getFullYear(), due.getMonth(), due.getDate() - (d.every === "weekly" ? 7 : 1), hh, mm, tz);
  return due.getTime();
}

export class DigestScheduler {
  private running: Promise<boolean> | undefined;
  private readonly tz: string;

  constructor(
    private readonly desk: DeskServices,
    private readonly digest: DigestSettings,
    private readonly clock: Clock,
    private readonly opts: DigestOptions = {},
  ) {
    this.tz = digest.tz ?? desk.settings.timezone;
  }

  /** Sends the digest if one is due and not yet sent. Resolves true when it queued one. Overlapping calls share one run. */
  tick(): Promise<boolean> {
    this.running ??= this.sendDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sendDue(): Promise<boolean> {
    const now = this.clock.now();
    const due = lastDue(this.digest, this.tz, now);
    if (now - due > (this.opts.graceMs ?? 12 * 3_600_000)) return false;
    const period = `${this.digest.every}:${dayKey(due, this.tz)}`;
    if (await digestSent(this.desk.db, period)) return false;
    // The period is whole days in the digest's zone, up to the start of the day it is sent (a week: Monday to
    // Sunday). The figures and picture are made before the transaction, which only claims the period and queues.
    const days = this.digest.every === "weekly" ? 7 : 1;
    const day = new TZDate(due, this.tz);
    const to = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), this.tz).getTime();
    const from = new TZDate(day.getFullYear(), day.getMonth(), day.getDate() - days, this.tz).getTime();
    // Read in the reader thread: a week of figures and a chart must not stop the desk acknowledging anyone.
    const { figures, png } = await reportOffThread(this.desk.db, this.desk.settings, { from, to, days }, due);
    const title = `Tickets, ${this.digest.every === "weekly" ? "week" : "day"} to ${dayKey(to - 1, this.tz)}`;
    const text = `${this.desk.settings.deskName} ${this.digest.every} digest\n${reportText(figures, this.tz)}`;
    const queued = await this.desk.system("digest", async (ctx) => {
      if (!(await claimDigest(ctx.trx, period, due, ctx.now))) return false;
      const file = await storeFile(ctx.trx, { name: `digest-${dayKey(due, this.tz)}.png`, title, mime: "image/png", bytes: png, at: ctx.now });
      const targets: [string, string | undefined][] = [
        ["slack", this.digest.slack_channel],
        ["teams", this.digest.teams_channel],
      ];
      for (const [platform, channel] of targets) {
        if (channel)
          await queueFileMessage(ctx.trx, { platform, key: `digest:${period}:${platform}`, message: { text, files: [file], to: { channel } }, at: ctx.now });
      }
      return true;
    });
    if (queued) this.opts.log?.(`digest: queued the ${period} digest`);
    return queued;
  }

  /** Sends a digest that fell due while the process was down (within the grace). */
  catchUp(): Promise<boolean> {
    return this.tick();
  }
}

/** The digest as a job: sent at start-up if it fell due while down (within its grace), then looked for every minute. */
export function digestJob(digest: DigestSettings): Job {
  return schedulerJob(
    "digest",
    60_000,
    (desk, log) => new DigestScheduler(desk, digest, desk.clock, { log }),
    (sent) => (sent ? ["digest: sent the digest that fell due while down"] : []),
  );
}
