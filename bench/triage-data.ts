// Reading the benchmark's CSV files (quoted fields may hold commas, quotes and line breaks) and
// scoring classifiers on them: accuracy and macro-F1 on the later 20% after training on the earlier 80%.
import { readFileSync } from "node:fs";
import { NaiveBayes } from "../src/core/triage/classifier.js";
import { combine } from "../src/core/triage/extension.js";
import { words } from "../src/core/triage/features.js";
import { ruleCategory } from "../src/core/triage/infer.js";
import { DEFAULT_TRIAGE } from "../src/core/triage/settings.js";
import type { DeskSettings } from "../src/core/settings.js";

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field), rows.push(row), (row = []), (field = "");
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f !== ""));
}

export function readTable(file: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(readFileSync(file, "utf8"));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h.trim(), r[i] ?? ""])));
}

export interface Example {
  text: string;
  label: string;
}

/** Train on the earlier 80% (the file's order, or a time column when given), test on the later 20%. */
export function splitByOrder<T>(rows: T[]): { train: T[]; test: T[] } {
  const cut = Math.floor(rows.length * 0.8);
  return { train: rows.slice(0, cut), test: rows.slice(cut) };
}

export interface Score {
  accuracy: number;
  macroF1: number;
}

export function score(truth: string[], predicted: (string | undefined)[]): Score {
  const labels = [...new Set(truth)];
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  const f1s = labels.map((l) => {
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === l && truth[i] === l) tp++;
      else if (predicted[i] === l) fp++;
      else if (truth[i] === l) fn++;
    }
    return tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  });
  return { accuracy: correct / truth.length, macroF1: f1s.reduce((a, b) => a + b, 0) / labels.length };
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
  return { deskName: "bench", timezone: "UTC", roles: {}, teams: [], categories, services: [], priorityMatrix: { high: { high: "P1", medium: "P2", low: "P3" }, medium: { high: "P2", medium: "P3", low: "P4" }, low: { high: "P3", medium: "P4", low: "P4" } }, defaults: { type: "incident", impact: "medium", urgency: "medium" } };
}

export interface Evaluation {
  name: string;
  n: { train: number; test: number; labels: number };
  rows: [string, Score][];
  trainMs: number;
}

/** The learned classifier, the rules-only baseline, rules-then-model (what the desk does) and the majority class. */
export function evaluate(name: string, examples: Example[], withRules = true): Evaluation {
  const { train, test } = splitByOrder(examples);
  const truth = test.map((e) => e.label);
  const t0 = performance.now();
  const model = new NaiveBayes();
  for (const e of train) model.learn(e.text, e.label);
  const trainMs = performance.now() - t0;
  const guesses = test.map((e) => model.guess(e.text));
  const learned = guesses.map((g) => g?.label);
  const counts = new Map<string, number>();
  for (const e of train) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const rows: [string, Score][] = [["naive Bayes (learned)", score(truth, learned)]];
  if (withRules) {
    const settings = derivedRules(train);
    const matches = test.map((e) => ruleCategory(e.text, settings, DEFAULT_TRIAGE));
    rows.push(["keyword rules only", score(truth, matches.map((m) => m?.category))]);
    // What the desk suggests: rules, overridden by a confident model; nothing below suggest_threshold.
    rows.push(["rules + model (the desk's suggestion)", score(truth, test.map((_, i) => combine(matches[i], guesses[i], train.length, DEFAULT_TRIAGE)?.category))]);
  }
  rows.push(["majority class (baseline)", score(truth, test.map(() => majority))]);
  return { name, n: { train: train.length, test: test.length, labels: new Set(examples.map((e) => e.label)).size }, rows, trainMs };
}

export function printEvaluations(evals: Evaluation[]): void {
  console.log("| data set (train/test, labels) | classifier | accuracy | macro-F1 | accuracy vs majority |");
  console.log("|---|---|---|---|---|");
  for (const e of evals) {
    const base = e.rows.find((r) => r[0].startsWith("majority"))![1];
    for (const [label, s] of e.rows) console.log(`| ${e.name} (${e.n.train}/${e.n.test}, ${e.n.labels}) | ${label} | ${(s.accuracy * 100).toFixed(1)}% | ${s.macroF1.toFixed(3)} | ${(s.accuracy / base.accuracy).toFixed(2)}x |`);
  }
}
