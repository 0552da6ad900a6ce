// Events API: mentions and DMs (commands), thread replies (comments), :ticket: reactions, App Home.
// An event that is ours is committed to the inbox before its ack (a reaction must first read its message from
// Slack, which may not fit in the 3 seconds), then worked from there; each acts once, keyed by its event_id.
import type { App } from "@slack/bolt";
import { type Command, linkByRef, type Outcome, receiptFor } from "../../../src/core/index.js";
import { answerText, filesNote, shareFiles, type SlackContext } from "../context.js";
import { LINK, PLATFORM, TICKET_REACTION } from "../ids.js";
import { inChannel, messageCommand, plainText, ref, ticketFromMessage, withoutMention } from "../translate.js";

interface MessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

export function registerEvents(app: App, ctx: SlackContext): void {
  // What each stored event asks for, run after its ack (and again at start-up if a stop cut it short).
  ctx.inbox.on("event", (body) => work(ctx, body as unknown as EventBody));

  app.event("message", async ({ event, body }) => {
    const m = event as unknown as MessageEvent;
    // Edits, deletions, joins and bot posts (our own relays included) are never echoed back.
    if ((m.subtype && m.subtype !== "thread_broadcast" && m.subtype !== "file_share") || m.bot_id || !m.user) return;
    // Ours: a reply in a ticket's thread, or a DM to the bot; channel chatter is not stored.
    const inTicketThread = Boolean(m.thread_ts && m.thread_ts !== m.ts && (await threadLink(ctx, m.channel, m.thread_ts)));
    if (inTicketThread || (m.channel_type === "im" && !m.thread_ts)) await ctx.inbox.accept("event", inboxKey(body), body as never);
  });

  app.event("app_mention", async ({ event, body }) => {
    const m = event as unknown as MessageEvent;
    if (m.bot_id || !m.user) return;
    // A mention inside a ticket thread is a reply there; the message listener takes it.
    if (m.thread_ts && (await threadLink(ctx, m.channel, m.thread_ts))) return;
    await ctx.inbox.accept("event", inboxKey(body), body as never);
  });

  app.event("reaction_added", async ({ event, body }) => {
    if (event.reaction !== TICKET_REACTION || event.item.type !== "message") return;
    await ctx.inbox.accept("event", inboxKey(body), body as never);
  });

  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    // Asks only for a view drawn from what is stored already: nothing to commit.
    void ctx.track(async () => {
      ctx.home.opened(event.user);
      await ctx.home.publish(event.user);
    });
  });
}

interface EventBody {
  event_id?: string;
  event: MessageEvent & { reaction?: string; item?: { type: string; channel: string; ts: string }; item_user?: string };
}

/** A stored event's key: its event_id, the same on every retry of it (X-Slack-Retry-Num). */
function inboxKey(body: unknown): string {
  const b = body as EventBody;
  return `evt:${b.event_id || `${b.event?.type}:${b.event?.channel ?? b.event?.item?.channel ?? ""}:${b.event?.ts ?? b.event?.item?.ts ?? ""}`}`;
}

/** What a stored event asks for. */
async function work(ctx: SlackContext, body: EventBody): Promise<void> {
  const e = body.event;
  const id = body.event_id ?? "";
  if (e.type === "message") return onMessage(ctx, e, id);
  if (e.type === "app_mention") return asCommand(ctx, e, id);
  if (e.type === "reaction_added" && e.item) return fromReaction(ctx, e.item.channel, e.item.ts, e.user!, e.item_user, id);
}

async function threadLink(ctx: SlackContext, channel: string, threadTs: string) {
  const r = ref(channel, threadTs);
  return (await linkByRef(ctx.desk.db, PLATFORM, LINK.card, r)) ?? (await linkByRef(ctx.desk.db, PLATFORM, LINK.requester, r));
}

async function onMessage(ctx: SlackContext, m: MessageEvent, id: string): Promise<void> {
  const text = plainText(withoutMention(m.text ?? "", ctx.botUserId));
  if (m.thread_ts && m.thread_ts !== m.ts) {
    const link = await threadLink(ctx, m.channel, m.thread_ts);
    if (link) {
      // In the card's thread agents reply to the requester, or note privately with "note:".
      const note = link.role === LINK.card ? /^note:\s*/i.exec(text) : null;
      const command: Command = note
        ? { kind: "note", number: link.ticket_id, body: text.slice(note[0].length) }
        : { kind: "comment", number: link.ticket_id, body: text };
      const actor = await ctx.people.actor(m.user!);
      const outcome = await ctx.desk.handle({ actor, command, idempotencyKey: `evt:${id}`, originRef: link.ref });
      if (!outcome.ok) await ctx.tell({ user: m.user!, channel: m.channel, thread: m.thread_ts }, outcome.text);
      return;
    }
  }
  // A DM to the bot is a command; channel chatter outside ticket threads is not ours.
  if (m.channel_type === "im" && !m.thread_ts) await asCommand(ctx, m, id);
}

/** A mention or DM: the grammar; a new ticket's confirmation goes to the thread where it was asked. */
async function asCommand(ctx: SlackContext, m: MessageEvent, id: string): Promise<void> {
  const text = plainText(withoutMention(m.text ?? "", ctx.botUserId));
  const thread = ref(m.channel, m.thread_ts ?? m.ts);
  const command = inChannel(
    messageCommand(ctx.desk.capabilities, text, { kind: PLATFORM, ref: ref(m.channel, m.ts) }),
    m.channel_type === "im" ? undefined : m.channel,
  );
  const where = { user: m.user!, channel: m.channel, ...(m.thread_ts ? { thread: m.thread_ts } : {}) };
  if (command.kind === "form") return ctx.tell(where, "Use /ticket with no text to open the full form, or tell me the problem in one line.");
  const actor = await ctx.people.actor(m.user!);
  const outcome = await ctx.desk.handle({ actor, command, idempotencyKey: `evt:${id}`, originRef: thread });
  // Creation is confirmed in the thread through the outbox; everything else is answered to the person.
  const dm = m.channel_type === "im" ? m.channel : undefined;
  if (!(outcome.ok && outcome.kind === "create")) await ctx.tell(where, answerText(outcome) + filesNote(outcome, Boolean(dm)));
  await shareFiles(ctx, outcome, `evt:${id}`, { user: m.user!, ...(dm ? { dm, ...(m.thread_ts ? { thread: m.thread_ts } : {}) } : {}) });
}

/** :ticket: on a message: one ticket per message, whoever reacts and however often. */
async function fromReaction(ctx: SlackContext, channel: string, ts: string, reactor: string, author: string | undefined, id: string): Promise<void> {
  const key = `react:${channel}:${ts}`;
  // Already made a ticket by an earlier reaction: this reactor is told which (their event is worked once).
  const earlier = await receiptFor(ctx.desk.db, key);
  if (earlier) {
    const o = JSON.parse(earlier) as Outcome;
    if (o.ok && o.snapshot)
      await ctx.tell(
        { user: reactor, channel },
        `That message is already ticket #${o.snapshot.ticket.number}: ${o.snapshot.ticket.title}. Nothing new was made.`,
      );
    return;
  }
  const history = await ctx.api.call<{ messages?: MessageEvent[] }>("conversations.replies", { channel, ts, limit: 1, inclusive: true });
  const message = history.messages?.find((x) => x.ts === ts) ?? history.messages?.[0];
  if (!message) return ctx.tell({ user: reactor, channel }, "I could not read that message, so no ticket was made.");
  const permalink = await ctx.api.call<{ permalink?: string }>("chat.getPermalink", { channel, message_ts: ts }).catch(() => ({ permalink: undefined }));
  const command = ticketFromMessage(message.text ?? "", {
    kind: PLATFORM,
    ref: ref(channel, ts),
    ...(permalink.permalink ? { link: permalink.permalink } : {}),
  });
  if (!command) return ctx.tell({ user: reactor, channel }, "That message has no text to make a ticket of.");
  // The message's author asked for help: they are the requester (the reactor when the author is a bot).
  const actor = await ctx.people.actor(message.user ?? author ?? reactor);
  const outcome = await ctx.desk.handle({ actor, command, idempotencyKey: key, originRef: ref(channel, message.thread_ts ?? ts) });
  if (!outcome.ok) await ctx.tell({ user: reactor, channel }, outcome.text);
  void id;
}
