import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";
import { createdWithin, ftsQuery, type TicketWindow } from "../../store/tickets.js";
import type { ArticleRow } from "./tables.js";

export function insertArticle(
  db: Queryable,
  a: { title: string; body: string; tags: string[]; category: string | null; authorId: number; sourceTicketId: number | null; at: number },
): Promise<ArticleRow> {
  return db
    .insertInto("articles")
    .values({
      title: a.title,
      body: a.body,
      tags: JSON.stringify(a.tags),
      category: a.category,
      author_id: a.authorId,
      source_ticket_id: a.sourceTicketId,
      created_at: a.at,
      updated_at: a.at,
      reviewed_at: a.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function articleById(db: Queryable, id: number): Promise<ArticleRow | undefined> {
  return db.selectFrom("articles").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function markReviewed(db: Queryable, id: number, at: number): Promise<void> {
  await db.updateTable("articles").set({ reviewed_at: at }).where("id", "=", id).execute();
}

/** Best matches first (bm25 over title, body and tags, title weighted up). */
export async function searchArticles(db: Queryable, words: string, limit: number): Promise<ArticleRow[]> {
  const query = ftsQuery(words);
  if (!query) return [];
  return db
    .selectFrom("articles")
    .innerJoin(
      sql<{ rowid: number; rank: number }>`(SELECT rowid, bm25(articles_fts, 5.0, 1.0, 3.0) AS rank FROM articles_fts WHERE articles_fts MATCH ${query})`.as(
        "m",
      ),
      "m.rowid",
      "articles.id",
    )
    .selectAll("articles")
    .orderBy("m.rank")
    .limit(limit)
    .execute();
}

export function staleArticles(db: Queryable, before: number): Promise<ArticleRow[]> {
  return db.selectFrom("articles").selectAll().where("reviewed_at", "<", before).orderBy("reviewed_at").execute();
}

export async function recordOffers(db: Queryable, ticketId: number, articleIds: number[], at: number): Promise<void> {
  if (!articleIds.length) return;
  await db
    .insertInto("article_offers")
    .values(articleIds.map((id, rank) => ({ ticket_id: ticketId, article_id: id, rank, offered_at: at, outcome: null, decided_at: null })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export function offersOfTicket(db: Queryable, ticketId: number) {
  return db
    .selectFrom("article_offers")
    .innerJoin("articles", "articles.id", "article_offers.article_id")
    .select(["article_offers.article_id", "article_offers.rank", "article_offers.outcome", "articles.title"])
    .where("article_offers.ticket_id", "=", ticketId)
    .orderBy("article_offers.rank")
    .execute();
}

export async function decideOffer(db: Queryable, ticketId: number, articleId: number, outcome: "solved" | "not_solved", at: number): Promise<void> {
  await db.updateTable("article_offers").set({ outcome, decided_at: at }).where("ticket_id", "=", ticketId).where("article_id", "=", articleId).execute();
}

export async function usefulness(db: Queryable, articleId: number): Promise<{ offered: number; solved: number; notSolved: number }> {
  const r = await db
    .selectFrom("article_offers")
    .select((eb) => [
      eb.fn.countAll<number>().as("offered"),
      eb.fn.sum<number>(sql`CASE WHEN outcome = 'solved' THEN 1 ELSE 0 END`).as("solved"),
      eb.fn.sum<number>(sql`CASE WHEN outcome = 'not_solved' THEN 1 ELSE 0 END`).as("not_solved"),
    ])
    .where("article_id", "=", articleId)
    .executeTakeFirstOrThrow();
  return { offered: Number(r.offered), solved: Number(r.solved ?? 0), notSolved: Number(r.not_solved ?? 0) };
}

/** Of the tickets of a window: how many were offered an article, and how many of those an article solved. */
export async function offerOutcomes(db: Queryable, window: TicketWindow): Promise<{ offered: number; deflected: number }> {
  const r = await db
    .selectFrom("article_offers")
    .innerJoin("tickets", "tickets.id", "article_offers.ticket_id")
    .where(createdWithin(window))
    .select([
      sql<number>`count(DISTINCT article_offers.ticket_id)`.as("offered"),
      sql<number>`count(DISTINCT CASE WHEN article_offers.outcome = 'solved' THEN article_offers.ticket_id END)`.as("deflected"),
    ])
    .executeTakeFirstOrThrow();
  return { offered: Number(r.offered), deflected: Number(r.deflected) };
}
