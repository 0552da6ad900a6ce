import { eventHash, lastHash } from "./audit-chain.js";
import type { AuditRow, NewAuditRow, Queryable } from "./database.js";

/**
 * The chain's last hash as each open transaction left it, so a command that records four events reads it once.
 * Only a transaction's own writes can move it while the transaction is open (SQLite has one writer); a rollback
 * to a savepoint can, so group commit forgets it then (forgetChainHead).
 */
const chainHeads = new WeakMap<object, string>();

export function forgetChainHead(trx: object): void {
  chainHeads.delete(trx);
}

/**
 * Append-only (triggers refuse UPDATE and DELETE): events are inserted in the transaction of the change,
 * each chained to the previous one's hash. Transactions run one at a time, so the chain has no forks.
 */
export async function appendAudit(db: Queryable, events: NewAuditRow[]): Promise<void> {
  if (!events.length) return;
  const cached = db.isTransaction ? chainHeads.get(db) : undefined;
  let prev = cached ?? (await lastHash(db));
  const rows = events.map((e) => {
    const row = { ticket_id: null, actor_id: null, field: null, from_value: null, to_value: null, reason: null, ...e };
    const hash = eventHash(prev, row);
    const chained = { ...row, prev_hash: prev, hash };
    prev = hash;
    return chained;
  });
  await db.insertInto("audit_events").values(rows).execute();
  if (db.isTransaction) chainHeads.set(db, prev);
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
