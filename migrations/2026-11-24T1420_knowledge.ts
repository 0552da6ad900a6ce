// Knowledge base: articles with a full-text index, and every time one was offered to a requester.
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE articles (
      id                INTEGER PRIMARY KEY,
      title             TEXT NOT NULL,
      body              TEXT NOT NULL,
      tags              TEXT NOT NULL DEFAULT '[]',
      category          TEXT,
      author_id         INTEGER NOT NULL REFERENCES people(id),
      source_ticket_id  INTEGER REFERENCES tickets(id),
      created_at        INTEGER NOT NULL,
      updated_at        INTEGER NOT NULL,
      reviewed_at       INTEGER NOT NULL
    )`.execute(db);
  await sql`CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tags, content='articles', content_rowid='id', tokenize='porter unicode61')`.execute(db);
  await sql`CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
    END`.execute(db);
  await sql`CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
      INSERT INTO articles_fts(articles_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags);
    END`.execute(db);
  await sql`CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body, tags ON articles BEGIN
      INSERT INTO articles_fts(articles_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags);
      INSERT INTO articles_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags);
    END`.execute(db);
  await sql`
    CREATE TABLE article_offers (
      ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
      article_id   INTEGER NOT NULL REFERENCES articles(id),
      rank         INTEGER NOT NULL,
      offered_at   INTEGER NOT NULL,
      outcome      TEXT,
      decided_at   INTEGER,
      PRIMARY KEY (ticket_id, article_id)
    )`.execute(db);
  await sql`CREATE INDEX article_offers_article ON article_offers(article_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["article_offers", "articles_fts", "articles"]) await sql`DROP TABLE IF EXISTS ${sql.raw(t)}`.execute(db);
}
