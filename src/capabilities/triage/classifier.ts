// The category model: a linear model over TF-IDF features (features.ts), one weight vector per category,
// trained by L-BFGS on the desk's history (a linear SVM's squared hinge by default, or multinomial log-loss),
// its scores turned into probabilities by a softmax whose temperature (and a floor shared by every label) is
// fitted on the newest fifth of that history held back, and taught by every agent correction with a few gradient steps on that one ticket. Each
// correction's change to the weights is kept (a Lesson), so a correction whose transaction rolled back can be
// taken out.
import { Vectorizer, type Sparse, type VectorizerState } from "./features.js";

export interface Ranked {
  label: string;
  /** Calibrated probability that this label is the right one. */
  p: number;
}

export interface Guess {
  label: string;
  /** Calibrated probability of the best label: of the guesses made at 0.8, about 8 in 10 are right. */
  confidence: number;
  /** Every label, most likely first. */
  ranked: Ranked[];
}

export interface Example {
  text: string;
  label: string;
}

/** One correction's change to the weights (per feature and label, the amount added) and to the vocabulary. */
export interface Lesson {
  changes: { feature: number; label: string; delta: number }[];
  /** The vocabulary's size before and after the correction's new words joined it. */
  vocabulary: { before: number; after: number };
}

export interface FitOptions {
  /** L2 penalty per example (the objective is mean log-loss + lambda/2 * |W|^2). */
  lambda?: number;
  maxIterations?: number;
  /** logistic: multinomial log-loss; hinge: one-vs-rest squared hinge (a linear SVM), its scores calibrated by the same softmax. */
  loss?: "logistic" | "hinge";
  /** Features seen in fewer training texts are dropped (default 1: a word one ticket has still tells that ticket apart). */
  minDf?: number;
}

/** A trained model as plain data: what a training thread hands back to the desk (structured clone). */
export interface ModelState {
  vectorizer: VectorizerState;
  labels: string[];
  w: Float64Array;
  features: number;
  trainedOn: number;
  temperature: number;
  floor: number;
  heldBack: { confidence: number; right: boolean }[];
  heldBackGuesses: { text: string; truth: string; guess: string; confidence: number }[];
  perLabel: Map<string, number>;
}

/** Below this many examples nothing is held back: too few to measure calibration or precision on. */
export const MIN_HELD_BACK = 50;
/** The share of the history (its newest part) held back to calibrate and to measure precision. */
const HELD_BACK_SHARE = 0.2;
/** The L2 penalty per example: about LinearSVC's C = 1 on a desk of 3,000 tickets. */
const DEFAULT_LAMBDA = 3.3e-4;
/** A linear SVM's margins, calibrated by the softmax's temperature, ranked a little better than log-loss on the shared sets. */
const DEFAULT_LOSS: "logistic" | "hinge" = "hinge";

export class LogisticModel {
  private vectorizer = new Vectorizer();
  private labels: string[] = [];
  /** Weights, feature-major (feature j's weight for label k at j*K+k), then one bias per label. */
  private w: Float64Array = new Float64Array(0);
  private features = 0;
  private trainedOn = 0;
  private learned = 0;
  /** Logits are divided by this before the softmax; fitted on the held-back tickets. */
  temperature = 1;
  /**
   * The share of probability spread evenly over every label, fitted with the temperature: however clear a ticket,
   * some of a desk's labels are slips (another agent would have filed it elsewhere), so no guess is certain.
   */
  floor = 0;
  /** Held-back tickets' calibrated confidence and whether the guess was right, most confident first. */
  private heldBack: { confidence: number; right: boolean }[] = [];
  /** The held-back examples with what the model (trained without them) guessed, for weighing rules against it. */
  heldBackGuesses: { text: string; truth: string; guess: string; confidence: number }[] = [];

  /** `labels` known before any example (configured categories). */
  constructor(labels: string[] = []) {
    for (const l of labels) this.addLabel(l);
  }

  /** The trained model as plain data (only between fit and any correction: lessons are the desk's to replay). */
  get state(): ModelState {
    return {
      vectorizer: this.vectorizer.state,
      labels: this.labels,
      w: this.w,
      features: this.features,
      trainedOn: this.trainedOn,
      temperature: this.temperature,
      floor: this.floor,
      heldBack: this.heldBack,
      heldBackGuesses: this.heldBackGuesses,
      perLabel: this.perLabel,
    };
  }

  /** The model a state describes (one fitted elsewhere, e.g. in a training thread). */
  static fromState(s: ModelState): LogisticModel {
    const m = new LogisticModel();
    m.vectorizer = new Vectorizer(s.vectorizer);
    m.labels = s.labels;
    m.w = s.w;
    m.features = s.features;
    m.trainedOn = s.trainedOn;
    m.temperature = s.temperature;
    m.floor = s.floor;
    m.heldBack = s.heldBack;
    m.heldBackGuesses = s.heldBackGuesses;
    for (const [label, n] of s.perLabel) m.perLabel.set(label, n);
    return m;
  }

  /** How many examples the model has learned from (training and corrections). */
  get examples(): number {
    return this.trainedOn + this.learned;
  }

  /** Examples learned per label (training and corrections). */
  private readonly perLabel = new Map<string, number>();

  /** Whether the model has learned the label from any ticket (a configured category nobody used yet it cannot guess). */
  knows(label: string): boolean {
    return (this.perLabel.get(label) ?? 0) > 0;
  }

  /** How many tickets the calibration and the precision figures were measured on. */
  get heldBackCount(): number {
    return this.heldBack.length;
  }

  /**
   * Trains from scratch. With enough history, first on the older four fifths to fit the temperature and to
   * record how often guesses on the newest fifth were right at each confidence, then again on everything.
   */
  fit(examples: Example[], options: FitOptions = {}): void {
    const labels = [...new Set([...this.labels, ...examples.map((e) => e.label)])];
    this.heldBack = [];
    this.heldBackGuesses = [];
    this.temperature = 1;
    this.floor = 0;
    if (examples.length >= MIN_HELD_BACK && new Set(examples.map((e) => e.label)).size > 1) {
      const cut = Math.floor(examples.length * (1 - HELD_BACK_SHARE));
      this.fitWeights(examples.slice(0, cut), labels, options);
      const held = examples.slice(cut);
      const logits = held.map((e) => this.logits(this.vectorizer.transform(e.text)));
      const truth = held.map((e) => this.labels.indexOf(e.label));
      ({ temperature: this.temperature, floor: this.floor } = fitCalibration(logits, truth));
      this.heldBackGuesses = logits.map((z, i) => {
        const p = calibrate(z, this.temperature, this.floor);
        const best = argmax(p);
        return { text: held[i]!.text, truth: held[i]!.label, guess: this.labels[best]!, confidence: p[best]! };
      });
      this.heldBack = this.heldBackGuesses.map((g) => ({ confidence: g.confidence, right: g.guess === g.truth })).sort((a, b) => b.confidence - a.confidence);
    }
    this.fitWeights(examples, labels, options);
    this.trainedOn = examples.length;
    this.learned = 0;
    this.perLabel.clear();
    for (const e of examples) this.perLabel.set(e.label, (this.perLabel.get(e.label) ?? 0) + 1);
  }

  /**
   * The lowest confidence at which guesses reach `precision`: among held-back guesses at or above it, at
   * least that share were right. Infinity when too few were held back to say, or none reach it.
   */
  thresholdFor(precision: number, minApplied = 10): number {
    let right = 0;
    let threshold = Infinity;
    this.heldBack.forEach((h, i) => {
      if (h.right) right++;
      const n = i + 1;
      const next = this.heldBack[i + 1];
      // Only between distinct confidences: a cut inside a tie would promise a share it cannot keep.
      if (n >= minApplied && right / n >= precision && (!next || next.confidence < h.confidence)) threshold = h.confidence;
    });
    return threshold;
  }

  guess(text: string): Guess | undefined {
    if (this.examples === 0 || this.labels.length < 2) return undefined;
    const x = this.vectorizer.transform(text);
    if (!x.index.length) return undefined;
    const p = calibrate(this.logits(x), this.temperature, this.floor);
    const ranked = this.labels.map((label, k) => ({ label, p: p[k]! })).sort((a, b) => b.p - a.p);
    return { label: ranked[0]!.label, confidence: ranked[0]!.p, ranked };
  }

  /**
   * Learns one example: gradient steps on it alone until the model ranks `label` first with a clear margin
   * (at most a few dozen steps), touching only the weights of the text's own features. Returns what changed,
   * so that unlearn() can take it back.
   */
  learn(text: string, label: string): Lesson {
    this.addLabel(label);
    const before = this.vectorizer.size;
    const x = this.vectorizer.transform(text, true);
    this.growFeatures(this.vectorizer.size);
    const changed = new Map<number, number>();
    const K = this.labels.length;
    const y = this.labels.indexOf(label);
    for (let step = 0; step < 50 && x.index.length; step++) {
      const p = softmax(this.logits(x), 1);
      if (argmax(p) === y && p[y]! >= 0.6) break;
      for (let i = 0; i < x.index.length; i++) {
        for (let k = 0; k < K; k++) {
          const at = x.index[i]! * K + k;
          const d = -LEARNING_RATE * x.value[i]! * (p[k]! - (k === y ? 1 : 0));
          this.w[at] = this.w[at]! + d;
          changed.set(at, (changed.get(at) ?? 0) + d);
        }
      }
    }
    this.learned++;
    this.perLabel.set(label, (this.perLabel.get(label) ?? 0) + 1);
    // Kept by feature and label name, not position: a label added later re-lays the weights out.
    return {
      changes: [...changed].map(([at, delta]) => ({ feature: Math.floor(at / K), label: this.labels[at % K]!, delta })),
      vocabulary: { before, after: this.vectorizer.size },
    };
  }

  /** Takes a lesson back (its correction was rolled back). */
  unlearn(lesson: Lesson, label: string): void {
    this.perLabel.set(label, Math.max(0, (this.perLabel.get(label) ?? 0) - 1));
    const K = this.labels.length;
    for (const { feature, label, delta } of lesson.changes) {
      const k = this.labels.indexOf(label);
      if (k >= 0 && feature < this.features) this.w[feature * K + k]! -= delta;
    }
    // The words it brought are forgotten too when no later correction added words after them (their weights
    // are back to 0, but as known features they would still take a share of each text's length).
    if (this.vectorizer.size === lesson.vocabulary.after && lesson.vocabulary.after > lesson.vocabulary.before) {
      this.vectorizer.truncate(lesson.vocabulary.before);
      this.shrinkFeatures(lesson.vocabulary.before);
    }
    this.learned = Math.max(0, this.learned - 1);
  }

  private fitWeights(examples: Example[], labels: string[], options: FitOptions): void {
    this.vectorizer = new Vectorizer();
    const xs = this.vectorizer.fit(
      examples.map((e) => e.text),
      options.minDf ?? 1,
    );
    this.labels = [];
    for (const l of labels) this.labels.push(l);
    this.features = this.vectorizer.size;
    const K = this.labels.length;
    const ys = examples.map((e) => this.labels.indexOf(e.label));
    const loss = (options.loss ?? DEFAULT_LOSS) === "hinge" ? squaredHinge : logLoss;
    this.w = lbfgs(loss(xs, ys, this.features, K, options.lambda ?? DEFAULT_LAMBDA), new Float64Array(this.features * K + K), options.maxIterations ?? 100);
  }

  private logits(x: Sparse): number[] {
    const K = this.labels.length;
    const bias = this.features * K;
    const z = new Array<number>(K);
    for (let k = 0; k < K; k++) z[k] = this.w[bias + k] ?? 0;
    for (let i = 0; i < x.index.length; i++) {
      const j = x.index[i]!;
      if (j >= this.features) continue;
      for (let k = 0; k < K; k++) z[k]! += this.w[j * K + k]! * x.value[i]!;
    }
    return z;
  }

  private addLabel(label: string): void {
    if (this.labels.includes(label)) return;
    const K = this.labels.length;
    const w = new Float64Array(this.features * (K + 1) + K + 1);
    for (let j = 0; j < this.features; j++) for (let k = 0; k < K; k++) w[j * (K + 1) + k] = this.w[j * K + k]!;
    for (let k = 0; k < K; k++) w[this.features * (K + 1) + k] = this.w[this.features * K + k]!;
    // A label first met in a correction starts well below the trained ones, so it is not guessed before it is
    // taught; configured labels of an untrained model start level.
    w[this.features * (K + 1) + K] = this.examples > 0 ? -5 : 0;
    this.labels.push(label);
    this.w = w;
  }

  private shrinkFeatures(size: number): void {
    const K = this.labels.length;
    const w = new Float64Array(size * K + K);
    w.set(this.w.subarray(0, size * K));
    w.set(this.w.subarray(this.features * K, this.features * K + K), size * K);
    this.w = w;
    this.features = size;
  }

  private growFeatures(size: number): void {
    if (size <= this.features) return;
    const K = this.labels.length;
    const w = new Float64Array(size * K + K);
    w.set(this.w.subarray(0, this.features * K));
    w.set(this.w.subarray(this.features * K, this.features * K + K), size * K);
    this.w = w;
    this.features = size;
  }
}

const LEARNING_RATE = 1;

export function softmax(z: number[], temperature: number): number[] {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  const e = z.map((v) => Math.exp((v - max) / temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/** Probabilities from scores: a softmax at `temperature`, with `floor` of the mass spread evenly over the labels. */
export function calibrate(z: number[], temperature: number, floor: number): number[] {
  const p = softmax(z, temperature);
  return floor ? p.map((v) => (1 - floor) * v + floor / p.length) : p;
}

/** Held-back log-loss of calibrate(z, t, floor) (tickets whose label the model does not know are left out). */
function heldBackLoss(logits: number[][], truth: number[], t: number, floor: number): number {
  let s = 0;
  logits.forEach((z, i) => {
    if (truth[i]! < 0) return;
    s -= Math.log(Math.max(1e-12, calibrate(z, t, floor)[truth[i]!]!));
  });
  return s;
}

/** The x in [a, b] where a unimodal f is least (golden-section search). */
function goldenMin(f: (x: number) => number, a: number, b: number, steps = 60): number {
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < steps; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

/** The temperature that minimises the held-back log-loss (golden-section search on its logarithm). */
export function fitTemperature(logits: number[][], truth: number[]): number {
  return Math.exp(goldenMin((logT) => heldBackLoss(logits, truth, Math.exp(logT), 0), Math.log(0.05), Math.log(20)));
}

/**
 * The temperature and floor that together minimise the held-back log-loss: a golden-section search over the
 * floor, each floor with its own best temperature. A temperature alone must choose between honest clear guesses
 * and honest unclear ones when some labels are slips; the floor caps the clear ones where the slips put them.
 */
export function fitCalibration(logits: number[][], truth: number[]): { temperature: number; floor: number } {
  const bestLogT = (floor: number) => goldenMin((x) => heldBackLoss(logits, truth, Math.exp(x), floor), Math.log(0.05), Math.log(20), 30);
  const floor = goldenMin((f) => heldBackLoss(logits, truth, Math.exp(bestLogT(f)), f), 0, 0.5, 25);
  return { temperature: Math.exp(bestLogT(floor)), floor };
}

type Objective = (w: Float64Array, grad: Float64Array) => number;

/** z = W x + b for one ticket: W is features x K (row-major), the K biases follow it at `bias`. */
function scoreInto(z: Float64Array, w: Float64Array, x: Sparse, bias: number, K: number): void {
  for (let k = 0; k < K; k++) z[k] = w[bias + k]!;
  for (let t = 0; t < x.index.length; t++) {
    const at = x.index[t]! * K;
    const v = x.value[t]!;
    for (let k = 0; k < K; k++) z[k]! += w[at + k]! * v;
  }
}

/** grad += d x (and d for the biases): the loss's derivative `d` per label, back through W x + b. */
function addGradient(grad: Float64Array, d: Float64Array, x: Sparse, bias: number, K: number): void {
  for (let k = 0; k < K; k++) grad[bias + k]! += d[k]!;
  for (let t = 0; t < x.index.length; t++) {
    const at = x.index[t]! * K;
    const v = x.value[t]!;
    for (let k = 0; k < K; k++) grad[at + k]! += d[k]! * v;
  }
}

/** The L2 penalty on W (not the biases), added to `grad`; returns (lambda / 2) |W|^2. */
function addL2(w: Float64Array, grad: Float64Array, bias: number, lambda: number): number {
  let reg = 0;
  for (let j = 0; j < bias; j++) {
    reg += w[j]! * w[j]!;
    grad[j]! += lambda * w[j]!;
  }
  return (lambda / 2) * reg;
}

/** Mean cross-entropy of softmax(W x + b) plus an L2 penalty on W (not on the biases), and its gradient. */
function logLoss(xs: Sparse[], ys: number[], features: number, K: number, lambda: number): Objective {
  const n = xs.length;
  const bias = features * K;
  const z = new Float64Array(K);
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      scoreInto(z, w, x, bias, K);
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k]! > max) max = z[k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k]! - max);
      const logSum = max + Math.log(sum);
      loss += logSum - z[ys[i]!]!;
      for (let k = 0; k < K; k++) z[k] = (Math.exp(z[k]! - logSum) - (k === ys[i] ? 1 : 0)) / n;
      addGradient(grad, z, x, bias, K);
    }
    return loss / n + addL2(w, grad, bias, lambda);
  };
}

/**
 * One-vs-rest squared hinge (a linear SVM per label): mean over tickets of the sum over labels of
 * max(0, 1 - y * score)^2, y = +1 for the ticket's label and -1 for the others, plus the same L2 penalty.
 */
function squaredHinge(xs: Sparse[], ys: number[], features: number, K: number, lambda: number): Objective {
  const n = xs.length;
  const bias = features * K;
  const z = new Float64Array(K);
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      scoreInto(z, w, x, bias, K);
      let any = false;
      for (let k = 0; k < K; k++) {
        const y = k === ys[i] ? 1 : -1;
        const margin = 1 - y * z[k]!;
        if (margin > 0) {
          loss += margin * margin;
          z[k] = (-2 * y * margin) / n;
          any = true;
        } else z[k] = 0;
      }
      if (!any) continue;
      addGradient(grad, z, x, bias, K);
    }
    return loss / n + addL2(w, grad, bias, lambda);
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Limited-memory BFGS (10 pairs) with a backtracking Armijo line search: the textbook two-loop recursion.
 * Stops when the gradient is tiny, the loss stops falling, or after `maxIterations`.
 */
export function lbfgs(f: Objective, w0: Float64Array, maxIterations: number, memory = 10): Float64Array {
  const n = w0.length;
  let w: Float64Array = w0;
  let g: Float64Array = new Float64Array(n);
  let fx = f(w, g);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const dir = new Float64Array(n);
  const alpha: number[] = [];
  for (let it = 0; it < maxIterations; it++) {
    // dir = -H g by the two-loop recursion.
    for (let i = 0; i < n; i++) dir[i] = -g[i]!;
    for (let m = ss.length - 1; m >= 0; m--) {
      alpha[m] = rhos[m]! * dot(ss[m]!, dir);
      const y = ys[m]!;
      for (let i = 0; i < n; i++) dir[i]! -= alpha[m]! * y[i]!;
    }
    if (ss.length) {
      const last = ss.length - 1;
      const gamma = dot(ss[last]!, ys[last]!) / dot(ys[last]!, ys[last]!);
      for (let i = 0; i < n; i++) dir[i]! *= gamma;
    } else {
      const norm = Math.sqrt(dot(g, g)) || 1;
      for (let i = 0; i < n; i++) dir[i]! /= norm;
    }
    for (let m = 0; m < ss.length; m++) {
      const beta = rhos[m]! * dot(ys[m]!, dir);
      const s = ss[m]!;
      for (let i = 0; i < n; i++) dir[i]! += s[i]! * (alpha[m]! - beta);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature went bad): restart from steepest descent.
      ss.length = ys.length = rhos.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i]!;
      slope = dot(g, dir);
    }
    let step = 1;
    const next = new Float64Array(n);
    const gNext = new Float64Array(n);
    let fNext = Infinity;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) next[i] = w[i]! + step * dir[i]!;
      fNext = f(next, gNext);
      if (fNext <= fx + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNext < fx)) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = next[i]! - w[i]!;
      y[i] = gNext[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
    }
    const improved = fx - fNext;
    w = next;
    g = gNext;
    fx = fNext;
    if (improved < 1e-9 * Math.max(1, Math.abs(fx)) || Math.sqrt(dot(g, g)) < 1e-6) break;
  }
  return w;
}
