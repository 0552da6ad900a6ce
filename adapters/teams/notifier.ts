// Plans what Teams must hear of a change, written to the outbox in the change's own transaction:
// the agents' channel card (refreshed for changes from any platform), the change said once in the
// card's reply chain, and what the phrase book (src/core/audience.ts) tells Teams people, in their own chat.
import {
  type ActionView,
  agentsLine,
  audience,
  type IncidentChange,
  noticesOn,
  type Notifier,
  type PlannedMessage,
  type TicketChange,
  type TicketLinkRow,
} from "../../src/core/index.js";
import { PLATFORM } from "./translate.js";

/** Outbox row kinds the Teams deliverer knows. */
export const ROW = { card: "card", thread: "thread", dm: "dm", incident: "incident", notice: "notice", approval: "approval" } as const;

/** A change told directly to a person (the assignee, a lead) or a channel (an escalation channel). */
export interface NoticePayload {
  ticket: number;
  text: string;
  /** Words a person wrote, quoted under the text. */
  quote?: string;
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
  quote?: string;
}
export interface DmPayload {
  ticket: number;
  text: string;
  quote?: string;
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
        out.push({
          platform: PLATFORM,
          kind: ROW.thread,
          target: channel,
          payload: { ticket: n, ...agentsLine(change) } satisfies ThreadPayload,
          key: "teams-thread",
        });
      }
    }
    // Who hears what comes from the phrase book; here only where each one is reached on Teams.
    for (const notice of noticesOn(audience(change), PLATFORM)) {
      if (notice.inAgentsChannel && channel) continue; // read in the card's reply chain already
      // A Teams requester opening a ticket reads the answer in the same chat: no receipt besides.
      if (notice.toActor && change.kind === "created") continue;
      const said = { text: notice.text, ...(notice.quote ? { quote: notice.quote } : {}) };
      const to = notice.to;
      if (to.role === "requester") {
        out.push({
          platform: PLATFORM,
          kind: ROW.dm,
          target: userTarget(to.person.userId),
          payload: {
            ticket: n,
            ...said,
            resolved: Boolean(notice.resolution),
            ...(notice.actions?.length ? { actions: notice.actions } : {}),
          } satisfies DmPayload,
          key: out.some((m) => m.kind === ROW.dm) ? `teams-requester:${out.length}` : "teams-requester",
        });
      } else if (to.role === "channel") {
        out.push({
          platform: PLATFORM,
          kind: ROW.notice,
          target: to.channel,
          payload: { ticket: n, ...said } satisfies NoticePayload,
          key: `teams-notice:${to.channel}`,
        });
      } else {
        // The assignee, the one who held it before, and those a capability names: above the ticket's card, in their chat.
        const key = to.role === "named" ? `teams-notice:${to.person.userId}` : `teams-${to.role}:${to.person.userId}`;
        out.push({ platform: PLATFORM, kind: ROW.notice, target: userTarget(to.person.userId), payload: { ticket: n, ...said } satisfies NoticePayload, key });
      }
    }
    return out;
  }

  planIncident(change: IncidentChange): PlannedMessage[] {
    return change.channels
      .filter((c) => c.platform === PLATFORM)
      .map((c) => ({
        platform: PLATFORM,
        kind: ROW.incident,
        target: c.channel,
        payload: { incident: change.view.incident.id } satisfies IncidentPayload,
        key: `teams-incident:${c.channel}`,
        coalesce: `incident:${change.view.incident.id}:${c.channel}`,
      }));
  }
}
