import { describe, expect, it } from "vitest";
import type { Guess } from "../../../src/capabilities/triage/classifier.js";
import { clearlyBetter, combine, ruleRecordFrom, type RuleRecord } from "../../../src/capabilities/triage/decide.js";

const rule = { category: "Software", confidence: 1, reason: 'rule: keyword "outlook"' };
const guess = (label: string, p: number): Guess => ({ label, confidence: p, ranked: [{ label, p }, { label: label === "Access" ? "Software" : "Access", p: 1 - p }] });
const measured = { examples: 500, heldBackCount: 100, knows: () => true };
const fresh = { examples: 0, heldBackCount: 0, knows: () => false };

describe("rules and the model together", () => {
  it("a rule decides where the model agrees, or cannot judge (fresh desk, or a category it never learned)", () => {
    expect(combine(rule, guess("Software", 0.9), new Map(), measured, 0.3)).toMatchObject({ category: "Software", source: "rule", reason: 'rule: keyword "outlook"; the model agrees (90%)' });
    expect(combine(rule, undefined, new Map(), fresh, 0.3)).toMatchObject({ category: "Software", source: "rule", confidence: 1 });
    expect(combine(rule, guess("Access", 0.7), new Map(), { ...measured, knows: (l: string) => l !== "Software" }, 0.3)).toMatchObject({ category: "Software", source: "rule" });
  });

  it("a measured model that disagrees wins unless the rule's record is clearly better", () => {
    expect(combine(rule, guess("Access", 0.7), new Map(), measured, 0.3)).toMatchObject({ category: "Access", source: "model" });
    const record: RuleRecord = new Map([["Software", { rule: 9, model: 1 }]]);
    expect(combine(rule, guess("Access", 0.7), record, measured, 0.3)).toMatchObject({ category: "Software", source: "rule", reason: 'rule: keyword "outlook"; over the model\'s Access (70%)' });
    expect(combine(rule, guess("Access", 0.7), new Map([["Software", { rule: 3, model: 2 }]]), measured, 0.3)).toMatchObject({ category: "Access", source: "model", reason: 'model: trained on 500 tickets, over rule: keyword "outlook" (the rule was right 3 of 5 times they disagreed)' });
    expect(clearlyBetter({ rule: 4, model: 0 })).toBe(false);
    expect(clearlyBetter({ rule: 5, model: 0 })).toBe(true);
    expect(clearlyBetter({ rule: 10, model: 3 })).toBe(false);
    expect(clearlyBetter({ rule: 12, model: 3 })).toBe(true);
  });

  it("without a rule, the model's guess is suggested from suggest_threshold up", () => {
    expect(combine(undefined, guess("Access", 0.29), new Map(), measured, 0.3)).toBeUndefined();
    expect(combine(undefined, guess("Access", 0.31), new Map(), measured, 0.3)).toMatchObject({ category: "Access", source: "model" });
  });

  it("keeps the record from held-back guesses: who was right where rule and model disagreed", () => {
    const ruleOf = (text: string) => (text.includes("outlook") ? rule : undefined);
    const record = ruleRecordFrom(
      [
        { text: "outlook crashes", truth: "Software", guess: "Access" },
        { text: "outlook calendar", truth: "Access", guess: "Access" },
        { text: "outlook login", truth: "Network", guess: "Access" },
        { text: "outlook search", truth: "Software", guess: "Software" },
        { text: "vpn down", truth: "Network", guess: "Access" },
      ],
      ruleOf,
    );
    expect(record).toEqual(new Map([["Software", { rule: 1, model: 1 }]]));
  });
});
