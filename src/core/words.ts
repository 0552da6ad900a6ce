// Significant words of a text, for explainable matching (incidents at intake, knowledge offers).
const STOP = new Set([
  "the",
  "and",
  "for",
  "are",
  "is",
  "not",
  "can",
  "cant",
  "can't",
  "with",
  "from",
  "this",
  "that",
  "our",
  "all",
  "any",
  "down",
  "has",
  "have",
  "was",
  "were",
  "its",
  "it's",
  "into",
  "out",
  "on",
  "in",
  "of",
  "to",
  "a",
  "an",
  "my",
  "me",
  "we",
  "i",
  "no",
  "be",
  "at",
  "or",
  "it",
  "how",
  "what",
  "why",
  "when",
  "does",
  "doesn",
  "don",
  "won",
  "get",
  "got",
  "keep",
  "keeps",
  "again",
  "still",
  "every",
  "few",
  "some",
]);

export function significantWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.filter((w) => w.length >= 3 && !STOP.has(w)).map(stem));
}

/** A light stem so "printers" meets "printer" and "dropping" meets "drops". */
function stem(w: string): string {
  return w.replace(/(ing|ed|es|s)$/u, "") || w;
}

/** How much of `target`'s words `text` has: shared count and the share of target covered. */
export function coverage(text: Set<string>, target: Set<string>): { shared: number; share: number } {
  const shared = [...target].filter((w) => text.has(w)).length;
  return { shared, share: target.size ? shared / target.size : 0 };
}
