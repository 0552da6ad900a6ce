// Who hears what of a ticket change, and in which words: the one phrase book of the desk. Every platform
// tells the same people the same sentences with the same facts; an adapter only picks where each notice goes
// on its platform (a thread, a 1:1 chat, a terminal) and renders it (escaping, markup, its own buttons).
//
// Who is told, as help desks do it:
// - the requester hears what changes for them: who has their ticket, its status, a resolution, an agent's
//   public reply; never an internal note, a priority or anything they did themselves;
// - the assignee hears a ticket given to them by someone else, and others' replies, notes and reopenings;
// - the previous assignee hears when someone takes their ticket over (`claim N force`) or gives it to another;
// - the agents' channel reads every change once (agentsLine), so notices agents read there anyway are marked
//   `inAgentsChannel` and platforms that keep such a channel may leave them out;
// - people and channels a capability names (alsoTell: an SLA breach's lead) hear the change's summary.
// The person acting reads their command's answer and is not told again, except the receipts marked `toActor`.
import type { TicketChange } from "./notify.js";
import type { Person } from "./people.js";
import { STATUS_LABEL } from "./ticket.js";
import type { ActionView } from "./views.js";

export type Recipient =
  | { role: "requester"; person: Person }
  | { role: "assignee"; person: Person }
  | { role: "previous_assignee"; person: Person }
  /** Someone a capability names, known by platform id only. */
  | { role: "named"; person: { platform: string; userId: string } }
  | { role: "channel"; platform: string; channel: string };

export interface Notice {
  to: Recipient;
  /** The sentence, as plain text: adapters escape it and mark it up. */
  text: string;
  /** Words a person wrote (a reply), shown under the sentence as a quote. */
  quote?: string;
  /** The requester's resolution: platforms offer Reopen (and a rating) with it. */
  resolution?: boolean;
  /** A capability's buttons under the sentence (clicks go through actionCommand). */
  actions?: ActionView[];
  /** Told to the person who acted: a receipt their command's answer may not carry on every platform. */
  toActor?: boolean;
  /** Agents following the ticket's thread in the agents' channel read this there too. */
  inAgentsChannel?: boolean;
}

/** The change as the agents' channel reads it, in the ticket's thread under its card. */
export interface AgentsLine {
  text: string;
  quote?: string;
}

const same = (a: { platform: string; userId: string } | null | undefined, b: { platform: string; userId: string }) =>
  Boolean(a) && a!.platform === b.platform && a!.userId === b.userId;

export function agentsLine(change: TicketChange): AgentsLine {
  const c = change.comment;
  // A reopening's summary already carries its reason.
  if (!c || change.kind === "reopened") return { text: change.summary };
  return { text: `${change.summary}${c.internal ? " (internal)" : ""}:`, quote: c.body };
}

/** Everyone to tell of `change`, each with their sentence, in the order they are told. */
export function audience(change: TicketChange): Notice[] {
  const s = change.snapshot;
  const t = s.ticket;
  const n = t.number;
  const actor = change.actor;
  const who = actor.name;
  const byRequester = same(s.requester, actor);
  const publicComment = change.comment && !change.comment.internal ? change.comment.body : undefined;
  const out: Notice[] = [];
  const toRequester = (notice: Omit<Notice, "to">) => out.push({ to: { role: "requester", person: s.requester }, ...notice });

  switch (change.kind) {
    case "created":
      if (byRequester) toRequester({ text: `Thanks, I opened #${n}: ${t.title} (priority ${t.priority}). I'll post updates here.`, toActor: true });
      else toRequester({ text: `${who} opened #${n} for you: ${t.title} (priority ${t.priority}). I'll post updates here.` });
      break;
    case "claimed":
    case "assigned":
      // Who claims it is the one acting: their name as this platform knows it.
      if (s.assignee && !byRequester)
        toRequester({ text: `#${n} is now with ${change.kind === "claimed" ? who : s.assignee.name} (${STATUS_LABEL[t.status]}).` });
      break;
    case "status":
    case "closed":
      if (!byRequester) toRequester({ text: `#${n} is now ${STATUS_LABEL[t.status]}.` });
      break;
    case "reopened":
      if (!byRequester) toRequester({ text: `${who} reopened #${n} (${STATUS_LABEL[t.status]}).` });
      break;
    case "resolved":
      if (!byRequester) toRequester({ text: `#${n} is resolved: ${t.resolution ?? ""}`.trim(), resolution: true });
      break;
    case "commented":
      if (!byRequester && publicComment) toRequester({ text: `${who} replied on #${n}:`, quote: publicComment });
      break;
  }
  // A capability's own sentence for the requester (an article offered, an approval's outcome), whoever acted.
  if (change.requesterMessage)
    toRequester({
      text: change.requesterMessage,
      ...(change.requesterActions?.length ? { actions: change.requesterActions } : {}),
      ...(byRequester ? { toActor: true } : {}),
    });

  const assignee = s.assignee;
  // An agent's own ticket: they hear it as its requester.
  if (assignee && !same(assignee, actor) && !same(assignee, s.requester)) {
    const toAssignee = (notice: Omit<Notice, "to">) => out.push({ to: { role: "assignee", person: assignee }, ...notice });
    if (change.kind === "claimed" || change.kind === "assigned") toAssignee({ text: `${who} assigned #${n} to you: ${t.title} (${t.priority}).` });
    // What others say on their ticket, and its reopening (agents read these in the agents' channel).
    if (change.kind === "commented" && publicComment) toAssignee({ text: `${who} replied on #${n}:`, quote: publicComment, inAgentsChannel: true });
    if (change.kind === "noted" && change.comment)
      toAssignee({ text: `${who} added an internal note to #${n}:`, quote: change.comment.body, inAgentsChannel: true });
    if (change.kind === "reopened") toAssignee({ text: `${who} reopened #${n}: ${t.title}.`, inAgentsChannel: true });
  }

  const previous = change.previousAssignee;
  if (previous && !same(previous, actor) && !same(assignee, previous)) {
    const text =
      change.kind === "claimed"
        ? `${who} took over #${n}: ${t.title}. It is no longer yours.`
        : `${who} gave #${n} to ${assignee?.name ?? "nobody"}: ${t.title}. It is no longer yours.`;
    out.push({ to: { role: "previous_assignee", person: previous }, text });
  }

  for (const p of change.alsoTell?.people ?? []) if (!same(p, actor)) out.push({ to: { role: "named", person: p }, text: change.summary });
  for (const c of change.alsoTell?.channels ?? []) out.push({ to: { role: "channel", platform: c.platform, channel: c.channel }, text: change.summary });
  return out;
}

/** The notices for people of `platform` (channels included), e.g. to plan one platform's messages. */
export function noticesOn(notices: Notice[], platform: string): Notice[] {
  return notices.filter((x) => (x.to.role === "channel" ? x.to.platform : x.to.person.platform) === platform);
}
