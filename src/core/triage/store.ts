// Triage's tables (migrations/2026-11-24T1320_triage.ts) and its duplicate search over tickets_fts.
import { type Kysely, sql } from "kysely";
import type { Db } from "../../store/connection.js";
import type { Trx } from "../desk.js";
import { words } from "./features.js";

export interface TriageTicketRow {
  ticket_id: number;
  category: string | null;
  confidence: number | null;
  source: string | null;
  reason: string | null;
  applied: number;
  outcome: string | null;
  corrected_to: string | null;
  priority_reason: string | null;
  owner_reason: string | null;
  created_at: number;
}

export interface DuplicateRow {
  ticket_id: number;
  original_id: number;
  score: number;
  state: "suggested" | "linked" | "rejected";
  created_at: number;
  decided_at: number | null;
}

interface TriageDb {
  triage_tickets: TriageTicketRow;
  triage_duplicates: DuplicateRow;
  triage_offers: { original_id: number; count: number; state: string; created_at: number };
  triage_shifts: { person: string; on_shift: number; at: number };
  triage_rotation: { team: string; last_person: string };
  tickets: { id: number; title: string; description: string; service: string | null; source_kind: string; status: string; created_at: number; category: string | null; assignee_id: number | null };
}

export type Q = Db | Trx;
const q = (db: Q) => db as unknown as Kysely<TriageDb>;

export async function triageOf(db: Q, ticketId: number): Promise<TriageTicketRow | undefined> {
  return q(db).selectFrom("triage_tickets").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveTriage(db: Q, row: TriageTicketRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await q(db).insertInto("triage_tickets").values(row).onConflict((c) => c.column("ticket_id").doUpdateSet(rest)).execute();
}

export async function setOutcome(db: Q, ticketId: number, outcome: "accepted" | "corrected", correctedTo: string | null): Promise<void> {
  await q(db).updateTable("triage_tickets").set({ outcome, corrected_to: correctedTo }).where("ticket_id", "=", ticketId).execute();
}

export interface Stats {
  suggested: number;
  accepted: number;
  corrected: number;
  pending: number;
  bySource: { source: string; accepted: number; corrected: number }[];
}

export async function stats(db: Q): Promise<Stats> {
  const rows = await q(db)
    .selectFrom("triage_tickets")
    .select(["source", "outcome", (e) => e.fn.countAll<number>().as("n")])
    .where("category", "is not", null)
    .groupBy(["source", "outcome"])
    .execute();
  const count = (o: string | null, s?: string) => rows.filter((r) => r.outcome === o && (s === undefined || r.source === s)).reduce((n, r) => n + Number(r.n), 0);
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

export async function duplicateOf(db: Q, ticketId: number): Promise<DuplicateRow | undefined> {
  return q(db).selectFrom("triage_duplicates").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

export async function saveDuplicate(db: Q, row: DuplicateRow): Promise<void> {
  const { ticket_id, ...rest } = row;
  await q(db).insertInto("triage_duplicates").values(row).onConflict((c) => c.column("ticket_id").doUpdateSet(rest)).execute();
}

export async function duplicatesOf(db: Q, originalId: number, states: DuplicateRow["state"][], since = 0): Promise<DuplicateRow[]> {
  return q(db).selectFrom("triage_duplicates").selectAll().where("original_id", "=", originalId).where("state", "in", states).where("created_at", ">=", since).orderBy("ticket_id").execute();
}

export interface Candidate {
  id: number;
  title: string;
  service: string | null;
  sourceKind: string;
  /** Word overlap (Dice) with the new ticket, half title to title, half the first words of both: 1 is "the same words". */
  similarity: number;
}

/** The words that make the FTS query: the title's first, then the description's, at most `max`. */
export function queryWords(title: string, description: string, max = 12): string[] {
  return [...new Set([...words(title), ...words(description)])].slice(0, max);
}

/** Crude plural and tense folding, so "drops" meets "dropped" (FTS does the same with porter). */
const fold = (w: string) => w.replace(/(ing|ed|es|s)$/, "");
const wordSet = (text: string, max = 40) => new Set(words(text).slice(0, max).map(fold));

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  return (2 * both) / (a.size + b.size);
}

export function similarity(a: { title: string; description: string }, b: { title: string; description: string }): number {
  return 0.5 * dice(wordSet(a.title), wordSet(b.title)) + 0.5 * dice(wordSet(`${a.title} ${a.description}`), wordSet(`${b.title} ${b.description}`));
}

/**
 * How many of the newest matching open tickets are ranked. Scoring costs each match a walk through its word
 * positions, and in a burst every open ticket shares the burst's words ("wifi", "floor"), so ranking them
 * all would make each report slower than the last. A burst's own reports are the newest, and a match on one
 * of them leads to its original (findDuplicate), so the cap loses only a distinct older ticket that 200
 * newer open ones share a word with.
 */
export const RANKED_CANDIDATES = 200;

/**
 * Open tickets created since `since` that match the new ticket's words, best bm25 first (title weighs 3x),
 * from triage_open_fts, which holds only open tickets, so the search costs the same however long the history.
 * FTS5 walks the matches newest first and only the first RANKED_CANDIDATES are scored.
 */
export async function similarOpenTickets(db: Q, ticketId: number, title: string, description: string, since: number, limit = 10): Promise<Candidate[]> {
  const ws = queryWords(title, description);
  if (!ws.length) return [];
  const match = ws.map((w) => `"${w}"`).join(" OR ");
  // Ticket numbers grow with time, so the window's first number bounds the FTS scan (tickets_created index).
  const first = await sql<{ id: number | null }>`SELECT id FROM tickets WHERE created_at >= ${since} ORDER BY created_at LIMIT 1`.execute(db);
  const fromId = first.rows[0]?.id ?? ticketId;
  const rows = await sql<{ id: number; title: string; description: string; service: string | null; source_kind: string }>`
    SELECT t.id, t.title, t.description, t.service, t.source_kind
    FROM (SELECT rowid, rank FROM (SELECT rowid, bm25(triage_open_fts, 3.0, 1.0) AS rank FROM triage_open_fts
            WHERE triage_open_fts MATCH ${match} AND rowid >= ${fromId} AND rowid != ${ticketId} ORDER BY rowid DESC LIMIT ${RANKED_CANDIDATES})
          ORDER BY rank LIMIT ${limit * 3}) m
    JOIN tickets t ON t.id = m.rowid
    WHERE t.created_at >= ${since} AND t.status NOT IN ('resolved', 'closed')
    ORDER BY m.rank LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, title: r.title, service: r.service, sourceKind: r.source_kind, similarity: similarity({ title, description }, r) }));
}

export async function countDuplicates(db: Q, originalId: number, since = 0): Promise<number> {
  const r = await q(db)
    .selectFrom("triage_duplicates")
    .select((e) => e.fn.countAll<number>().as("n"))
    .where("original_id", "=", originalId)
    .where("state", "in", ["suggested", "linked"])
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// --- incident offers

export async function offerFor(db: Q, originalId: number): Promise<{ count: number; state: string; created_at: number } | undefined> {
  return q(db).selectFrom("triage_offers").select(["count", "state", "created_at"]).where("original_id", "=", originalId).executeTakeFirst();
}

export async function saveOffer(db: Q, originalId: number, count: number, state: string, at: number): Promise<void> {
  await q(db).insertInto("triage_offers").values({ original_id: originalId, count, state, created_at: at }).onConflict((c) => c.column("original_id").doUpdateSet({ count, state })).execute();
}

// --- shifts and rotation

export async function offShift(db: Q): Promise<Set<string>> {
  const rows = await q(db).selectFrom("triage_shifts").select("person").where("on_shift", "=", 0).execute();
  return new Set(rows.map((r) => r.person));
}

export async function setShift(db: Q, person: string, on: boolean, at: number): Promise<void> {
  await q(db).insertInto("triage_shifts").values({ person, on_shift: on ? 1 : 0, at }).onConflict((c) => c.column("person").doUpdateSet({ on_shift: on ? 1 : 0, at })).execute();
}

export async function lastInRotation(db: Q, team: string): Promise<string | undefined> {
  return (await q(db).selectFrom("triage_rotation").select("last_person").where("team", "=", team).executeTakeFirst())?.last_person;
}

export async function setRotation(db: Q, team: string, person: string): Promise<void> {
  await q(db).insertInto("triage_rotation").values({ team, last_person: person }).onConflict((c) => c.column("team").doUpdateSet({ last_person: person })).execute();
}

/** Open tickets assigned to each person id. */
export async function openLoad(db: Q, personIds: number[]): Promise<Map<number, number>> {
  const out = new Map(personIds.map((id) => [id, 0]));
  if (!personIds.length) return out;
  const rows = await q(db)
    .selectFrom("tickets")
    .select(["assignee_id", (e) => e.fn.countAll<number>().as("n")])
    .where("assignee_id", "in", personIds)
    .where("status", "not in", ["resolved", "closed"])
    .groupBy("assignee_id")
    .execute();
  for (const r of rows) if (r.assignee_id !== null) out.set(r.assignee_id, Number(r.n));
  return out;
}

/** Resolved or closed tickets with a category, oldest first: the classifier's start-up training set. */
export async function trainingSet(db: Q, limit = 20_000): Promise<{ title: string; description: string; category: string }[]> {
  const rows = await q(db)
    .selectFrom("tickets")
    .select(["title", "description", "category"])
    .where("category", "is not", null)
    .where("status", "in", ["resolved", "closed"])
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ title: r.title, description: r.description, category: r.category! }));
}
