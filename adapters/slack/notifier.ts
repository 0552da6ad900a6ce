// Plans what Slack must be told of a ticket change, as outbox rows written in the change's transaction.
// Rows carry ticket numbers, not rendered blocks: the sender draws the card from the ticket's state at
// send time, so a card updated late never shows an old state.
import { type ActionView, type IncidentChange, type Notifier, type PlannedMessage, STATUS_LABEL, type TicketChange, type TicketLinkRow } from "../../src/core/index.js";
import { LINK, OUTBOX, PLATFORM } from "./ids.js";

export interface RequesterPayload {
  ticket: number;
  text: string;
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
}
export interface HomePayload {
  user: string;
}
/** A change told directly to someone beyond the ticket's own (a lead, an escalation channel): a user or channel id. */
export interface NoticePayload {
  ticket: number;
  text: string;
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
  constructor(private readonly o: { triageChannel?: string; homeViewers?: Set<string> }) {}

  plan(change: TicketChange, links: TicketLinkRow[]): PlannedMessage[] {
    const s = change.snapshot;
    const n = s.ticket.number;
    const mine = links.filter((l) => l.platform === PLATFORM);
    const cardRef = mine.find((l) => l.role === LINK.card)?.ref;
    const requesterRef = mine.find((l) => l.role === LINK.requester)?.ref;
    const fromHere = (ref: string | undefined) => Boolean(ref) && change.origin.platform === PLATFORM && change.origin.ref === ref;
    const out: PlannedMessage[] = [];
    const msg = (kind: string, target: string, key: string, payload: unknown, coalesce?: string) => out.push({ platform: PLATFORM, kind, target, key, payload, ...(coalesce ? { coalesce } : {}) });

    // The triage card changes for every change from any platform; the change is said once in its thread.
    if (this.o.triageChannel) {
      msg(OUTBOX.card, ticketTarget(n), "card", { ticket: n } satisfies CardPayload, `card:${n}`);
      if (change.kind !== "created" && !fromHere(cardRef)) {
        const body = change.comment ? `\n>${change.comment.internal ? " (internal)" : ""} ${quote(change.comment.body)}` : "";
        msg(OUTBOX.thread, ticketTarget(n), "thread", { ticket: n, text: `${change.summary}${body}` } satisfies ThreadPayload);
      }
    }

    // The requester hears in their thread (or DM), when they are a Slack person.
    if (s.requester.platform === PLATFORM) {
      const texts = requesterTexts(change);
      if (texts.length && !(change.kind === "commented" && fromHere(requesterRef))) {
        const thread = change.kind === "created" && change.origin.platform === PLATFORM ? change.origin.ref : undefined;
        msg(OUTBOX.requester, requesterTarget(n), "requester", { ticket: n, text: texts.join("\n"), ...(thread ? { thread } : {}), ...(change.kind === "resolved" ? { resolution: true } : {}), ...(change.requesterActions?.length ? { actions: change.requesterActions } : {}) } satisfies RequesterPayload);
      }
    }

    // People and channels a capability wants told directly (an SLA breach's lead and escalation channel).
    for (const to of [...(change.alsoTell?.people ?? []).filter((p) => p.platform === PLATFORM).map((p) => p.userId), ...(change.alsoTell?.channels ?? []).filter((c) => c.platform === PLATFORM).map((c) => c.channel)]) {
      msg(OUTBOX.notice, `notice:${to}`, `notice:${to}`, { ticket: n, text: change.summary, to } satisfies NoticePayload);
    }

    // App Homes of the people concerned, when they have opened them.
    const viewers = this.o.homeViewers;
    if (viewers?.size) {
      const users = new Set([s.requester, s.assignee, change.actor].filter((p) => p && p.platform === PLATFORM && viewers.has(p.userId)).map((p) => p!.userId));
      for (const u of users) msg(OUTBOX.home, `home:${u}`, `home:${u}`, { user: u } satisfies HomePayload);
    }
    return out;
  }

  planIncident(change: IncidentChange): PlannedMessage[] {
    return planIncident(change);
  }
}

const quote = (s: string) => s.replace(/\n/g, "\n> ");

/** Incident status changes go to every Slack status channel; the message is drawn from the incident at send time. */
export function planIncident(change: IncidentChange): PlannedMessage[] {
  return change.channels
    .filter((c) => c.platform === PLATFORM)
    .map((c) => ({ platform: PLATFORM, kind: OUTBOX.incident, target: `incident:${c.channel}`, key: `incident:${c.channel}`, coalesce: `incident:${change.view.incident.id}:${c.channel}`, payload: { incident: change.view.incident.id, channel: c.channel } satisfies IncidentPayload }));
}

/** What the requester is told, by kind; kinds this adapter does not know say only a capability's requesterMessage. */
function requesterTexts(c: TicketChange): string[] {
  const s = c.snapshot;
  const t = s.ticket;
  const byRequester = c.actor.id === s.requester.id;
  const out: string[] = [];
  switch (c.kind) {
    case "created":
      out.push(`Thanks, I opened *#${t.number}*: ${t.title} (priority ${t.priority}). I'll post updates here; reply in this thread to add details.`);
      break;
    case "claimed":
    case "assigned":
      if (s.assignee) out.push(`#${t.number} is now with ${s.assignee.name} (${STATUS_LABEL[t.status]}).`);
      break;
    case "status":
    case "closed":
    case "reopened":
      if (!byRequester) out.push(`#${t.number} is now ${STATUS_LABEL[t.status]}.`);
      break;
    case "resolved":
      out.push(`#${t.number} is resolved: ${t.resolution ?? ""}\nIf it is not fixed, press Reopen.`);
      break;
    case "commented":
      if (!byRequester && c.comment && !c.comment.internal) out.push(`${c.actor.name} replied on #${t.number}:\n> ${quote(c.comment.body)}`);
      break;
  }
  if (c.requesterMessage) out.push(c.requesterMessage);
  return out;
}
