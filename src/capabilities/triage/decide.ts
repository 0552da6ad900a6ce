// Rules and the learned model together. A configured rule (keywords, patterns) is the admin's own routing and
// decides where it matches; the model covers what no rule matches. Where a rule and the model disagree, the
// rule's record decides: on the tickets held back from training, and on agents' later corrections, was the
// rule or the model right more often when they disagreed on this category? On a fresh desk (a model never
// measured) and for a category the model never learned, the rule keeps its word; once the model has been
// measured, a disagreeing rule wins only with a clearly better record, and only where that record (the chance
// it wins the next disagreement) is above the model's confidence in this very guess: the model's calibrated
// confidence is the chance it is right, so the rule takes only the tickets where it is the likelier of the two.
import type { Guess, Ranked } from "./classifier.js";
import type { RuleMatch } from "./infer.js";
import { counted } from "../../core/text.js";

export interface Suggestion {
  category: string;
  /** Calibrated probability of the category (the model's), or the rule's share of matches when the model knows nothing. */
  confidence: number;
  source: "rule" | "model";
  reason: string;
  /** The model's categories, best first (the card's Change button offers them first). */
  ranked: Ranked[];
  /** What the model alone said, when it said something else than the rule. */
  modelCategory: string | null;
}

/** Per rule category: disagreements with the model the rule won, and those the model won. */
export type RuleRecord = Map<string, { rule: number; model: number }>;

/** A record from examples whose truth is known and the model's guess on each was made without seeing it. */
export function ruleRecordFrom(guesses: { text: string; truth: string; guess: string }[], ruleOf: (text: string) => RuleMatch | undefined): RuleRecord {
  const out: RuleRecord = new Map();
  for (const g of guesses) {
    const r = ruleOf(g.text);
    if (!r || r.category === g.guess) continue;
    const tally = out.get(r.category) ?? { rule: 0, model: 0 };
    if (g.truth === r.category) tally.rule++;
    else if (g.truth === g.guess) tally.model++;
    out.set(r.category, tally);
  }
  return out;
}

export function addRecords(a: RuleRecord, b: RuleRecord): RuleRecord {
  const out: RuleRecord = new Map([...a].map(([k, v]) => [k, { ...v }]));
  for (const [k, v] of b) {
    const t = out.get(k) ?? { rule: 0, model: 0 };
    out.set(k, { rule: t.rule + v.rule, model: t.model + v.model });
  }
  return out;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Whether the rule beat the model by more than chance would explain: its lead over the model is more than twice
 * the spread a coin would give over as many disagreements (a sign test at about 2 sigma), so a lucky streak of
 * one or two does not make the desk follow a rule where the model is right more often.
 */
export function clearlyBetter(t: { rule: number; model: number }): boolean {
  return t.rule - t.model > 2 * Math.sqrt(t.rule + t.model);
}

/**
 * Whether, for this ticket, the rule is likelier right than the model: the chance the rule wins their next
 * disagreement, from its record by Laplace's rule of succession ((won + 1) / (disagreements + 2): 6 of 6 says
 * 7 in 8, not certainty), above the model's calibrated confidence in its own guess. A rule that is usually
 * right against the model still gives way where the model is surer than that.
 */
export function ruleBeats(t: { rule: number; model: number }, modelConfidence: number): boolean {
  return (t.rule + 1) / (t.rule + t.model + 2) > modelConfidence;
}

/** What combine needs to know of the model: how much it learned, whether it was measured, which labels it knows. */
export interface ModelStanding {
  examples: number;
  heldBackCount: number;
  knows(label: string): boolean;
}

/**
 * The category to suggest (or apply). Where a rule matches: the rule, when the model agrees, when there is no
 * record and the model cannot judge (it was never measured on held-back tickets, or never learned the rule's
 * category), or when the rule's record is clearly better than the model's and beats the model's confidence in
 * this guess; else the model's guess, with the rule it overrode in the reason.
 * Where no rule matches: the model's guess at `suggestThreshold` or above; else nothing.
 */
export function combine(
  rule: RuleMatch | undefined,
  g: Guess | undefined,
  record: RuleRecord,
  model: ModelStanding,
  suggestThreshold: number,
): Suggestion | undefined {
  const ranked = g?.ranked.slice(0, 3) ?? [];
  const guess = g
    ? {
        category: g.label,
        confidence: g.confidence,
        source: "model" as const,
        reason: `model: trained on ${counted(model.examples, "ticket")}`,
        ranked,
        modelCategory: g.label,
      }
    : undefined;
  if (rule) {
    const agrees = !g || g.label === rule.category;
    const tally = record.get(rule.category) ?? { rule: 0, model: 0 };
    // With no record, the model cannot judge a rule before it was measured, nor on a category it never learned.
    const unjudged = tally.rule + tally.model === 0 && (model.heldBackCount === 0 || !model.knows(rule.category));
    if (agrees || unjudged || (clearlyBetter(tally) && ruleBeats(tally, g!.confidence))) {
      const p = g?.ranked.find((r) => r.label === rule.category)?.p;
      const note = agrees ? (g ? `; the model agrees (${pct(g.confidence)})` : "") : `; over the model's ${g!.label} (${pct(g!.confidence)})`;
      return {
        category: rule.category,
        confidence: p ?? rule.confidence,
        source: "rule",
        reason: `${rule.reason}${note}`,
        ranked,
        modelCategory: g?.label ?? null,
      };
    }
    return {
      ...guess!,
      reason: `${guess!.reason}, over ${rule.reason} (the rule was right ${tally.rule} of ${tally.rule + tally.model} times they disagreed)`,
    };
  }
  if (!guess || guess.confidence < suggestThreshold) return undefined;
  return guess;
}
