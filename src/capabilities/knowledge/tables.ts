// The knowledge capability's tables (migrations/2026-11-24T1420_knowledge.ts), composed into the store's
// Database. articles_fts, the full-text index, is read with raw SQL (MATCH and bm25 have no builder form).
import type { Generated, Selectable } from "kysely";

export interface ArticlesTable {
  id: Generated<number>;
  title: string;
  body: string;
  tags: string;
  category: string | null;
  author_id: number;
  source_ticket_id: number | null;
  created_at: number;
  updated_at: number;
  reviewed_at: number;
}

export interface ArticleOffersTable {
  ticket_id: number;
  article_id: number;
  rank: number;
  offered_at: number;
  outcome: string | null;
  decided_at: number | null;
}

export interface KnowledgeTables {
  articles: ArticlesTable;
  article_offers: ArticleOffersTable;
}

export type ArticleRow = Selectable<ArticlesTable>;

// Added to the store's one Database type from here, so a new capability's tables touch no store file.
declare module "../../store/database.js" {
  interface Database extends KnowledgeTables {}
}
