// Text to features for the classifier and the duplicate search: words, word pairs, and character
// n-grams of words (so "wi-fi", "wifi" and "wif1" still share most of their features).

const STOP = new Set(
  "a an and are as at be been but by can could do does for from has have hi hello i i'm im in is it its me my no not of on or our please so that the their there this thanks thank to us was we were what when which will with you your".split(
    " ",
  ),
);

/** Lower-cased words of letters and digits, stop words dropped. */
export function words(text: string): string[] {
  const all =
    text
      .toLowerCase()
      .replace(/[-_]/g, "")
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return all.filter((w) => !STOP.has(w) && w.length > 1);
}

/** The shortest and longest character n-grams taken inside each padded word. */
const CHAR_MIN = 3;
const CHAR_MAX = 5;

/**
 * The classifier's features with their counts, in two groups that are weighted apart: words and adjacent
 * word pairs ("w:", "b:"), and character n-grams inside each word padded with ^ and $ ("c:"). The word group
 * carries meaning, the character group survives typos and inflections; each is scaled to the same length
 * (vectorize), so a long word-poor text and a short one weigh alike.
 */
export function features(text: string): Map<string, number> {
  const ws = words(text);
  const out = new Map<string, number>();
  const add = (f: string) => out.set(f, (out.get(f) ?? 0) + 1);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    add(`w:${w}`);
    if (i + 1 < ws.length) add(`b:${w}_${ws[i + 1]}`);
    const padded = `^${w}$`;
    for (let n = CHAR_MIN; n <= CHAR_MAX; n++) for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`);
  }
  return out;
}

/** A sparse vector: feature indices (ascending is not required) and their values. */
export interface Sparse {
  index: number[];
  value: number[];
}

/**
 * TF-IDF over a vocabulary learned from the training texts: sublinear term frequency (1 + ln tf), smoothed
 * inverse document frequency, each group (words, characters) scaled to unit length, then both by 1/sqrt(2)
 * so the whole vector has length 1. Features first seen after fitting (a correction's new word) join the
 * vocabulary with the idf of a word seen once.
 */
/** A fitted vocabulary as plain data (a training thread hands it back to the desk by structured clone). */
export interface VectorizerState {
  ids: Map<string, number>;
  idf: number[];
  docs: number;
}

export class Vectorizer {
  private readonly ids: Map<string, number>;
  private readonly idf: number[];
  private docs: number;

  constructor(state?: VectorizerState) {
    this.ids = state?.ids ?? new Map();
    this.idf = state?.idf ?? [];
    this.docs = state?.docs ?? 0;
  }

  get state(): VectorizerState {
    return { ids: this.ids, idf: this.idf, docs: this.docs };
  }

  get size(): number {
    return this.idf.length;
  }

  /** Learns the vocabulary; features in fewer than `minDf` texts are left out (noise, and memory). */
  fit(texts: string[], minDf = 1): Sparse[] {
    const df = new Map<string, number>();
    const counted = texts.map((t) => features(t));
    for (const fs of counted) for (const f of fs.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    this.docs = texts.length;
    for (const [f, n] of df) {
      if (n < minDf) continue;
      this.ids.set(f, this.idf.length);
      this.idf.push(Math.log((1 + this.docs) / (1 + n)) + 1);
    }
    return counted.map((fs) => this.weigh(fs, false));
  }

  /** Forgets the features added after the vocabulary had `size` of them (a correction taken back). */
  truncate(size: number): void {
    if (size >= this.idf.length) return;
    for (const [f, id] of this.ids) if (id >= size) this.ids.delete(f);
    this.idf.length = size;
  }

  /** The vector of a text; `grow` adds unseen features to the vocabulary (learning), else they are ignored. */
  transform(text: string, grow = false): Sparse {
    return this.weigh(features(text), grow);
  }

  private weigh(fs: Map<string, number>, grow: boolean): Sparse {
    const groups: Sparse[] = [
      { index: [], value: [] },
      { index: [], value: [] },
    ];
    for (const [f, tf] of fs) {
      let id = this.ids.get(f);
      if (id === undefined) {
        if (!grow) continue;
        id = this.idf.length;
        this.ids.set(f, id);
        this.idf.push(Math.log((1 + this.docs) / 2) + 1);
      }
      const g = groups[f.startsWith("c:") ? 1 : 0]!;
      g.index.push(id);
      g.value.push((1 + Math.log(tf)) * this.idf[id]!);
    }
    const out: Sparse = { index: [], value: [] };
    for (const g of groups) {
      const norm = Math.sqrt(g.value.reduce((s, v) => s + v * v, 0));
      if (!norm) continue;
      for (let i = 0; i < g.index.length; i++) {
        out.index.push(g.index[i]!);
        out.value.push(g.value[i]! / norm / Math.SQRT2);
      }
    }
    return out;
  }
}
