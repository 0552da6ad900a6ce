import type { Queryable, TicketLinkRow } from "./database.js";

/** Where a ticket lives on a platform (its card, the requester's thread). The adapter owns `ref`'s format. */
export async function setLink(db: Queryable, l: { ticketId: number; platform: string; role: string; ref: string; at: number }): Promise<void> {
  await db
    .insertInto("ticket_links")
    .values({ ticket_id: l.ticketId, platform: l.platform, role: l.role, ref: l.ref, created_at: l.at })
    .onConflict((oc) => oc.columns(["ticket_id", "platform", "role"]).doUpdateSet({ ref: l.ref }))
    .execute();
}

export function linksOf(db: Queryable, ticketId: number): Promise<TicketLinkRow[]> {
  return db.selectFrom("ticket_links").selectAll().where("ticket_id", "=", ticketId).execute();
}

export function linkByRef(db: Queryable, platform: string, role: string, ref: string): Promise<TicketLinkRow | undefined> {
  return db.selectFrom("ticket_links").selectAll().where("platform", "=", platform).where("role", "=", role).where("ref", "=", ref).executeTakeFirst();
}
