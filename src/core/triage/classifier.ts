// Multinomial naive Bayes over features.ts features, with Laplace smoothing. Learns one example at a
// time (start-up training and every agent correction use the same learn()).
import { features } from "./features.js";

export interface Guess {
  label: string;
  /** Posterior of the best label, damped by the text's length so that long texts are not all "100%". */
  confidence: number;
}

export class NaiveBayes {
  private readonly docs = new Map<string, number>();
  private readonly tokenTotals = new Map<string, number>();
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly vocabulary = new Set<string>();
  private total = 0;

  /** `labels` known before any example (configured categories) share the smoothed prior. */
  constructor(labels: string[] = []) {
    for (const l of labels) this.ensure(l);
  }

  get examples(): number {
    return this.total;
  }

  learn(text: string, label: string): void {
    this.ensure(label);
    this.docs.set(label, this.docs.get(label)! + 1);
    this.total++;
    const c = this.counts.get(label)!;
    const fs = features(text);
    for (const f of fs) {
      const n = c.get(f);
      if (n === undefined) {
        c.set(f, 1);
        this.vocabulary.add(f);
      } else c.set(f, n + 1);
    }
    this.tokenTotals.set(label, this.tokenTotals.get(label)! + fs.length);
  }

  /** Log-probability of each label, unnormalised. */
  scores(text: string): Map<string, number> {
    return this.scoresOf(features(text).filter((f) => this.vocabulary.has(f)));
  }

  private scoresOf(fs: string[]): Map<string, number> {
    const labels = [...this.docs.keys()];
    const v = this.vocabulary.size + 1;
    const out = new Map<string, number>();
    for (const l of labels) {
      const c = this.counts.get(l)!;
      const denominator = Math.log(this.tokenTotals.get(l)! + v);
      let s = Math.log((this.docs.get(l)! + 1) / (this.total + labels.length));
      for (const f of fs) s += Math.log((c.get(f) ?? 0) + 1) - denominator;
      out.set(l, s);
    }
    return out;
  }

  guess(text: string): Guess | undefined {
    if (this.total === 0) return undefined;
    const fs = features(text).filter((f) => this.vocabulary.has(f));
    const n = fs.length;
    if (n === 0) return undefined;
    const scores = this.scoresOf(fs);
    // Naive Bayes counts every feature as independent evidence, which makes raw posteriors ~1.0;
    // dividing by sqrt(features) keeps the confidence meaningful for a threshold.
    const damp = 1 / Math.sqrt(n);
    let best = "";
    let bestScore = -Infinity;
    for (const [l, s] of scores) if (s > bestScore) [best, bestScore] = [l, s];
    let z = 0;
    for (const s of scores.values()) z += Math.exp((s - bestScore) * damp);
    return { label: best, confidence: 1 / z };
  }

  private ensure(label: string): void {
    if (this.docs.has(label)) return;
    this.docs.set(label, 0);
    this.tokenTotals.set(label, 0);
    this.counts.set(label, new Map());
  }
}
