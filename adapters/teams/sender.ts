// Delivers Teams outbox rows through the Agents SDK (proactively, from stored conversation references),
// paced per conversation at Teams' published per-thread limits and per tenant, retrying what Teams
// asks to be retried (429, 412, 502, 504: exponential backoff with jitter; Teams sends no Retry-After).
import { Activity, ActivityTypes, type ConversationReference } from "@microsoft/agents-activity";
import type { CloudAdapter, TurnContext } from "@microsoft/agents-hosting";
import { type Db, type Desk, FILE_MESSAGE, type FileMessage, linksOf, type OutboxRow, setLink, ticketView } from "../../src/core/index.js";
import { incidentLink, incidentViewById, setIncidentLink } from "../../src/capabilities/incidents/view.js";
import { Pace, scaled } from "../../src/outbox/pace.js";
import { placeOnce, type PlacedMessage } from "../../src/outbox/placed.js";
import { DeliveryError, type Deliverer, type DeliveryAttempt } from "../../src/outbox/worker.js";
import { conversationRef, referenceFor, saveConversation, saveUser, teamsUser } from "./conversations.js";
import {
  ROW,
  cardRef,
  parseCardRef,
  threadId,
  type CardPayload,
  type DmPayload,
  type IncidentPayload,
  type NoticePayload,
  type ThreadPayload,
} from "./notifier.js";
import { approvalLink, type ApprovalPayload } from "../../src/capabilities/approvals/cards.js";
import { approvalCardView } from "../../src/capabilities/approvals/view.js";
import { attachment, filesCard, incidentCard, plain, requesterCard, ticketCard } from "./render.js";
import { showFiles } from "./files.js";
import { PLATFORM } from "./translate.js";
import { teamsAgents } from "./viewer.js";

/** Per bot per thread (DESIGN.md): 7 per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour. */
export const THREAD_LIMITS = [
  { count: 7, ms: 1000 },
  { count: 8, ms: 2000 },
  { count: 60, ms: 30_000 },
  { count: 1800, ms: 3_600_000 },
];
/** One app in one tenant, all calls. */
export const TENANT_LIMIT = { count: 50, ms: 1000 };
const RETRYABLE = new Set([429, 412, 502, 504]);
const BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com";

export interface SenderOptions {
  adapter: CloudAdapter;
  /** The bot's app id; empty in Emulator mode, where nothing is signed. */
  appId: string;
  db: Db;
  desk: Desk;
  /** Tries within one delivery before handing the row back to the outbox for a later retry. */
  attempts?: number;
  /** Base of the in-delivery backoff (doubles each try, with jitter). */
  backoffMs?: number;
  now?: () => number;
  /** Every limit times this (OUTBOUND_RATE_SCALE): for raised limits, or a benchmark against a fake connector. */
  rateScale?: number;
  /** Base of file links (PUBLIC_URL); without it, files are named but not linked. */
  publicUrl?: string;
}

export class TeamsDeliverer implements Deliverer {
  readonly platform = PLATFORM;
  /**
   * Teams offers no way to find a message already sent, so a row whose send was under way at a stop is sent
   * again and counted (the outbox's may_repeat). Only sends are marked: an update sent twice shows once.
   */
  readonly marksCalls = true;
  private readonly threads = new Map<string, Pace>();
  private readonly tenants = new Map<string, Pace>();

  constructor(private readonly options: SenderOptions) {}

  async deliver(row: OutboxRow, attempt?: DeliveryAttempt): Promise<void> {
    // The attempt is passed down, not kept in an AsyncLocalStorage: that would turn on Node's promise hooks
    // for the whole process, a cost on every await of every command.
    return this.deliverKind(row, attempt);
  }

  /** Sends `activity` in the turn, marking the row as possibly sent first. */
  private async say(a: DeliveryAttempt | undefined, ctx: TurnContext, activity: Record<string, unknown>): ReturnType<TurnContext["sendActivity"]> {
    await a?.calling();
    return ctx.sendActivity(Activity.fromObject(activity));
  }

  /** Replaces a message already sent (a card refreshed in place). */
  private async update(ctx: TurnContext, activityId: string, content: Record<string, unknown>): Promise<void> {
    await ctx.updateActivity(
      Activity.fromObject({
        id: activityId,
        type: ActivityTypes.Message,
        conversation: ctx.activity.conversation,
        attachments: [attachment(content as never)],
      }),
    );
  }

  private async deliverKind(row: OutboxRow, a: DeliveryAttempt | undefined): Promise<void> {
    const payload = JSON.parse(row.payload) as unknown;
    switch (row.kind) {
      case ROW.card:
        return this.card(a, row.target, payload as CardPayload);
      case ROW.thread:
        return this.thread(a, payload as ThreadPayload);
      case ROW.dm:
        return this.dm(a, row.target, payload as DmPayload);
      case ROW.incident:
        return this.incident(a, row.target, payload as IncidentPayload);
      case ROW.approval:
        return this.approval(a, payload as ApprovalPayload);
      case ROW.notice:
        return this.notice(a, row.target, payload as NoticePayload);
      case FILE_MESSAGE:
        return this.fileMessage(a, payload as FileMessage);
    }
    throw new DeliveryError(`unknown Teams message kind "${row.kind}"`, { permanent: true });
  }

  /** Drops sends still waiting for their turn (their rows stay unfinished and go after the next start). */
  async stop(): Promise<void> {
    await Promise.all([...this.threads.values(), ...this.tenants.values()].map((p) => p.stop()));
    this.threads.clear();
    this.tenants.clear();
  }

  /** Posts the ticket's card to the agents' channel, or updates it where it already is; drawn from the ticket as it is now. */
  private async card(a: DeliveryAttempt | undefined, channel: string, p: CardPayload): Promise<void> {
    const snap = await this.options.desk.snapshot(p.ticket);
    if (!snap) throw new DeliveryError(`ticket #${p.ticket} no longer exists`, { permanent: true });
    // The agents' card: every button, and Assign offering the desk's agents.
    const content = ticketCard(ticketView(snap), undefined, { agents: await teamsAgents(this.options.desk) });
    await this.placeOnce(content, {
      link: async () => (await linksOf(this.options.db, p.ticket)).find((l) => l.platform === PLATFORM && l.role === "card")?.ref,
      post: async () => {
        const id = await this.send(
          channel,
          async (ctx) =>
            (await this.say(a, ctx, { type: ActivityTypes.Message, summary: plain(`#${p.ticket} ${snap.ticket.title}`), attachments: [attachment(content)] }))
              ?.id,
        );
        if (!id) throw new DeliveryError(`Teams gave no id for the card of #${p.ticket}`);
        return cardRef(channel, id);
      },
      store: (ref) => setLink(this.options.db, { ticketId: p.ticket, platform: PLATFORM, role: "card", ref, at: this.now() }),
    });
  }

  /** The incident's one status message in a subscribed channel: posted the first time, then updated in place. */
  private async incident(a: DeliveryAttempt | undefined, channel: string, p: IncidentPayload): Promise<void> {
    const view = await incidentViewById(this.options.db, p.incident);
    if (!view) throw new DeliveryError(`incident ${p.incident} no longer exists`, { permanent: true });
    const content = incidentCard(view);
    await this.placeOnce(content, {
      link: () => incidentLink(this.options.db, p.incident, PLATFORM, channel),
      post: async () => {
        const id = await this.send(
          channel,
          async (ctx) => (await this.say(a, ctx, { type: ActivityTypes.Message, summary: plain(view.incident.title), attachments: [attachment(content)] }))?.id,
        );
        if (!id) throw new DeliveryError(`Teams gave no id for the status message of incident ${p.incident}`);
        return cardRef(channel, id);
      },
      store: (ref) => setIncidentLink(this.options.db, { incidentId: p.incident, platform: PLATFORM, channel, ref }),
    });
  }

  /** Says the change in the card's reply chain (the card row before it in the outbox created the card). */
  private async thread(a: DeliveryAttempt | undefined, p: ThreadPayload): Promise<void> {
    const link = (await linksOf(this.options.db, p.ticket)).find((l) => l.platform === PLATFORM && l.role === "card");
    if (!link) throw new DeliveryError(`#${p.ticket} has no card in Teams yet`);
    const { conversationId, activityId } = parseCardRef(link.ref);
    await this.send(
      conversationId,
      (ctx) => this.say(a, ctx, { type: ActivityTypes.Message, text: plain(said(p)), textFormat: "plain" }).then(() => undefined),
      threadId(conversationId, activityId),
    );
  }

  /** Files (a digest's chart, an export) in a card: in a channel, or in a person's chat. */
  private async fileMessage(a: DeliveryAttempt | undefined, p: FileMessage): Promise<void> {
    const shown = await showFiles(this.options.db, p.files, this.options.publicUrl, this.now());
    const activity = { type: ActivityTypes.Message, summary: plain(p.text.split("\n")[0]!), attachments: [attachment(filesCard(p.text, shown, false))] };
    if (p.to.user) return this.toUser(a, p.to.user, activity);
    if (!p.to.channel) throw new DeliveryError("a file message names no channel and no person", { permanent: true });
    await this.send(p.to.channel, (ctx) => this.say(a, ctx, activity).then(() => undefined));
  }

  /** The change above the ticket's card, to a person's chat or a channel. */
  private async notice(a: DeliveryAttempt | undefined, target: string, p: NoticePayload): Promise<void> {
    const snap = await this.options.desk.snapshot(p.ticket);
    if (!snap) throw new DeliveryError(`ticket #${p.ticket} no longer exists`, { permanent: true });
    const activity = {
      type: ActivityTypes.Message,
      summary: plain(p.text),
      attachments: [attachment(ticketCard(ticketView(snap), { text: said(p), tone: "info" }))],
    };
    if (target.startsWith("user:")) return this.toUser(a, target.replace(/^user:/, ""), activity);
    await this.send(target, (ctx) => this.say(a, ctx, activity).then(() => undefined));
  }

  /** An approver's approval card in their 1:1 chat: sent once, then updated in place to show the votes and who decided. */
  private async approval(a: DeliveryAttempt | undefined, p: ApprovalPayload): Promise<void> {
    const snap = await this.options.desk.snapshot(p.ticket);
    if (!snap) throw new DeliveryError(`ticket #${p.ticket} no longer exists`, { permanent: true });
    const content = ticketCard(approvalCardView(snap));
    const role = approvalLink(p.user);
    await this.placeOnce(content, {
      link: async () => (await linksOf(this.options.db, p.ticket)).find((l) => l.platform === PLATFORM && l.role === role)?.ref,
      post: async () => {
        const activity = {
          type: ActivityTypes.Message,
          summary: plain(`Approval needed: #${p.ticket} ${snap.ticket.title}`),
          attachments: [attachment(content)],
        };
        const user = await teamsUser(this.options.db, p.user);
        const chat =
          user?.personalConversationId && (await conversationRef(this.options.db, user.personalConversationId)) ? user.personalConversationId : undefined;
        // Never spoke to the bot one to one: the chat is opened and the card sent, but it cannot be updated in place.
        if (!chat) return void (await this.toUser(a, p.user, activity));
        const id = await this.send(chat, async (ctx) => (await this.say(a, ctx, activity))?.id);
        return id ? cardRef(chat, id) : undefined;
      },
      store: (ref) => setLink(this.options.db, { ticketId: p.ticket, platform: PLATFORM, role, ref, at: this.now() }),
    });
  }

  /** Sends a card once, then replaces it in place through the link stored for it ("<conversation id>|<activity id>"). */
  private placeOnce(content: Record<string, unknown>, m: Omit<PlacedMessage, "update">): Promise<string | undefined> {
    return placeOnce({
      ...m,
      update: async (ref) => {
        const { conversationId, activityId } = parseCardRef(ref);
        await this.send(conversationId, (ctx) => this.update(ctx, activityId, content));
      },
    });
  }

  /** A message in the person's 1:1 chat with the bot, opening that chat if they only spoke in channels. */
  private async dm(a: DeliveryAttempt | undefined, target: string, p: DmPayload): Promise<void> {
    const userId = target.replace(/^user:/, "");
    const snap = await this.options.desk.snapshot(p.ticket);
    if (!snap) throw new DeliveryError(`ticket #${p.ticket} no longer exists`, { permanent: true });
    const activity = {
      type: ActivityTypes.Message,
      summary: plain(p.text),
      attachments: [attachment(requesterCard(ticketView(snap), said(p), { resolved: p.resolved, ...(p.actions ? { actions: p.actions } : {}) }))],
    };
    return this.toUser(a, userId, activity, p.ticket);
  }

  private async toUser(a: DeliveryAttempt | undefined, userId: string, activity: Record<string, unknown>, ticket?: number): Promise<void> {
    const user = await teamsUser(this.options.db, userId);
    if (!user) throw new DeliveryError(`no Teams conversation is known for user ${userId}`, { permanent: true });
    if (user.personalConversationId && (await conversationRef(this.options.db, user.personalConversationId))) {
      const id = await this.send(user.personalConversationId, async (ctx) => (await this.say(a, ctx, activity))?.id);
      if (id && ticket !== undefined)
        await setLink(this.options.db, {
          ticketId: ticket,
          platform: PLATFORM,
          role: "requester",
          ref: cardRef(user.personalConversationId, id),
          at: this.now(),
        }).catch(() => undefined);
      return;
    }
    const bot = { id: user.botId, name: "" };
    // The SDK names the bot `agent`; the Bot Connector's POST /v3/conversations reads `bot` (ConnectorAPI.json),
    // and the SDK sends these parameters as they are, so both are given.
    const params = {
      isGroup: false,
      agent: bot,
      bot,
      members: [{ id: user.botUserId, name: "" }],
      tenantId: user.tenantId ?? undefined,
      channelData: { tenant: { id: user.tenantId ?? undefined } },
      activity: undefined as never,
    };
    await this.limited(`user:${userId}`, user.tenantId ?? undefined, () =>
      this.proactive(
        (logic) => this.options.adapter.createConversationAsync(this.options.appId, "msteams", user.serviceUrl, BOT_FRAMEWORK_AUDIENCE, params, logic),
        async (ctx) => {
          const conversation = { ...ctx.activity.conversation!, conversationType: "personal" };
          await saveUser(this.options.db, { ...user, personalConversationId: conversation.id }, this.now());
          const reference: Partial<ConversationReference> = {
            conversation,
            agent: ctx.activity.recipient,
            user: ctx.activity.from,
            serviceUrl: user.serviceUrl,
            channelId: "msteams",
          };
          await saveConversation(this.options.db, reference, this.now());
          await this.say(a, ctx, activity);
        },
      ),
    );
  }

  /** Runs `fn` in the conversation (or a thread of it), paced and retried. */
  private async send<T>(conversationId: string, fn: (ctx: TurnContext) => Promise<T>, inConversation?: string): Promise<T | undefined> {
    const ref = await referenceFor(this.options.db, conversationId);
    if (!ref) throw new DeliveryError(`the bot has not heard from any Teams conversation yet, so it cannot reach ${conversationId}`);
    // Without the stored activity id the message is posted, not sent as a reply to whatever was said last.
    const { activityId: _last, ...base } = ref;
    const target = inConversation ? { ...base, conversation: { ...ref.conversation!, id: inConversation } } : base;
    let result: T | undefined;
    await this.limited(inConversation ?? conversationId, ref.conversation?.tenantId, () =>
      this.proactive(
        (logic) => this.options.adapter.continueConversation(this.identity(), { channelId: "msteams", ...target } as ConversationReference, logic),
        async (ctx) => {
          result = await fn(ctx);
        },
      ),
    );
    return result;
  }

  private async limited(key: string, tenantId: string | undefined, call: () => Promise<void>): Promise<void> {
    const attempts = this.options.attempts ?? 4;
    const base = this.options.backoffMs ?? 500;
    for (let i = 0; ; i++) {
      try {
        const { thread, tenant } = this.pacesFor(key, tenantId);
        await thread.run(call, tenant);
        return;
      } catch (err) {
        const status = statusOf(err);
        const message = `Teams answered ${status ?? "no status"}: ${(err as Error)?.message ?? String(err)}`.slice(0, 400);
        if (status !== undefined && RETRYABLE.has(status)) {
          if (i + 1 < attempts) {
            await new Promise((r) => setTimeout(r, jittered(base, i)));
            continue;
          }
          throw new DeliveryError(message, { retryAfterMs: jittered(base, i + 1) });
        }
        if (status !== undefined && status >= 400 && status < 500) throw new DeliveryError(message, { permanent: true });
        throw err instanceof Error ? err : new Error(message);
      }
    }
  }

  /** Who the proactive turn acts as: the app (its token is fetched for the Bot Connector), or, in Emulator mode, nobody. */
  private identity(): Parameters<CloudAdapter["continueConversation"]>[0] {
    return this.options.appId || {};
  }

  /**
   * Runs a proactive turn and lets its failure reach the caller: the SDK would otherwise hand it to
   * onTurnError (made for answering people), and the outbox would think the message was sent.
   */
  private async proactive(run: (logic: (ctx: TurnContext) => Promise<void>) => Promise<void>, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown;
    await run(async (ctx) => {
      // A proactive turn's activity is made up by the SDK (its id a random UUID, or the new chat's id), and the
      // SDK would send every message as a reply to it: these are new messages, posted to the conversation.
      ctx.onSendActivities(async (_ctx, activities, next) => {
        for (const out of activities) delete out.replyToId;
        return next();
      });
      try {
        await logic(ctx);
      } catch (err) {
        failure = err;
      }
    });
    if (failure !== undefined) throw failure;
  }

  /** A conversation's pace and its tenant's (a conversation stays in one tenant): a send waits for both. */
  private pacesFor(key: string, tenantId = "unknown"): { thread: Pace; tenant: Pace } {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = new Pace(scaled([TENANT_LIMIT], this.options.rateScale));
      this.tenants.set(tenantId, tenant);
    }
    let thread = this.threads.get(key);
    if (!thread) {
      thread = new Pace(scaled(THREAD_LIMITS, this.options.rateScale));
      this.threads.set(key, thread);
    }
    return { thread, tenant };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

/** A notice's sentence with the words a person wrote (a reply) under it, as its own paragraph. */
const said = (p: { text: string; quote?: string }) => (p.quote ? `${p.text}\n\n${p.quote}` : p.text);

const jittered = (base: number, attempt: number) => Math.round(base * 2 ** attempt * (0.5 + Math.random() / 2));

/** The HTTP status of a failed Bot Connector call (the SDK's HttpError carries it as `status`). */
function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: number; status?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status ?? (typeof e?.status === "number" ? e.status : undefined);
}
