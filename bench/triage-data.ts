// Reading the benchmark's CSV files (quoted fields may hold commas, quotes and line breaks) and scoring
// classifiers on them: train on 80%, test on the other 20% (split by date, by a seeded shuffle, or in file
// order), with accuracy, macro-F1, top-3 accuracy and expected calibration error for each classifier.
import { readFileSync } from "node:fs";
import { LogisticModel, type Ranked } from "../src/capabilities/triage/classifier.js";
import { combine, ruleRecordFrom } from "../src/capabilities/triage/decide.js";
import { words } from "../src/capabilities/triage/features.js";
import { ruleCategory } from "../src/capabilities/triage/infer.js";
import { DEFAULT_TRIAGE } from "../src/capabilities/triage/settings.js";
import type { DeskSettings } from "../src/core/settings.js";

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      rows.push([...row, field]);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows.filter((r) => r.some((f) => f !== ""));
}

export function readTable(file: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(readFileSync(file, "utf8"));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ""])));
}

export interface Example {
  text: string;
  label: string;
  /** When the ticket was opened (ms), for a split by date. */
  at?: number;
}

export type Split = { kind: "date"; column: string } | { kind: "shuffle"; seed: number } | { kind: "order" };

export function describeSplit(s: Split): string {
  if (s.kind === "date") return `by date (column ${s.column}): train on the earlier 80%, test on the later 20%`;
  if (s.kind === "shuffle") return `seeded shuffle (--seed ${s.seed}): train on 80%, test on the other 20%`;
  return "file order (--split order): train on the first 80%, test on the last 20%";
}

/** A seeded pseudo-random generator (mulberry32), so a shuffle split is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 80% to train on, 20% to test on; training keeps time order (the model holds back its newest part). */
export function split<T extends { at?: number }>(rows: T[], how: Split): { train: T[]; test: T[] } {
  let ordered = rows;
  if (how.kind === "date")
    ordered = rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => (a.r.at ?? 0) - (b.r.at ?? 0) || a.i - b.i)
      .map((x) => x.r);
  if (how.kind === "shuffle") {
    const random = seeded(how.seed);
    ordered = [...rows];
    for (let i = ordered.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
    }
  }
  const cut = Math.floor(ordered.length * 0.8);
  return { train: ordered.slice(0, cut), test: ordered.slice(cut) };
}

/** A date in any form the data sets use: ISO 8601, or Jira's "30/Sep/21 17:20" (day/month/2-digit year). */
export function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (!t) return undefined;
  const jira = /^(\d{1,2})\/(\w{3})\/(\d{2,4})(?: (\d{1,2}):(\d{2}))?/.exec(t);
  if (jira) {
    const month = "janfebmaraprmayjunjulaugsepoctnovdec".indexOf(jira[2]!.toLowerCase()) / 3;
    const year = Number(jira[3]);
    if (month >= 0 && Number.isInteger(month))
      return Date.UTC(year < 100 ? 2000 + year : year, month, Number(jira[1]), Number(jira[4] ?? 0), Number(jira[5] ?? 0));
  }
  const iso = Date.parse(t);
  return Number.isNaN(iso) ? undefined : iso;
}

export interface Score {
  accuracy: number;
  macroF1: number;
  top3: number;
  /** Expected calibration error, 10 equal-width bins; undefined for a classifier without a confidence. */
  ece?: number;
}

export interface Prediction {
  label?: string;
  confidence?: number;
  /** Labels best first (top-3 accuracy reads the first three). */
  ranked?: string[];
}

export function score(truth: string[], predicted: Prediction[]): Score {
  const labels = [...new Set(truth)];
  let correct = 0;
  let top3 = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === predicted[i]!.label) correct++;
    if ((predicted[i]!.ranked ?? [predicted[i]!.label]).slice(0, 3).includes(truth[i])) top3++;
  }
  const f1s = labels.map((l) => {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (let i = 0; i < truth.length; i++) {
      const p = predicted[i]!.label;
      if (p === l && truth[i] === l) tp++;
      else if (p === l) fp++;
      else if (truth[i] === l) fn++;
    }
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  });
  const withConfidence = predicted.every((p) => p.confidence !== undefined);
  return {
    accuracy: correct / truth.length,
    macroF1: f1s.reduce((a, b) => a + b, 0) / labels.length,
    top3: top3 / truth.length,
    ...(withConfidence ? { ece: calibrationError(predicted.map((p, i) => ({ confidence: p.confidence!, right: p.label === truth[i] }))) } : {}),
  };
}

/** Expected calibration error over 10 equal-width confidence bins: the mean gap between confidence and accuracy. */
export function calibrationError(guesses: { confidence: number; right: boolean }[]): number {
  const bins = Array.from({ length: 10 }, () => ({ confidence: 0, right: 0 }));
  for (const g of guesses) {
    const b = bins[Math.min(9, Math.floor(g.confidence * 10))]!;
    b.confidence += g.confidence;
    b.right += g.right ? 1 : 0;
  }
  return bins.reduce((s, b) => s + Math.abs(b.confidence - b.right), 0) / guesses.length;
}

/**
 * Keyword rules as an admin might write them: for each label, the 5 training words most particular
 * to it (count in the label over count overall, seen at least 5 times), scored by the desk's own rule code.
 */
export function derivedRules(train: Example[]): DeskSettings {
  const overall = new Map<string, number>();
  const per = new Map<string, Map<string, number>>();
  for (const e of train) {
    const m = per.get(e.label) ?? new Map<string, number>();
    per.set(e.label, m);
    for (const w of new Set(words(e.text))) {
      overall.set(w, (overall.get(w) ?? 0) + 1);
      m.set(w, (m.get(w) ?? 0) + 1);
    }
  }
  const categories = [...per.entries()].map(([name, m]) => ({
    name,
    keywords: [...m.entries()]
      .filter(([, n]) => n >= 5)
      .sort((a, b) => b[1] / overall.get(b[0])! - a[1] / overall.get(a[0])! || b[1] - a[1])
      .slice(0, 5)
      .map(([w]) => w),
  }));
  return {
    deskName: "bench",
    timezone: "UTC",
    roles: {},
    teams: [],
    categories,
    services: [],
    priorityMatrix: {
      high: { high: "P1", medium: "P2", low: "P3" },
      medium: { high: "P2", medium: "P3", low: "P4" },
      low: { high: "P3", medium: "P4", low: "P4" },
    },
    defaults: { type: "incident", impact: "medium", urgency: "medium" },
  } as unknown as DeskSettings;
}

export interface Evaluation {
  name: string;
  n: { train: number; test: number; labels: number; skipped: number };
  rows: [string, Score][];
  /** Auto mode at auto_precision: the confidence it applies from, the share of test tickets applied and how many of those were right. */
  auto?: { precision: number; threshold: number; share: number; right: number };
  trainMs: number;
}

const names = (r: Ranked[]) => r.map((x) => x.label);

/** The learned model, the rules-only baseline, rules with the model (what the desk does) and the majority class. */
export function evaluate(
  name: string,
  examples: Example[],
  how: Split,
  opts: { withRules?: boolean; autoPrecision?: number; skipped?: number } = {},
): Evaluation {
  const { train, test } = split(examples, how);
  const truth = test.map((e) => e.label);
  const t0 = performance.now();
  const model = new LogisticModel();
  model.fit(train);
  const trainMs = performance.now() - t0;
  const guesses = test.map((e) => model.guess(e.text));
  const counts = new Map<string, number>();
  for (const e of train) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const majority = byCount[0]![0];
  const rows: [string, Score][] = [
    [
      "linear model (learned, calibrated)",
      score(
        truth,
        guesses.map((g) => (g ? { label: g.label, confidence: g.confidence, ranked: names(g.ranked) } : { confidence: 0 })),
      ),
    ],
  ];
  if (opts.withRules ?? true) {
    const settings = derivedRules(train);
    const triage = DEFAULT_TRIAGE;
    const ruleOf = (text: string) => ruleCategory(text, settings, triage);
    const matches = test.map((e) => ruleOf(e.text));
    rows.push([
      "keyword rules only",
      score(
        truth,
        matches.map((m) => (m ? { label: m.category, confidence: m.confidence } : { confidence: 0 })),
      ),
    ]);
    // What the desk does: a rule decides where it matches, unless its record on the held-back tickets says the model knows better.
    const record = ruleRecordFrom(model.heldBackGuesses, ruleOf);
    const both = test.map((_, i) => combine(matches[i], guesses[i], record, model, 0));
    rows.push([
      "rules + model (the desk)",
      score(
        truth,
        both.map((s) =>
          s ? { label: s.category, confidence: s.confidence, ranked: [s.category, ...names(s.ranked).filter((l) => l !== s.category)] } : { confidence: 0 },
        ),
      ),
    ]);
  }
  rows.push([
    "majority class (baseline)",
    score(
      truth,
      test.map(() => ({ label: majority, confidence: byCount[0]![1] / train.length, ranked: byCount.slice(0, 3).map(([l]) => l) })),
    ),
  ]);
  let auto: Evaluation["auto"];
  if (opts.autoPrecision !== undefined) {
    const threshold = model.thresholdFor(opts.autoPrecision);
    const applied = test.map((e, i) => ({ e, g: guesses[i] })).filter((x) => x.g && x.g.confidence >= threshold);
    auto = {
      precision: opts.autoPrecision,
      threshold,
      share: applied.length / test.length,
      right: applied.length ? applied.filter((x) => x.g!.label === x.e.label).length / applied.length : NaN,
    };
  }
  return {
    name,
    n: { train: train.length, test: test.length, labels: new Set(examples.map((e) => e.label)).size, skipped: opts.skipped ?? 0 },
    rows,
    trainMs,
    ...(auto ? { auto } : {}),
  };
}

const pct1 = (x: number) => `${(x * 100).toFixed(1)}%`;

export function printEvaluations(evals: Evaluation[]): void {
  console.log("| data set (train/test, labels) | classifier | accuracy | macro-F1 | top-3 | ECE (10 bins) | accuracy vs majority |");
  console.log("|---|---|---|---|---|---|---|");
  for (const e of evals) {
    const base = e.rows.find((r) => r[0].startsWith("majority"))![1];
    for (const [label, s] of e.rows)
      console.log(
        `| ${e.name} (${e.n.train}/${e.n.test}, ${e.n.labels}) | ${label} | ${pct1(s.accuracy)} | ${s.macroF1.toFixed(3)} | ${pct1(s.top3)} | ${s.ece === undefined ? "-" : s.ece.toFixed(3)} | ${(s.accuracy / base.accuracy).toFixed(2)}x |`,
      );
  }
  const autos = evals.filter((e) => e.auto);
  if (autos.length) {
    console.log("\n| data set | auto mode at auto_precision | applies from confidence | share auto-applied | precision of those applied |");
    console.log("|---|---|---|---|---|");
    for (const e of autos) {
      const a = e.auto!;
      console.log(
        `| ${e.name} | ${a.precision} | ${Number.isFinite(a.threshold) ? a.threshold.toFixed(2) : "never (no confidence reached it on held-back tickets)"} | ${pct1(a.share)} | ${Number.isNaN(a.right) ? "-" : pct1(a.right)} |`,
      );
    }
  }
  const skipped = evals.filter((e) => e.n.skipped);
  for (const e of skipped) console.log(`\n${e.name}: ${e.n.skipped} row${e.n.skipped === 1 ? "" : "s"} with an empty label or text skipped.`);
  console.log(`\ntraining time: ${evals.map((e) => `${e.name} ${(e.trainMs / 1000).toFixed(1)} s`).join("; ")}`);
}
