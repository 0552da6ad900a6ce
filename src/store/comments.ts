import type { CommentRow, Queryable } from "./database.js";

export function insertComment(db: Queryable, c: { ticketId: number; authorId: number; body: string; internal: boolean; at: number }): Promise<CommentRow> {
  return db
    .insertInto("comments")
    .values({ ticket_id: c.ticketId, author_id: c.authorId, body: c.body, internal: c.internal ? 1 : 0, created_at: c.at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function commentsOf(db: Queryable, ticketId: number): Promise<CommentRow[]> {
  return db.selectFrom("comments").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();
}
