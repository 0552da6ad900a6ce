// Plans what Teams must hear of a change, written to the outbox in the change's own transaction:
// the agents' channel card (refreshed for changes from any platform), the change said once in the
// card's reply chain, and updates to Teams requesters in their own chat.
import { type ActionView, type IncidentChange, type Notifier, type PlannedMessage, STATUS_LABEL, type TicketChange, type TicketLinkRow } from "../../src/core/index.js";
import { PLATFORM } from "./translate.js";

/** Outbox row kinds the Teams deliverer knows. */
export const ROW = { card: "card", thread: "thread", dm: "dm", incident: "incident", notice: "notice", approval: "approval" } as const;

/** A change told directly to someone beyond the ticket's own (a lead, an escalation channel). */
export interface NoticePayload {
  ticket: number;
  text: string;
}

/** An incident's one status message in a subscribed channel, drawn from the incident as it is at send time. */
export interface IncidentPayload {
  incident: number;
}

export interface CardPayload {
  ticket: number;
}
export interface ThreadPayload {
  ticket: number;
  text: string;
}
export interface DmPayload {
  ticket: number;
  text: string;
  resolved: boolean;
  actions?: ActionView[];
}

/** Target of a direct message: the person, resolved to their 1:1 chat at send time. */
export const userTarget = (userId: string) => `user:${userId}`;

/** The card's link ref: "<channel conversation id>|<activity id>". */
export function parseCardRef(ref: string): { conversationId: string; activityId: string } {
  const i = ref.lastIndexOf("|");
  return { conversationId: ref.slice(0, i), activityId: ref.slice(i + 1) };
}
export const cardRef = (conversationId: string, activityId: string) => `${conversationId}|${activityId}`;
/** The conversation id of a channel message's reply chain. */
export const threadId = (conversationId: string, activityId: string) => `${conversationId};messageid=${activityId}`;

export class TeamsNotifier implements Notifier {
  /** Cards are drawn when they are sent, from the ticket as it is then: nothing of the capabilities is read here. */
  readonly extras = [];
  /** `agentsChannel` says where cards go now (configured, or where the app was installed; may be unknown). */
  constructor(private readonly agentsChannel: () => string | undefined) {}

  plan(change: TicketChange, links: TicketLinkRow[]): PlannedMessage[] {
    const out: PlannedMessage[] = [];
    const n = change.snapshot.ticket.number;
    const cardLink = links.find((l) => l.platform === PLATFORM && l.role === "card");
    const card = cardLink ? parseCardRef(cardLink.ref) : undefined;
    const channel = card?.conversationId ?? this.agentsChannel();
    if (channel) {
      out.push({ platform: PLATFORM, kind: ROW.card, target: channel, payload: { ticket: n } satisfies CardPayload, key: "teams-card", coalesce: `card:${n}` });
      // Said in the reply chain, unless it was typed there (the person already got the answer there).
      const saidThere = change.origin.platform === PLATFORM && card && change.origin.ref === threadId(card.conversationId, card.activityId);
      if (change.kind !== "created" && !saidThere) {
        const body = change.comment ? `\n\n${change.comment.internal ? "Internal note: " : ""}${change.comment.body}` : "";
        out.push({ platform: PLATFORM, kind: ROW.thread, target: channel, payload: { ticket: n, text: `${change.summary}${body}` } satisfies ThreadPayload, key: "teams-thread" });
      }
    }
    const requester = change.snapshot.requester;
    if (requester.platform === PLATFORM) {
      const sentence = change.requesterMessage ?? (change.actor.id === requester.id ? undefined : requesterSentence(change));
      const actions = change.requesterMessage ? change.requesterActions : undefined;
      if (sentence) out.push({ platform: PLATFORM, kind: ROW.dm, target: userTarget(requester.userId), payload: { ticket: n, text: sentence, resolved: change.kind === "resolved", ...(actions?.length ? { actions } : {}) } satisfies DmPayload, key: "teams-requester" });
    }
    // People and channels a capability wants told directly (an SLA breach's lead and escalation channel).
    for (const p of change.alsoTell?.people ?? []) if (p.platform === PLATFORM) out.push({ platform: PLATFORM, kind: ROW.notice, target: userTarget(p.userId), payload: { ticket: n, text: change.summary } satisfies NoticePayload, key: `teams-notice:${p.userId}` });
    for (const c of change.alsoTell?.channels ?? []) if (c.platform === PLATFORM) out.push({ platform: PLATFORM, kind: ROW.notice, target: c.channel, payload: { ticket: n, text: change.summary } satisfies NoticePayload, key: `teams-notice:${c.channel}` });
    const assignee = change.snapshot.assignee;
    if (change.kind === "assigned" && assignee?.platform === PLATFORM && assignee.id !== change.actor.id && assignee.id !== requester.id) {
      out.push({ platform: PLATFORM, kind: ROW.dm, target: userTarget(assignee.userId), payload: { ticket: n, text: `${change.actor.name} assigned #${n} to you.`, resolved: false } satisfies DmPayload, key: "teams-assignee" });
    }
    return out;
  }

  planIncident(change: IncidentChange): PlannedMessage[] {
    return change.channels
      .filter((c) => c.platform === PLATFORM)
      .map((c) => ({ platform: PLATFORM, kind: ROW.incident, target: c.channel, payload: { incident: change.view.incident.id } satisfies IncidentPayload, key: `teams-incident:${c.channel}`, coalesce: `incident:${change.view.incident.id}:${c.channel}` }));
  }
}

/** What a requester hears when someone else changes their ticket; kinds not listed say nothing. */
function requesterSentence(c: TicketChange): string | undefined {
  const t = c.snapshot.ticket;
  const who = c.actor.name;
  switch (c.kind) {
    case "created":
      return `${who} opened #${t.number} for you. We will keep you posted here.`;
    case "claimed":
      return `${who} is working on #${t.number}.`;
    case "assigned":
      return `#${t.number} is now with ${c.snapshot.assignee?.name ?? "an agent"}.`;
    case "status":
      return `#${t.number} is now ${STATUS_LABEL[t.status]}.`;
    case "resolved":
      return `#${t.number} is resolved: ${t.resolution ?? ""}`.trim();
    case "closed":
      return `#${t.number} was closed by ${who}.`;
    case "reopened":
      return `#${t.number} was reopened by ${who}.`;
    case "commented":
      return c.comment && !c.comment.internal ? `${who} replied on #${t.number}: ${c.comment.body}` : undefined;
  }
  return undefined;
}
