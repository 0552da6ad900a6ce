import { sql, type SqlBool } from "kysely";
import type { OutboxRow, Queryable } from "./database.js";

export interface OutboxInput {
  key: string;
  platform: string;
  kind: string;
  target: string;
  ticketId?: number | null;
  payload: unknown;
  at: number;
  coalesce?: string;
}

/**
 * Queues messages; a key already queued is skipped, so replaying a change never doubles a message. A redraw
 * whose coalesce key is already waiting (never yet tried) is skipped too: that row will draw the latest state.
 */
export async function enqueue(db: Queryable, messages: OutboxInput[]): Promise<void> {
  const waitingAlready = await waiting(db, messages);
  const fresh: OutboxInput[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    if (m.coalesce) {
      const id = `${m.platform}\n${m.coalesce}`;
      if (seen.has(id) || waitingAlready.has(id)) continue;
      seen.add(id);
    }
    fresh.push(m);
  }
  if (!fresh.length) return;
  await db
    .insertInto("outbox")
    .values(
      fresh.map((m) => ({
        key: m.key,
        platform: m.platform,
        kind: m.kind,
        target: m.target,
        ticket_id: m.ticketId ?? null,
        payload: JSON.stringify(m.payload),
        next_attempt_at: m.at,
        created_at: m.at,
        last_error: null,
        sent_at: null,
        coalesce_key: m.coalesce ?? null,
      })),
    )
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
}

const UNFINISHED = ["pending", "retrying", "sending"];

/** Which of the messages' coalesce keys (as "platform\nkey") a pending, never-tried row already holds: one query a platform. */
async function waiting(db: Queryable, messages: OutboxInput[]): Promise<Set<string>> {
  const keysOf = new Map<string, string[]>();
  for (const m of messages) if (m.coalesce) (keysOf.get(m.platform) ?? keysOf.set(m.platform, []).get(m.platform)!).push(m.coalesce);
  const out = new Set<string>();
  for (const [platform, keys] of keysOf) {
    const rows = await db
      .selectFrom("outbox")
      .select("coalesce_key")
      .where("platform", "=", platform)
      .where("coalesce_key", "in", keys)
      .where("status", "=", "pending")
      .execute();
    for (const r of rows) out.add(`${platform}\n${r.coalesce_key}`);
  }
  return out;
}

/**
 * Due messages for one platform, oldest first, leaving out any target whose earlier message is still
 * waiting for its retry (so a target's messages never overtake each other). `sending` rows are ones a
 * crash interrupted: they are due again.
 */
export function due(db: Queryable, platform: string, now: number, limit: number): Promise<OutboxRow[]> {
  return dueQuery(db, platform, now, limit).execute();
}

/** Written out, not bound, the statuses let SQLite use the partial index outbox_unfinished: the oldest first, no sort. */
const UNFINISHED_SQL = sql<SqlBool>`outbox.status IN (${sql.raw(UNFINISHED.map((s) => `'${s}'`).join(", "))})`;

export function dueQuery(db: Queryable, platform: string, now: number, limit: number) {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("platform", "=", platform)
    .where(UNFINISHED_SQL)
    .where("next_attempt_at", "<=", now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("outbox as earlier")
            .select("earlier.id")
            .whereRef("earlier.platform", "=", "outbox.platform")
            .whereRef("earlier.target", "=", "outbox.target")
            .whereRef("earlier.id", "<", "outbox.id")
            .where("earlier.status", "in", UNFINISHED)
            .where("earlier.next_attempt_at", ">", now),
        ),
      ),
    )
    .orderBy("id")
    .limit(limit);
}

/** An attempt begins: `sending` until it ends; `called_at` is cleared until the attempt reaches the platform call. */
export async function markSending(db: Queryable, id: number, at?: number): Promise<void> {
  await db
    .updateTable("outbox")
    .set((eb) => ({
      status: "sending",
      attempts: eb("attempts", "+", 1),
      called_at: null,
      ...(at === undefined ? {} : { first_attempt_at: eb.fn.coalesce("first_attempt_at", eb.val(at)) }),
    }))
    .where("id", "=", id)
    .execute();
}

/** The attempt is about to make a call that cannot be taken back (a post): from now on it may have been sent. */
export async function markCalled(db: Queryable, id: number, at: number): Promise<void> {
  await db.updateTable("outbox").set({ called_at: at }).where("id", "=", id).execute();
}

/** `recovery`: what became of a row that was in flight at a stop (found already posted, or sent again). */
export async function markSent(db: Queryable, id: number, at: number, recovery?: "found" | "resent"): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ status: "sent", sent_at: at, last_error: null, ...(recovery ? { recovery } : {}) })
    .where("id", "=", id)
    .execute();
}

/** `lookFirst`: the failed call may have reached the platform, so the retry looks for the message before sending. */
export async function markRetry(db: Queryable, id: number, nextAt: number, error: string, lookFirst = false): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ status: "retrying", next_attempt_at: nextAt, last_error: error.slice(0, 500), ...(lookFirst ? { recovery: "lookup" } : {}) })
    .where("id", "=", id)
    .execute();
}

/**
 * At start-up, before any delivery: rows still `sending` whose call may have reached the platform were in
 * flight at the last stop. They are marked to be looked for before sending again (`lookup`) or, where the
 * platform cannot tell, to be sent again and counted (`may_repeat`). Returns how many.
 */
export async function flagInFlight(db: Queryable, platform: string, canLookUp: boolean): Promise<number> {
  const r = await db
    .updateTable("outbox")
    .set({ recovery: canLookUp ? "lookup" : "may_repeat" })
    .where("platform", "=", platform)
    .where("status", "=", "sending")
    .where((eb) => eb.or([eb("called_at", "is not", null), eb("recovery", "=", "lookup")]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * A platform's calls since `since`, with their kinds: what the platform may still be counting. A post is
 * marked when it is called; an edit (not marked: sending it twice is harmless) is known from when it was sent.
 */
export async function recentCalls(db: Queryable, platform: string, since: number): Promise<{ kind: string; at: number }[]> {
  const rows = await db
    .selectFrom("outbox")
    .select(["kind", "called_at", "sent_at"])
    .where("platform", "=", platform)
    .where((eb) => eb.or([eb("called_at", ">=", since), eb("sent_at", ">=", since)]))
    .execute();
  return rows.map((r) => ({ kind: r.kind, at: Math.max(r.called_at ?? 0, r.sent_at ?? 0) })).sort((a, b) => a.at - b.at);
}

/** Rows that were in flight at a stop, by platform and outcome (lookup, found, resent, may_repeat), over the outbox's life. */
export async function recoveryCounts(db: Queryable): Promise<{ platform: string; recovery: string; n: number }[]> {
  const rows = await db
    .selectFrom("outbox")
    .select(["platform", "recovery", db.fn.countAll<number>().as("n")])
    .where("recovery", "is not", null)
    .groupBy(["platform", "recovery"])
    .orderBy("platform")
    .execute();
  return rows.map((r) => ({ platform: r.platform, recovery: r.recovery ?? "", n: Number(r.n) }));
}

export async function markDead(db: Queryable, id: number, error: string): Promise<void> {
  await db
    .updateTable("outbox")
    .set({ status: "dead", last_error: error.slice(0, 500) })
    .where("id", "=", id)
    .execute();
}

export async function countsByStatus(db: Queryable): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("outbox")
    .select(["status", db.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
