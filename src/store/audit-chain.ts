// The audit trail's hash chain: each event's hash covers its content and the previous event's hash, so an
// edited, deleted or reordered row breaks every hash after it.
import { createHash } from "node:crypto";
import type { AuditRow, Queryable } from "./database.js";

/** What the hash covers: every column of an event but its id and the chain itself. */
export type Chainable = Omit<AuditRow, "id" | "prev_hash" | "hash">;

export function eventHash(prev: string, e: Chainable): string {
  return createHash("sha256")
    .update(JSON.stringify([prev, e.at, e.ticket_id, e.actor_id, e.platform, e.action, e.field, e.from_value, e.to_value, e.reason]))
    .digest("hex");
}

export async function lastHash(db: Queryable): Promise<string> {
  const r = await db.selectFrom("audit_events").select("hash").orderBy("id", "desc").limit(1).executeTakeFirst();
  return r?.hash ?? "";
}

export type VerifyResult = { ok: true; events: number } | { ok: false; events: number; brokenAt: number; ticketId: number | null; why: string };

/** Recomputes the chain from the first event; names the first event whose stored hash does not follow. */
export async function verifyChain(db: Queryable): Promise<VerifyResult> {
  let prev = "";
  let n = 0;
  let lastId = 0;
  // Read in pages so a large trail does not load at once.
  for (;;) {
    const rows = await db.selectFrom("audit_events").selectAll().where("id", ">", lastId).orderBy("id").limit(5000).execute();
    if (!rows.length) return { ok: true, events: n };
    for (const r of rows) {
      n++;
      lastId = r.id;
      if ((r.prev_hash ?? "") !== prev)
        return {
          ok: false,
          events: n,
          brokenAt: r.id,
          ticketId: r.ticket_id,
          why: "its link to the previous event does not match (an event before it was removed or changed)",
        };
      const expected = eventHash(prev, r);
      if (r.hash !== expected)
        return { ok: false, events: n, brokenAt: r.id, ticketId: r.ticket_id, why: "its content does not match its hash (the row was edited)" };
      prev = expected;
    }
  }
}
