// How alike two reports are, for the duplicate search (store.ts similarOpenTickets): a cosine of word
// weights where title words count three times body words, common words count less (idf among open
// tickets), and words that only say where or when ("3rd", "floor", "9am", "today") count a quarter, because
// a shared place or time is not a shared problem: "printer on 3rd floor jams" is not "wifi is down on the
// 3rd floor", while "no wifi on 3rd floor since 9am" is.
import { words } from "./features.js";

/** Title words weigh this many times body words: a title is the reporter's own summary of the problem. */
const TITLE_WEIGHT = 3;
/** What a where-or-when word weighs against a word about the problem itself. */
const CONTEXT_WEIGHT = 0.25;

const CONTEXT = new Set(
  (
    "floor floors level room rooms building office offices desk site campus wing hall lobby street hq home remote " +
    "today yesterday tomorrow morning afternoon evening night tonight now since again still ago yet anymore lately recently " +
    "am pm hour hours minute minutes day days week weeks month months " +
    "monday tuesday wednesday thursday friday saturday sunday " +
    "first second third fourth fifth ground upper lower east west north south " +
    "issue issues problem problems help need needs ticket getting trying anyone someone everyone all"
  ).split(" "),
);

/**
 * Crude plural and tense folding, so "drops" meets "dropped" and "jams" meets "jamming" (the full-text index
 * does the same with porter): a suffix goes when three letters stay, then a doubled last letter is halved.
 */
export function fold(w: string): string {
  const stem = w.length > 3 ? w.replace(/(ing|ed|es|s)$/, "") : w;
  const base = stem.length >= 3 ? stem : w;
  return base.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(base) ? base.slice(0, -1) : base;
}

/** 1 for a word about the problem, CONTEXT_WEIGHT for a place, time, number or ordinal. */
export function contextDiscount(word: string): number {
  const w = word.toLowerCase();
  if (CONTEXT.has(w) || CONTEXT.has(fold(w))) return CONTEXT_WEIGHT;
  if (/^\d+(st|nd|rd|th|am|pm|h|m|min|s)?$/.test(w)) return CONTEXT_WEIGHT;
  return 1;
}

/** Smoothed inverse document frequency among `total` open tickets, `df` of which hold the word. */
export function idf(total: number, df: number): number {
  return Math.log((1 + total) / (1 + df)) + 1;
}

/** The distinct words that make the full-text query: the title's first, then the description's, at most `max`. */
export function queryWords(title: string, description: string, max = 32): string[] {
  return [...new Set([...words(title), ...words(description)])].slice(0, max);
}

/**
 * How the full-text index spells each joined word of a text: words() makes "wi-fi" and "dfs_replication" one
 * word ("wifi", "dfsreplication"), while the index (unicode61) keeps their parts apart, so looked up as it is
 * such a word matches no ticket, counts as the rarest word of all and finds no candidate. Each maps to the
 * phrase of its parts ("wi fi"), which the index does hold.
 */
export function indexPhrases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const joined of text.toLowerCase().match(/[\p{L}\p{N}]+(?:[-_]+[\p{L}\p{N}]+)+/gu) ?? [])
    out.set(joined.replace(/[-_]/g, ""), joined.split(/[-_]+/).join(" "));
  return out;
}

/** The full-text query term of a word: itself, or the phrase of its parts (indexPhrases), quoted. */
export function indexTerm(word: string, phrases: Map<string, string>): string {
  return `"${phrases.get(word) ?? word}"`;
}

export type TermVector = Map<string, number>;

/** Folded words with weight: (1 + ln count) per part, title counted TITLE_WEIGHT times, times the word's own weight. */
export function termVector(r: { title: string; description: string }, weigh: (word: string) => number): TermVector {
  const out: TermVector = new Map();
  const part = (text: string, times: number) => {
    const counts = new Map<string, { n: number; word: string }>();
    for (const w of words(text)) {
      const f = fold(w);
      const c = counts.get(f);
      if (c) c.n++;
      else counts.set(f, { n: 1, word: w });
    }
    for (const [f, c] of counts) out.set(f, (out.get(f) ?? 0) + times * (1 + Math.log(c.n)) * weigh(c.word));
  };
  part(r.title, TITLE_WEIGHT);
  part(r.description, 1);
  return out;
}

export function cosine(a: TermVector, b: TermVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, x] of a) {
    na += x * x;
    const y = b.get(w);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** How alike two reports are, 0 to 1, with every word weighed alike but for places and times (tests, no index at hand). */
export function similarity(a: { title: string; description: string }, b: { title: string; description: string }): number {
  return cosine(termVector(a, contextDiscount), termVector(b, contextDiscount));
}

/**
 * Ranking weight of a candidate's age: a report from a month ago counts 90% of one from today, an old one never
 * less than 80%. Duplicates arrive days, weeks, even months after their original, so age only breaks near-ties.
 */
export function recency(ageMs: number): number {
  const days = Math.max(0, ageMs) / 86_400_000;
  return 0.8 + 0.2 * 0.5 ** (days / 30);
}
