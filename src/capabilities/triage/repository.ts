// Triage's queries on its tables (tables.ts), and its duplicate search over triage_open_fts.
import { sql } from "kysely";
import type { Queryable } from "../../store/database.js";
import { createdWithin, type TicketWindow } from "../../store/tickets.js";
import { contextDiscount, cosine, idf, indexPhrases, indexTerm, queryWords, recency, termVector } from "./duplicates.js";
import type { DuplicateRow, TriageTicketRow } from "./tables.js";

// The rows these queries take and give, for callers that use the module as a namespace (store.DuplicateRow).
export type { DuplicateRow, TriageTicketRow };

export async function triageOf(db: Queryable, ticketId: number): Promise<TriageTicketRow | undefined> {
  return db.selectFrom("triage_tickets").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveTriage(db: Queryable, row: TriageTicketRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await db
    .insertInto("triage_tickets")
    .values(row)
    .onConflict((c) => c.column("ticket_id").doUpdateSet(rest))
    .execute();
}

export async function setOutcome(db: Queryable, ticketId: number, outcome: "accepted" | "corrected", correctedTo: string | null): Promise<void> {
  await db.updateTable("triage_tickets").set({ outcome, corrected_to: correctedTo }).where("ticket_id", "=", ticketId).execute();
}

export interface Stats {
  suggested: number;
  accepted: number;
  corrected: number;
  pending: number;
  bySource: { source: string; accepted: number; corrected: number }[];
}

export async function stats(db: Queryable): Promise<Stats> {
  const rows = await db
    .selectFrom("triage_tickets")
    .select(["source", "outcome", (e) => e.fn.countAll<number>().as("n")])
    .where("category", "is not", null)
    .groupBy(["source", "outcome"])
    .execute();
  const count = (o: string | null, s?: string) =>
    rows.filter((r) => r.outcome === o && (s === undefined || r.source === s)).reduce((n, r) => n + Number(r.n), 0);
  const sources = [...new Set(rows.map((r) => r.source ?? "?"))];
  return {
    suggested: rows.reduce((n, r) => n + Number(r.n), 0),
    accepted: count("accepted"),
    corrected: count("corrected"),
    pending: count(null),
    bySource: sources.map((s) => ({ source: s, accepted: count("accepted", s), corrected: count("corrected", s) })),
  };
}

// --- duplicates

export async function duplicateOf(db: Queryable, ticketId: number): Promise<DuplicateRow | undefined> {
  return db.selectFrom("triage_duplicates").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveDuplicate(db: Queryable, row: DuplicateRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await db
    .insertInto("triage_duplicates")
    .values(row)
    .onConflict((c) => c.column("ticket_id").doUpdateSet(rest))
    .execute();
}

export async function duplicatesOf(db: Queryable, originalId: number, states: DuplicateRow["state"][], since = 0): Promise<DuplicateRow[]> {
  return db
    .selectFrom("triage_duplicates")
    .selectAll()
    .where("original_id", "=", originalId)
    .where("state", "in", states)
    .where("created_at", ">=", since)
    .orderBy("ticket_id")
    .execute();
}

export interface Candidate {
  id: number;
  title: string;
  service: string | null;
  sourceKind: string;
  createdAt: number;
  /** How alike the two reports are (duplicates.ts similarity): 1 is the same words, title to title. */
  similarity: number;
  /** similarity weighed by recency: what the candidates are ranked by. */
  rank: number;
  /** Its place in the full-text (bm25) order, 0 first: the benchmark compares the two orders. */
  textRank: number;
}

/** How many distinct words of the new ticket make the full-text query: its title's, then its description's. */
const QUERY_WORDS = 32;
/** How many of the best full-text matches (bm25 over every open ticket, title weighing 3x) are compared word by word. */
const COMPARED = 40;
/**
 * How many index entries (open tickets holding a query word, summed over the words) one search reads at most.
 * bm25 scores every open ticket that holds any query word, so without a bound a search's cost grows with the
 * open queue: at 3,000 open tickets sharing "printer" and "jams" it took 4 ms of a create's 6. Words are taken
 * rarest first while they fit; a common word adds little to bm25 anyway (its idf is near nothing), and
 * the newest open tickets holding the words it left out are compared as well (NEWEST), so a burst of the
 * same outage still meets its first ticket. A queue whose words all fit is searched exactly as before.
 */
const POSTINGS_BUDGET = 300;
/** When words were left out of the bm25 query: how many of the newest open tickets holding any word are compared too. */
const NEWEST = 40;
/** ...among this many of the latest tickets: the index then reads only the end of each common word's list. */
const NEWEST_WINDOW = 500;

type CandidateRow = { id: number; title: string; description: string; service: string | null; source_kind: string; created_at: number };

/**
 * The open tickets most like a new one, best first. Every open ticket that shares a word is a candidate and
 * is scored by SQLite's bm25 (title words weigh three times body words) from triage_open_fts, which holds only
 * open tickets; the best COMPARED are then compared word by word with weights from how common each word is
 * among open tickets (duplicates.ts) and ranked by that similarity and their age. Over a long open queue the
 * bm25 query keeps to the rarer words (POSTINGS_BUDGET), so a search costs about the same however many open
 * tickets share the common ones.
 */
export async function similarOpenTickets(
  db: Queryable,
  ticketId: number,
  title: string,
  description: string,
  now: number,
  counts: WordCounts = new Map(),
  limit = 10,
): Promise<Candidate[]> {
  const ws = queryWords(title, description, QUERY_WORDS);
  if (!ws.length) return [];
  const phrases = indexPhrases(`${title}\n${description}`);
  const { weigh, df } = await openWordWeights(db, ws, phrases, counts);
  const held = ws.filter((w) => df.get(w)! > 0);
  if (!held.length) return [];
  const byRarity = [...held].sort((a, b) => df.get(a)! - df.get(b)!);
  const scored: string[] = [];
  let postings = 0;
  for (const w of byRarity) {
    if (postings + df.get(w)! > POSTINGS_BUDGET) break;
    scored.push(w);
    postings += df.get(w)!;
  }
  const matchOf = (list: string[]) => list.map((w) => indexTerm(w, phrases)).join(" OR ");
  const rows: CandidateRow[] = [];
  const seen = new Set<number>();
  const take = (found: CandidateRow[]) => {
    for (const r of found) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      rows.push(r);
    }
  };
  if (scored.length)
    take(
      (
        await sql<CandidateRow>`
    SELECT t.id, t.title, t.description, t.service, t.source_kind, t.created_at
    FROM (SELECT rowid, bm25(triage_open_fts, 3.0, 1.0) AS rank FROM triage_open_fts
          WHERE triage_open_fts MATCH ${matchOf(scored)} AND rowid != ${ticketId} ORDER BY rank LIMIT ${COMPARED}) m
    JOIN tickets t ON t.id = m.rowid
    WHERE t.status NOT IN ('resolved', 'closed') ORDER BY m.rank`.execute(db)
      ).rows,
    );
  if (scored.length < held.length)
    // Read newest first, so SQLite stops after NEWEST rows however long the common words' lists are.
    take(
      (
        await sql<CandidateRow>`
    SELECT t.id, t.title, t.description, t.service, t.source_kind, t.created_at
    FROM (SELECT rowid FROM triage_open_fts WHERE triage_open_fts MATCH ${matchOf(held.filter((w) => !scored.includes(w)))}
          AND rowid != ${ticketId} AND rowid >= ${ticketId - NEWEST_WINDOW} ORDER BY rowid DESC LIMIT ${NEWEST}) m
    JOIN tickets t ON t.id = m.rowid
    WHERE t.status NOT IN ('resolved', 'closed')`.execute(db)
      ).rows,
    );
  if (!rows.length) return [];
  const query = termVector({ title, description }, weigh);
  return rows
    .map((r, textRank) => {
      const s = cosine(query, termVector(r, weigh));
      return {
        id: r.id,
        title: r.title,
        service: r.service,
        sourceKind: r.source_kind,
        createdAt: r.created_at,
        similarity: s,
        rank: s * recency(now - r.created_at),
        textRank,
      };
    })
    .sort((a, b) => b.rank - a.rank || b.id - a.id)
    .slice(0, limit);
}

/**
 * How many open tickets hold each word, remembered for a while (each desk's triage keeps its own counts): a word's count moves slowly next to the open
 * queue's size, and a desk's words repeat (a burst repeats them all), so most searches count few words afresh.
 * A count is taken again after DF_REFRESH further searches that use it, or when the queue's size has moved by
 * a tenth. Only the weighting uses it, never which tickets match.
 */
export type WordCounts = Map<string, { n: number; total: number; uses: number }>;
const DF_REFRESH = 200;
const DF_CACHE_MAX = 50_000;

async function openCount(db: Queryable, term: string, total: number, dfCache: WordCounts): Promise<number> {
  const hit = dfCache.get(term);
  if (hit && hit.uses < DF_REFRESH && Math.abs(hit.total - total) <= total / 10) {
    hit.uses++;
    return Math.min(hit.n, total);
  }
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM triage_open_fts WHERE triage_open_fts MATCH ${term}`.execute(db);
  const n = Number(r.rows[0]?.n ?? 0);
  if (dfCache.size >= DF_CACHE_MAX) dfCache.clear();
  dfCache.set(term, { n, total, uses: 0 });
  return n;
}

/**
 * Each word's weight from how many open tickets hold it (inverse document frequency, counted by the full-text
 * index), times duplicates.ts's discount for words that say where or when rather than what. Only the new
 * ticket's words are counted (a query each); a candidate's other words cannot match and weigh as a typical one.
 */
async function openWordWeights(
  db: Queryable,
  ws: string[],
  phrases: Map<string, string>,
  counts: WordCounts,
): Promise<{ weigh: (word: string) => number; df: Map<string, number> }> {
  // The index's docsize table has a row per open ticket: counting it reads a few pages, where counting the
  // index itself reads every entry.
  const total = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM triage_open_fts_docsize`.execute(db)).rows[0]?.n ?? 0);
  const df = new Map<string, number>();
  for (const w of ws) df.set(w, await openCount(db, indexTerm(w, phrases), total, counts));
  // A word only a candidate has weighs as a typical word of the query: rarer would make long tickets look unlike everything.
  const known = [...df.values()].map((n) => idf(total, n));
  const typical = known.length ? known.reduce((a, b) => a + b, 0) / known.length : idf(total, 1);
  return { weigh: (w) => (df.has(w) ? idf(total, df.get(w)!) : typical) * contextDiscount(w), df };
}

export async function countDuplicates(db: Queryable, originalId: number, since = 0): Promise<number> {
  const r = await db
    .selectFrom("triage_duplicates")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("original_id", "=", originalId)
    .where("state", "in", ["suggested", "linked"])
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many tickets of the window an agent linked as a duplicate (what reports show as the duplicate rate). */
export async function linkedDuplicateCount(db: Queryable, window: TicketWindow): Promise<number> {
  const r = await db
    .selectFrom("triage_duplicates")
    .innerJoin("tickets", "tickets.id", "triage_duplicates.ticket_id")
    .where("triage_duplicates.state", "=", "linked")
    .where(createdWithin(window))
    .select((e) => e.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// --- incident offers

export async function offerFor(db: Queryable, originalId: number): Promise<{ count: number; state: string; created_at: number } | undefined> {
  return db.selectFrom("triage_offers").select(["count", "state", "created_at"]).where("original_id", "=", originalId).executeTakeFirst();
}

export async function saveOffer(db: Queryable, originalId: number, count: number, state: string, at: number): Promise<void> {
  await db
    .insertInto("triage_offers")
    .values({ original_id: originalId, count, state, created_at: at })
    .onConflict((c) => c.column("original_id").doUpdateSet({ count, state }))
    .execute();
}

// --- shifts and rotation

export async function offShift(db: Queryable): Promise<Set<string>> {
  const rows = await db.selectFrom("triage_shifts").select("person").where("on_shift", "=", 0).execute();
  return new Set(rows.map((r) => r.person));
}

export async function setShift(db: Queryable, person: string, on: boolean, at: number): Promise<void> {
  await db
    .insertInto("triage_shifts")
    .values({ person, on_shift: on ? 1 : 0, at })
    .onConflict((c) => c.column("person").doUpdateSet({ on_shift: on ? 1 : 0, at }))
    .execute();
}

export async function lastInRotation(db: Queryable, team: string): Promise<string | undefined> {
  return (await db.selectFrom("triage_rotation").select("last_person").where("team", "=", team).executeTakeFirst())?.last_person;
}

export async function setRotation(db: Queryable, team: string, person: string): Promise<void> {
  await db
    .insertInto("triage_rotation")
    .values({ team, last_person: person })
    .onConflict((c) => c.column("team").doUpdateSet({ last_person: person }))
    .execute();
}

/** Open tickets assigned to each person id. */
export async function openLoad(db: Queryable, personIds: number[]): Promise<Map<number, number>> {
  const out = new Map(personIds.map((id) => [id, 0]));
  if (!personIds.length) return out;
  const rows = await db
    .selectFrom("tickets")
    .select(["assignee_id", (e) => e.fn.countAll<number>().as("n")])
    .where("assignee_id", "in", personIds)
    .where("status", "not in", ["resolved", "closed"])
    .groupBy("assignee_id")
    .execute();
  for (const r of rows) if (r.assignee_id !== null) out.set(r.assignee_id, Number(r.n));
  return out;
}

/**
 * How many of the newest categorised tickets the model trains on at start-up: training is seconds per few
 * thousand tickets (L-BFGS over every ticket, twice: once to calibrate), and an older ticket says less about
 * today's desk than a newer one.
 */
export const TRAINING_LIMIT = 5_000;

/**
 * The classifier's start-up training set, oldest first: resolved or closed tickets with a category, and open
 * tickets an agent categorised (their latest lesson), the newest `limit` of them.
 */
export async function trainingSet(db: Queryable, limit = TRAINING_LIMIT): Promise<{ title: string; description: string; category: string }[]> {
  const done = await db
    .selectFrom("tickets")
    .select(["id", "title", "description", "category"])
    .where("category", "is not", null)
    .where("status", "in", ["resolved", "closed"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  const taught = await sql<{ id: number; title: string; description: string; category: string }>`
    SELECT t.id, t.title, t.description, l.label AS category FROM triage_lessons l JOIN tickets t ON t.id = l.ticket_id
    WHERE t.status NOT IN ('resolved', 'closed') AND l.id = (SELECT max(id) FROM triage_lessons WHERE ticket_id = l.ticket_id)
    ORDER BY t.id DESC LIMIT ${limit}`.execute(db);
  const rows = [...done, ...taught.rows].sort((a, b) => b.id - a.id).slice(0, limit);
  return rows.reverse().map((r) => ({ title: r.title, description: r.description, category: r.category! }));
}

// --- lessons: the agent corrections the model learned from

export async function saveLesson(db: Queryable, row: { ticket_id: number; label: string; nonce: string; created_at: number }): Promise<void> {
  await db.insertInto("triage_lessons").values(row).execute();
}

/** Which of these lessons are in the database (the others' commands rolled back). */
export async function lessonsPresent(db: Queryable, nonces: string[]): Promise<Set<string>> {
  if (!nonces.length) return new Set();
  const rows = await db.selectFrom("triage_lessons").select("nonce").where("nonce", "in", nonces).execute();
  return new Set(rows.map((r) => r.nonce));
}

/** For each rule category: how often agents kept what a rule decided against the model, and how often they changed it. */
export async function ruleRecord(db: Queryable): Promise<Map<string, { rule: number; model: number }>> {
  const rows = await sql<{ category: string; kept: number; model: number }>`
    SELECT category, sum(outcome = 'accepted' AND model_category IS NOT NULL AND model_category != category) AS kept, sum(outcome = 'corrected') AS model
    FROM triage_tickets WHERE source = 'rule' AND outcome IS NOT NULL
    GROUP BY category`.execute(db);
  return new Map(rows.rows.map((r) => [r.category, { rule: Number(r.kept), model: Number(r.model) }]));
}
