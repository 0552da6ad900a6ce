import { eventHash, lastHash } from "./audit-chain.js";
import type { AuditRow, NewAuditRow, Queryable } from "./database.js";

/**
 * Append-only (triggers refuse UPDATE and DELETE): events are inserted in the transaction of the change,
 * each chained to the previous one's hash. Transactions run one at a time, so the chain has no forks.
 */
export async function appendAudit(db: Queryable, events: NewAuditRow[]): Promise<void> {
  if (!events.length) return;
  let prev = await lastHash(db);
  const rows = events.map((e) => {
    const row = { ticket_id: null, actor_id: null, field: null, from_value: null, to_value: null, reason: null, ...e };
    const hash = eventHash(prev, row);
    const chained = { ...row, prev_hash: prev, hash };
    prev = hash;
    return chained;
  });
  await db.insertInto("audit_events").values(rows).execute();
}

export interface AuditEntry extends AuditRow {
  actor_name: string | null;
  actor_platform: string | null;
}

export function auditOfTicket(db: Queryable, ticketId: number): Promise<AuditEntry[]> {
  return db
    .selectFrom("audit_events as a")
    .leftJoin("people as p", "p.id", "a.actor_id")
    .selectAll("a")
    .select(["p.display_name as actor_name", "p.platform as actor_platform"])
    .where("a.ticket_id", "=", ticketId)
    .orderBy("a.id")
    .execute();
}
