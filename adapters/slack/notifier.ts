// Plans what Slack must be told of a ticket change, as outbox rows written in the change's transaction.
// Rows carry ticket numbers, not rendered blocks: the sender draws the card from the ticket's state at
// send time, so a card updated late never shows an old state.
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
import { LINK, OUTBOX, PLATFORM } from "./ids.js";

export interface RequesterPayload {
  ticket: number;
  text: string;
  /** Words a person wrote, quoted under the text. */
  quote?: string;
  /** Where the ticket was asked for ("C1:1700000000.000100"): the confirmation goes there and that becomes the requester's thread. */
  thread?: string;
  /** The resolution message, with Reopen and the rating. */
  resolution?: boolean;
  /** A capability's buttons for the requester under its sentence (clicks go through actionCommand). */
  actions?: ActionView[];
}
export interface CardPayload {
  ticket: number;
}
export interface ThreadPayload {
  ticket: number;
  text: string;
  quote?: string;
}
export interface HomePayload {
  user: string;
}
/** A change told directly to a person (the assignee, a lead) or a channel (an escalation channel): a user or channel id. */
export interface NoticePayload {
  ticket: number;
  text: string;
  quote?: string;
  to: string;
}

/** An incident's status message in one subscribed channel. */
export interface IncidentPayload {
  incident: number;
  channel: string;
}

export const ticketTarget = (n: number) => `ticket:${n}`;
export const requesterTarget = (n: number) => `requester:${n}`;

export class SlackNotifier implements Notifier {
  /** Cards are drawn when they are sent, from the ticket as it is then: nothing of the capabilities is read here. */
  readonly extras = [];
  /**
   * @param triageChannel where cards go (no cards when unset)
   * @param homeViewers Slack users whose App Home is refreshed on change (those who opened it)
   */
  constructor(private readonly options: { triageChannel?: string; homeViewers?: Set<string> }) {}

  plan(change: TicketChange, links: TicketLinkRow[]): PlannedMessage[] {
    const s = change.snapshot;
    const n = s.ticket.number;
    const mine = links.filter((l) => l.platform === PLATFORM);
    const cardRef = mine.find((l) => l.role === LINK.card)?.ref;
    const requesterRef = mine.find((l) => l.role === LINK.requester)?.ref;
    const fromHere = (ref: string | undefined) => Boolean(ref) && change.origin.platform === PLATFORM && change.origin.ref === ref;
    const out: PlannedMessage[] = [];
    const msg = (kind: string, target: string, key: string, payload: unknown, coalesce?: string) =>
      out.push({ platform: PLATFORM, kind, target, key, payload, ...(coalesce ? { coalesce } : {}) });

    // The triage card changes for every change from any platform; the change is said once in its thread.
    if (this.options.triageChannel) {
      msg(OUTBOX.card, ticketTarget(n), "card", { ticket: n } satisfies CardPayload, `card:${n}`);
      if (change.kind !== "created" && !fromHere(cardRef))
        msg(OUTBOX.thread, ticketTarget(n), "thread", { ticket: n, ...agentsLine(change) } satisfies ThreadPayload);
    }

    // Who hears what comes from the phrase book; here only where each one is reached on Slack.
    let toRequester = 0;
    for (const notice of noticesOn(audience(change), PLATFORM)) {
      if (notice.inAgentsChannel && this.options.triageChannel) continue; // read in the card's thread already
      const said = { text: notice.text, ...(notice.quote ? { quote: notice.quote } : {}) };
      const to = notice.to;
      if (to.role === "requester") {
        // A reply typed in the requester's own thread is already there.
        if (change.kind === "commented" && fromHere(requesterRef)) continue;
        const thread = change.kind === "created" && change.origin.platform === PLATFORM ? change.origin.ref : undefined;
        msg(OUTBOX.requester, requesterTarget(n), toRequester++ ? `requester:${toRequester}` : "requester", {
          ticket: n,
          ...said,
          ...(thread ? { thread } : {}),
          ...(notice.resolution ? { resolution: true } : {}),
          ...(notice.actions?.length ? { actions: notice.actions } : {}),
        } satisfies RequesterPayload);
        continue;
      }
      // The assignee, the one who held it before, and those a capability names, directly; or a channel.
      const id = to.role === "channel" ? to.channel : to.person.userId;
      const key = to.role === "assignee" || to.role === "previous_assignee" ? `${to.role}:${id}` : `notice:${id}`;
      msg(OUTBOX.notice, `notice:${id}`, key, { ticket: n, ...said, to: id } satisfies NoticePayload);
    }

    // App Homes of the people concerned, when they have opened them.
    const viewers = this.options.homeViewers;
    if (viewers?.size) {
      const users = new Set(
        [s.requester, s.assignee, change.previousAssignee, change.actor]
          .filter((p) => p && p.platform === PLATFORM && viewers.has(p.userId))
          .map((p) => p!.userId),
      );
      for (const u of users) msg(OUTBOX.home, `home:${u}`, `home:${u}`, { user: u } satisfies HomePayload);
    }
    return out;
  }

  planIncident(change: IncidentChange): PlannedMessage[] {
    return planIncident(change);
  }
}

/** Incident status changes go to every Slack status channel; the message is drawn from the incident at send time. */
export function planIncident(change: IncidentChange): PlannedMessage[] {
  return change.channels
    .filter((c) => c.platform === PLATFORM)
    .map((c) => ({
      platform: PLATFORM,
      kind: OUTBOX.incident,
      target: `incident:${c.channel}`,
      key: `incident:${c.channel}`,
      coalesce: `incident:${change.view.incident.id}:${c.channel}`,
      payload: { incident: change.view.incident.id, channel: c.channel } satisfies IncidentPayload,
    }));
}
