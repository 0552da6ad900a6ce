import type { Kysely } from "kysely";
import type { AuditRow, Database, NewAuditRow } from "./database.js";

type Q = Kysely<Database>;

/** Append-only: the only writes to audit_events are inserts, in the transaction of the change. */
export async function appendAudit(db: Q, events: NewAuditRow[]): Promise<void> {
  if (events.length) await db.insertInto("audit_events").values(events).execute();
}

export interface AuditEntry extends AuditRow {
  actor_name: string | null;
  actor_platform: string | null;
}

export function auditOfTicket(db: Q, ticketId: number): Promise<AuditEntry[]> {
  return db
    .selectFrom("audit_events as a")
    .leftJoin("people as p", "p.id", "a.actor_id")
    .selectAll("a")
    .select(["p.display_name as actor_name", "p.platform as actor_platform"])
    .where("a.ticket_id", "=", ticketId)
    .orderBy("a.id")
    .execute();
}
