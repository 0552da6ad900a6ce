// What every listener needs: the desk, the paced Web API, who people are, and the means to answer.
import { type Actor, type Desk, type Outcome, queueOutcomeFiles, upsertPerson } from "../../src/core/index.js";
import { PLATFORM } from "./ids.js";
import type { SlackApi } from "./api.js";
import type { HomeService } from "./home.js";
import type { SlackPeople } from "./people.js";
import { esc } from "./render.js";
import { SlackInbox } from "./inbox.js";

/**
 * Slack waits 3 seconds for an ack; the request's parsing and the network take some of it. A command not
 * committed within this is held in the inbox (committed ahead of the queue) and acknowledged without its answer.
 */
export const ACK_BUDGET_MS = 2000;

export interface Where {
  user: string;
  channel?: string;
  thread?: string;
}

export class SlackContext {
  private readonly pending = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  botUserId: string | undefined;
  /** Wakes the outbox worker (app.ts sets it once the worker exists). */
  wake: () => void = () => {};
  /** Requests committed raw before their ack, whose work runs after it (Events API events). */
  readonly inbox: SlackInbox;
  /** Whether the settings give roles by email, which only users.info tells for someone the desk has never seen. */
  private readonly rolesByEmail: boolean;

  constructor(
    readonly desk: Desk,
    readonly api: SlackApi,
    readonly people: SlackPeople,
    readonly home: HomeService,
    readonly log: (m: string) => void,
    /** After-ack work running at once; the rest waits its turn, so a burst cannot starve the acks of new requests. */
    private readonly concurrency = 32,
  ) {
    this.inbox = new SlackInbox(desk, (work) => this.track(work), log);
    this.rolesByEmail = Object.values(desk.settings.roles).some((members) => members?.some((m) => m.startsWith("email:")));
  }

  /**
   * Who is making a request that is being acknowledged. users.info is paced (tier 4) and slow next to a commit,
   * so a person it has not described recently is named from the payload at once and completed after the
   * command (`complete`, run once the command has committed, so the fuller row is written after it). Only when
   * the settings give roles by email is users.info awaited, for up to a second: without the email a new agent's
   * first command would be refused as a requester's.
   */
  async requestActor(userId: string, hint?: string): Promise<{ actor: Actor; complete?: () => Promise<void> }> {
    const known = this.people.cached(userId);
    if (known) return { actor: known };
    const lookup = this.people.actor(userId, hint);
    const actor = this.rolesByEmail ? await this.people.actor(userId, hint, 1000) : { platform: PLATFORM, userId, ...(hint ? { displayName: hint } : {}) };
    if (actor.email) return { actor };
    return {
      actor,
      complete: async () => {
        const full = await lookup;
        if (full.email || full.displayName !== actor.displayName || full.tz) await this.desk.write((trx) => upsertPerson(trx, full, this.desk.clock.now()));
      },
    };
  }

  /**
   * Work done after the ack, in arrival order, a few at a time. `urgent` work (opening a modal, whose
   * trigger_id expires in 3 seconds) does not queue. Failures are logged, never thrown at Bolt (the ack has gone).
   */
  track(work: () => Promise<unknown>, urgent = false): Promise<void> {
    const p = new Promise<void>((resolve) => {
      const start = () => {
        this.active++;
        work()
          .catch((err) => this.log(`slack: ${(err as Error).stack ?? err}`))
          .finally(() => {
            this.active--;
            resolve();
            this.waiting.shift()?.();
          });
      };
      if (urgent || this.active < this.concurrency) start();
      else this.waiting.push(start);
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /**
   * `pending`'s value if it settles within `budgetMs`, else undefined (it keeps running). A request whose command
   * has not committed by then is held in the inbox instead, so its ack never waits past Slack's 3 seconds.
   */
  async withinBudget<T>(pending: Promise<T>, budgetMs = this.ackBudgetMs): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budgetMs)));
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** How long a command may take to commit before its request is held in the inbox (tests shorten it). */
  ackBudgetMs = ACK_BUDGET_MS;

  /** Resolves when no after-ack work is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** An answer only the person sees: ephemeral where they are, or a DM when there is no channel (App Home, modals). */
  async tell(where: Where, text: string): Promise<void> {
    const t = esc(text);
    if (where.channel) {
      await this.api.call("chat.postEphemeral", { channel: where.channel, user: where.user, text: t, ...(where.thread ? { thread_ts: where.thread } : {}) });
    } else {
      await this.api.call("chat.postMessage", { channel: where.user, text: t });
    }
  }
}

/**
 * Where a command's files go. Answers in a channel are ephemeral, so the files go to the person's DM with the
 * bot rather than into the channel for everyone; asked in that DM, they go there (into the thread if any).
 */
export interface FilesTo {
  user: string;
  dm?: string;
  thread?: string;
}

/** Queues a command's files (a report's chart, an export) through the outbox, once per command key. */
export async function shareFiles(ctx: SlackContext, o: Outcome, key: string, where: FilesTo): Promise<void> {
  if (!o.ok || !o.files?.length) return;
  const to = where.dm ? { channel: where.dm, ...(where.thread ? { thread: where.thread } : {}) } : { user: where.user };
  const titles = o.files.map((f) => f.title).join(", ");
  if (
    await queueOutcomeFiles(ctx.desk.db, {
      platform: PLATFORM,
      key,
      text: `${titles} (${o.text.split("\n")[0]})`,
      files: o.files,
      to,
      at: ctx.desk.clock.now(),
    })
  )
    ctx.wake();
}

/** What the person is told beside a command's answer when files follow it. */
export function filesNote(o: Outcome, inDm: boolean): string {
  if (!o.ok || !o.files?.length) return "";
  return inDm ? "" : `\n(${o.files.length === 1 ? "The file follows" : "The files follow"} in our direct messages.)`;
}

/** An outcome as the person reads it: lists and histories keep their columns in a code block. */
export function answerText(o: Outcome): string {
  if (o.ok && (o.kind === "list" || o.kind === "history" || o.kind === "help" || o.kind === "search" || o.kind === "show") && o.text.includes("\n"))
    return "```" + o.text + "```";
  return o.text;
}
