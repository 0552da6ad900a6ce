// What the desk tells console people (assignments, replies on their tickets, SLA warnings and breaches, an
// approval waiting, incident updates), kept as outbox rows of the platform "console" in the change's own
// transaction, one per person. Nobody is on the other end of a terminal until that person acts again: the
// console prints a person's rows when they act (or become the one acting, `as @lee`) and marks them sent.
import { audience, type Desk, markSent, type Notice, noticesOn, type Notifier, type PlannedMessage, type TicketChange } from "../../src/core/index.js";
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
/** A sentence with the words a person wrote: on its line when short, indented under it when they run over lines. */
const said = (x: Notice) => (!x.quote ? x.text : x.quote.includes("\n") ? `${x.text}\n    ${x.quote.replace(/\n/g, "\n    ")}` : `${x.text} ${x.quote}`);

export class ConsoleNotifier implements Notifier {
  /** The approvals capability's extras name who decides a request. */
  readonly extras = ["approvals"];

  plan(change: TicketChange): PlannedMessage[] {
    const s = change.snapshot;
    const t = s.ticket;
    const n = t.number;
    const told = new Map<string, string[]>();
    const tell = (p: { platform: string; userId: string } | null | undefined, text: string | undefined) => {
      // The person acting reads the command's own answer; nobody else on a terminal is told twice.
      if (!p || !text || p.platform !== PLATFORM || (p.platform === change.actor.platform && p.userId === change.actor.userId)) return;
      const list = told.get(p.userId) ?? [];
      if (!list.includes(text)) list.push(text);
      told.set(p.userId, list);
    };

    // Who hears what comes from the phrase book; a terminal has no agents' channel, so agents hear it all directly.
    for (const notice of noticesOn(audience(change), PLATFORM)) {
      if (notice.to.role === "channel") continue;
      tell(notice.to.person, `${said(notice)}${notice.resolution ? `\nIf it is not fixed: reopen ${n} <why>.` : ""}`);
    }

    // The approvers of a request now waiting (Slack and Teams show them the approval card).
    if (change.kind === APPROVAL_REQUESTED) {
      const x = s.extras?.approvals as ApprovalExtras | undefined;
      for (const p of x?.recipients ?? []) tell(p, `#${n} waits for your approval: ${t.title}. Answer with approve ${n}, or reject ${n} <reason>.`);
    }

    return [...told].flatMap(([userId, texts]) =>
      texts.map((text, i) => ({
        platform: PLATFORM,
        kind: KIND,
        target: personTarget(userId),
        key: `${PLATFORM}:${userId}:${i}`,
        payload: { ticket: n, text } satisfies ConsoleNotice,
      })),
    );
  }
}

/** What is waiting for `userId`, oldest first, marked sent as it is handed over (the console prints it at once). */
export async function takeNotices(desk: Desk, userId: string): Promise<ConsoleNotice[]> {
  const waiting = await desk.db
    .selectFrom("outbox")
    .select("id")
    .where("platform", "=", PLATFORM)
    .where("target", "=", personTarget(userId))
    .where("status", "=", "pending")
    .limit(1)
    .executeTakeFirst();
  if (!waiting) return [];
  // In the desk's own turn, so marking them never lands inside another command's open transaction.
  return desk.system(PLATFORM, async ({ trx: db, now }) => {
    const rows = await db
      .selectFrom("outbox")
      .select(["id", "payload"])
      .where("platform", "=", PLATFORM)
      .where("target", "=", personTarget(userId))
      .where("status", "=", "pending")
      .orderBy("id")
      .execute();
    for (const r of rows) await markSent(db, r.id, now);
    return rows.map((r) => JSON.parse(r.payload) as ConsoleNotice);
  });
}
