// What the desk tells console people (assignments, replies on their tickets, SLA warnings and breaches, an
// approval waiting, incident updates), kept as outbox rows of the platform "console" in the change's own
// transaction, one per person. Nobody is on the other end of a terminal until that person acts again: the
// console prints a person's rows when they act (or become the one acting, `as @lee`) and marks them sent.
import { type Desk, markSent, type Notifier, type PlannedMessage, STATUS_LABEL, type TicketChange } from "../../src/core/index.js";
import type { ApprovalExtras } from "../../src/capabilities/approvals/model.js";

export const PLATFORM = "console";
const KIND = "notice";
/** The approval a ticket now waits on: its approvers hear of it. */
const APPROVAL_REQUESTED = "approval_requested";

export interface ConsoleNotice {
  ticket: number;
  text: string;
}

const personTarget = (userId: string) => `person:${userId}`;

export class ConsoleNotifier implements Notifier {
  /** The approvals capability's extras name who decides a request. */
  readonly extras = ["approvals"];

  plan(change: TicketChange): PlannedMessage[] {
    const s = change.snapshot;
    const t = s.ticket;
    const n = t.number;
    const byRequester = change.actor.id === s.requester.id;
    const told = new Map<string, string[]>();
    const tell = (p: { platform: string; userId: string } | null | undefined, text: string | undefined) => {
      // The person acting reads the command's own answer; nobody else on a terminal is told twice.
      if (!p || !text || p.platform !== PLATFORM || (p.platform === change.actor.platform && p.userId === change.actor.userId)) return;
      const list = told.get(p.userId) ?? [];
      if (!list.includes(text)) list.push(text);
      told.set(p.userId, list);
    };
    const quoted = change.comment ? `: ${change.comment.body}` : "";

    // The requester hears what a requester hears on any platform.
    switch (change.kind) {
      case "claimed":
      case "assigned":
        if (s.assignee) tell(s.requester, `#${n} is now with ${s.assignee.name} (${STATUS_LABEL[t.status]}).`);
        break;
      case "status":
      case "closed":
      case "reopened":
        if (!byRequester) tell(s.requester, `#${n} is now ${STATUS_LABEL[t.status]}.`);
        break;
      case "resolved":
        tell(s.requester, `#${n} is resolved: ${t.resolution ?? ""}\nIf it is not fixed: reopen ${n} <why>.`);
        break;
      case "commented":
        if (!byRequester && change.comment && !change.comment.internal) tell(s.requester, `${change.actor.name} replied on #${n}${quoted}`);
        break;
    }
    if (change.requesterMessage) tell(s.requester, change.requesterMessage);

    // The agent holding the ticket hears it given to them, and the requester's replies and reopenings.
    if (s.assignee) {
      if (change.kind === "claimed" || change.kind === "assigned") tell(s.assignee, `${change.actor.name} gave you #${n}: ${t.title} (${t.priority}).`);
      if (byRequester && change.kind === "commented") tell(s.assignee, `${change.actor.name} replied on #${n}${quoted}`);
      if (byRequester && change.kind === "reopened") tell(s.assignee, `${change.actor.name} reopened #${n}: ${t.title}.`);
    }

    // Those a capability names (an SLA warning's assignee, a breach's lead, approvers reminded or escalated to).
    for (const p of change.alsoTell?.people ?? []) tell(p, change.summary);
    if (change.kind === APPROVAL_REQUESTED) {
      const x = s.extras?.approvals as ApprovalExtras | undefined;
      for (const p of x?.recipients ?? []) tell(p, `#${n} waits for your approval: ${t.title}. Answer with approve ${n}, or reject ${n} <reason>.`);
    }

    return [...told].flatMap(([userId, texts]) => texts.map((text, i) => ({ platform: PLATFORM, kind: KIND, target: personTarget(userId), key: `${PLATFORM}:${userId}:${i}`, payload: { ticket: n, text } satisfies ConsoleNotice })));
  }
}

/** What is waiting for `userId`, oldest first, marked sent as it is handed over (the console prints it at once). */
export async function takeNotices(desk: Desk, userId: string): Promise<ConsoleNotice[]> {
  const waiting = await desk.db.selectFrom("outbox").select("id").where("platform", "=", PLATFORM).where("target", "=", personTarget(userId)).where("status", "=", "pending").limit(1).executeTakeFirst();
  if (!waiting) return [];
  // In the desk's own turn, so marking them never lands inside another command's open transaction.
  return desk.system(PLATFORM, async ({ trx: db, now }) => {
    const rows = await db.selectFrom("outbox").select(["id", "payload"]).where("platform", "=", PLATFORM).where("target", "=", personTarget(userId)).where("status", "=", "pending").orderBy("id").execute();
    for (const r of rows) await markSent(db, r.id, now);
    return rows.map((r) => JSON.parse(r.payload) as ConsoleNotice);
  });
}
