// Delivers the Slack outbox: the triage card (posted once, then chat.update), notes in its thread,
// the requester's messages and App Home refreshes. Slack's answers steer the outbox's retries.
import type { webApi } from "@slack/bolt";
import { type Desk, FILE_MESSAGE, type FileMessage, linksOf, type OutboxRow, setLink, ticketView } from "../../src/core/index.js";
import { incidentLink, incidentViewById, setIncidentLink } from "../../src/capabilities/incidents/view.js";
import { DeliveryError, type Deliverer, type DeliveryAttempt } from "../../src/outbox/worker.js";
import type { SlackApi } from "./api.js";
import { placeOnce, type PlacedMessage } from "../../src/outbox/placed.js";
import { findPosted, outboxMetadata } from "./recovery.js";
import { LINK, OUTBOX, PLATFORM } from "./ids.js";
import type { CardPayload, HomePayload, IncidentPayload, NoticePayload, RequesterPayload, ThreadPayload } from "./notifier.js";
import { approvalCardView } from "../../src/capabilities/approvals/view.js";
import { approvalLink, type ApprovalPayload } from "../../src/capabilities/approvals/cards.js";
import { uploadFiles } from "./files.js";
import { card, incidentMessage, resolutionMessage, textMessage, withActions } from "./render.js";
import { SlackNames } from "./names.js";
import { SlackPeople } from "./people.js";

/** Slack errors that will not change on a retry: the message is dead-lettered. */
export const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "invalid_blocks",
  "invalid_arguments",
  "msg_too_long",
  "no_text",
  "too_many_attachments",
  "user_not_found",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "missing_scope",
  "not_authed",
  "cant_update_message",
  "message_not_found",
  "restricted_action",
]);

export const splitRef = (ref: string) => {
  const i = ref.indexOf(":");
  return { channel: ref.slice(0, i), ts: ref.slice(i + 1) };
};

/** The Slack error code of a failed call, if Slack answered one. */
export function slackError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === "slack_webapi_platform_error" ? e.data?.error : undefined;
}

/** Maps a WebClient failure to the outbox's retry rules. */
export function asDeliveryError(err: unknown): unknown {
  const e = err as { code?: string; retryAfter?: number; message?: string };
  if (e?.code === "slack_webapi_rate_limited_error") return new DeliveryError(`rate limited by Slack`, { retryAfterMs: (e.retryAfter ?? 1) * 1000 });
  const code = slackError(err);
  if (code) return new DeliveryError(`Slack said ${code}`, { permanent: PERMANENT.has(code) });
  return err;
}

export interface HomePublisher {
  publish(userId: string): Promise<void>;
}

/** One row's delivery: its key goes in each post's metadata; `found` says the post was already there. */
interface Delivery {
  row: OutboxRow;
  attempt: DeliveryAttempt;
  found: boolean;
}

export class SlackDeliverer implements Deliverer {
  readonly platform = PLATFORM;
  /** Every post carries its row key in message metadata, so a post in doubt is looked for, never repeated. */
  readonly looksUp = true;
  readonly marksCalls = true;
  /** Names people the desk knows only by id, before a message shows them. */
  private readonly names: SlackNames;
  constructor(private readonly options: { api: SlackApi; desk: Desk; triageChannel?: string; home?: HomePublisher; names?: SlackNames }) {
    this.names = options.names ?? new SlackNames(options.desk.db, new SlackPeople(options.api), () => options.desk.clock.now());
  }

  async deliver(row: OutboxRow, attempt: DeliveryAttempt = { lookFirst: false, calling: async () => {} }): Promise<void | "found"> {
    const d: Delivery = { row, attempt, found: false };
    await this.deliverKind(d);
    return d.found ? "found" : undefined;
  }

  // The delivery is passed down rather than kept in an AsyncLocalStorage: that would turn on Node's promise
  // hooks for the whole process, a cost on every await of every command (about 8% of a ticket's creation).
  private async deliverKind(d: Delivery): Promise<void> {
    const row = d.row;
    const payload = JSON.parse(row.payload) as unknown;
    try {
      switch (row.kind) {
        case OUTBOX.card:
          return await this.card(d, (payload as CardPayload).ticket);
        case OUTBOX.thread:
          return await this.threadNote(d, payload as ThreadPayload);
        case OUTBOX.requester:
          return await this.requester(d, payload as RequesterPayload);
        case OUTBOX.home:
          return await this.options.home?.publish((payload as HomePayload).user);
        case OUTBOX.incident:
          return await this.incident(d, payload as IncidentPayload);
        case FILE_MESSAGE:
          return await uploadFiles(this.options.api, this.options.desk.db, this.options.desk.clock.now(), payload as FileMessage, () => d.attempt.calling());
        case OUTBOX.approval:
          return await this.approval(d, payload as ApprovalPayload);
        case OUTBOX.notice:
          return await this.notice(d, payload as NoticePayload);
      }
      throw new DeliveryError(`unknown Slack outbox kind "${row.kind}"`, { permanent: true });
    } catch (err) {
      throw asDeliveryError(err);
    }
  }

  private async link(ticket: number, role: string): Promise<string | undefined> {
    return (await linksOf(this.options.desk.db, ticket)).find((l) => l.platform === PLATFORM && l.role === role)?.ref;
  }

  private async setLink(ticket: number, role: string, ref: string): Promise<void> {
    await setLink(this.options.desk.db, { ticketId: ticket, platform: PLATFORM, role, ref, at: this.options.desk.clock.now() });
  }

  /** A message found after a kill was drawn then; later redraws were folded into this row, so it is drawn as it is now. */
  private async redrawIfFound(d: Delivery, at: { channel: string; ts: string }, message: object): Promise<void> {
    if (d.found) await this.options.api.call("chat.update", { channel: at.channel, ts: at.ts, ...message });
  }

  /**
   * Posts with the row key in the message metadata. When the row may already be posted (in flight at a
   * stop, or its answer lost), the channel or thread is searched for that key first, and a message found
   * stands for the post: the caller records its channel:ts as it would a new one's.
   */
  private async post(d: Delivery, args: Record<string, unknown>): Promise<{ channel: string; ts: string }> {
    if (d.attempt.lookFirst) {
      const where = { channel: String(args.channel), ...(typeof args.thread_ts === "string" ? { threadTs: args.thread_ts } : {}) };
      const found = await findPosted(this.options.api, where, d.row.key, d.row.first_attempt_at ?? d.row.created_at);
      if (found) {
        d.found = true;
        return found;
      }
    }
    const r = await this.options.api.call<{ channel: string; ts: string }>("chat.postMessage", { ...args, metadata: outboxMetadata(d.row.key) }, () =>
      d.attempt.calling(),
    );
    return { channel: r.channel, ts: r.ts };
  }

  /** The incident's status message in a status channel: posted and pinned once, then updated in place. */
  private async incident(d: Delivery, p: IncidentPayload): Promise<void> {
    const db = this.options.desk.db;
    const view = await incidentViewById(db, p.incident);
    if (!view) return; // gone: nothing left to say
    const message = incidentMessage(view.latest ? { ...view, latest: { ...view.latest, author: await this.names.text(view.latest.author) } } : view);
    const posted = await this.placeOnce(d, {
      channel: p.channel,
      message,
      link: () => incidentLink(db, p.incident, PLATFORM, p.channel),
      store: (ref) => setIncidentLink(db, { incidentId: p.incident, platform: PLATFORM, channel: p.channel, ref }),
    });
    // Pinned so the channel's latest status is one click away; a pin that fails (no pins:write) loses nothing.
    if (posted) await this.options.api.call("pins.add", { channel: splitRef(posted).channel, timestamp: splitRef(posted).ts }).catch(() => undefined);
  }

  /** Drawn from the ticket as it is now: posted to the triage channel once, then updated in place. */
  private async card(d: Delivery, ticket: number): Promise<void> {
    const found = await this.options.desk.snapshot(ticket);
    if (!found || !this.options.triageChannel) return; // deleted since: nothing left to draw
    const message = card(await this.names.view(ticketView(await this.names.snapshot(found))));
    await this.placeOnce(d, {
      channel: this.options.triageChannel,
      message,
      link: () => this.link(ticket, LINK.card),
      store: (ref) => this.setLink(ticket, LINK.card, ref),
    });
  }

  /** An approver's approval card in their DM: posted once, then updated in place to show the votes and who decided. */
  private async approval(d: Delivery, p: ApprovalPayload): Promise<void> {
    const found = await this.options.desk.snapshot(p.ticket);
    if (!found) return; // deleted since: nothing left to draw
    const message = card(await this.names.view(approvalCardView(await this.names.snapshot(found))));
    await this.placeOnce(d, {
      channel: p.user,
      message,
      link: () => this.link(p.ticket, approvalLink(p.user)),
      store: (ref) => this.setLink(p.ticket, approvalLink(p.user), ref),
    });
  }

  /** Posts `message` in `channel` once (its link "channel:ts" stored), then chat.update through that link. */
  private placeOnce(
    d: Delivery,
    m: Pick<PlacedMessage, "link" | "store"> & { channel: string; message: { text: string; blocks: unknown[] } },
  ): Promise<string | undefined> {
    return placeOnce({
      link: m.link,
      update: async (ref) => void (await this.options.api.call("chat.update", { ...splitRef(ref), ...m.message })),
      post: async () => {
        const posted = await this.post(d, { channel: m.channel, ...m.message });
        await this.redrawIfFound(d, posted, m.message);
        return `${posted.channel}:${posted.ts}`;
      },
      store: m.store,
    });
  }

  private async threadNote(d: Delivery, p: ThreadPayload): Promise<void> {
    const ref = await this.link(p.ticket, LINK.card);
    if (!ref) throw new DeliveryError(`#${p.ticket} has no card yet`); // retried after the card is posted
    const { channel, ts } = splitRef(ref);
    await this.post(d, { channel, thread_ts: ts, ...textMessage(await this.names.text(p.text), p.quote) });
  }

  /** Told directly to a person (in their DM) or a channel. */
  private async notice(d: Delivery, p: NoticePayload): Promise<void> {
    await this.post(d, { channel: p.to, ...textMessage(await this.names.text(p.text), p.quote) });
  }

  /** In the thread where they asked; else in their DM, where the first message becomes the thread. */
  private async requester(d: Delivery, p: RequesterPayload): Promise<void> {
    const snapshot = await this.options.desk.snapshot(p.ticket);
    if (!snapshot || snapshot.requester.platform !== PLATFORM) return;
    // Composed at commit time, when an assignee known only by id had no name yet.
    const text = await this.names.text(p.text);
    const message = p.resolution
      ? resolutionMessage(
          p.ticket,
          text,
          ticketView(snapshot).actions.find((a) => a.verb === "reopen"),
        )
      : withActions(textMessage(text, p.quote), p.actions ?? [], `requester.${p.ticket}`);
    const known = await this.link(p.ticket, LINK.requester);
    const thread = known ?? p.thread;
    if (thread) {
      const { channel, ts } = splitRef(thread);
      try {
        await this.post(d, { channel, thread_ts: ts, ...message });
        if (!known) await this.setLink(p.ticket, LINK.requester, thread);
        return;
      } catch (err) {
        // The bot is not in the channel where they asked: fall back to their DM rather than lose the message.
        if (known || !["not_in_channel", "channel_not_found", "is_archived"].includes(slackError(err) ?? "")) throw err;
      }
    }
    const posted = await this.post(d, { channel: snapshot.requester.userId, ...message });
    await this.setLink(p.ticket, LINK.requester, `${posted.channel}:${posted.ts}`);
  }
}

export type WebClient = webApi.WebClient;
