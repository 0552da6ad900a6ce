// The audit trail becomes append-only (triggers refuse UPDATE and DELETE) and tamper-evident (each event
// stores a hash chained to the previous event's). Rows written before this migration are chained here.
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events ADD COLUMN prev_hash TEXT`.execute(db);
  await sql`ALTER TABLE audit_events ADD COLUMN hash TEXT`.execute(db);
  // Frozen copy of the hash at the time of this migration (src/store/audit-chain.ts must keep agreeing).
  const rows = await db.selectFrom("audit_events").selectAll().orderBy("id").execute();
  let prev = "";
  for (const r of rows) {
    const hash = createHash("sha256")
      .update(JSON.stringify([prev, r.at, r.ticket_id, r.actor_id, r.platform, r.action, r.field, r.from_value, r.to_value, r.reason]))
      .digest("hex");
    await db.updateTable("audit_events").set({ prev_hash: prev, hash }).where("id", "=", r.id).execute();
    prev = hash;
  }
  await sql`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
  await sql`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS audit_events_no_update`.execute(db);
  await sql`DROP TRIGGER IF EXISTS audit_events_no_delete`.execute(db);
}
