import { describe, expect, it } from "vitest";
import type { Guess } from "../../../src/capabilities/triage/classifier.js";
import { clearlyBetter, combine, ruleBeats, ruleRecordFrom, type RuleRecord } from "../../../src/capabilities/triage/decide.js";
import type { RuleMatch } from "../../../src/capabilities/triage/infer.js";

const rule = { category: "Software", confidence: 1, reason: 'rule: keyword "outlook"' };
const guess = (label: string, p: number): Guess => ({
  label,
  confidence: p,
  ranked: [
    { label, p },
    { label: label === "Access" ? "Software" : "Access", p: 1 - p },
  ],
});
const measured = { examples: 500, heldBackCount: 100, knows: () => true };
const fresh = { examples: 0, heldBackCount: 0, knows: () => false };

describe("rules and the model together", () => {
  it("a rule decides where the model agrees, or cannot judge (fresh desk, or a category it never learned)", () => {
    expect(combine(rule, guess("Software", 0.9), new Map(), measured, 0.3)).toMatchObject({
      category: "Software",
      source: "rule",
      reason: 'rule: keyword "outlook"; the model agrees (90%)',
    });
    expect(combine(rule, undefined, new Map(), fresh, 0.3)).toMatchObject({ category: "Software", source: "rule", confidence: 1 });
    expect(combine(rule, guess("Access", 0.7), new Map(), { ...measured, knows: (l: string) => l !== "Software" }, 0.3)).toMatchObject({
      category: "Software",
      source: "rule",
    });
  });

  it("a measured model that disagrees wins unless the rule's record is clearly better", () => {
    expect(combine(rule, guess("Access", 0.7), new Map(), measured, 0.3)).toMatchObject({ category: "Access", source: "model" });
    const record: RuleRecord = new Map([["Software", { rule: 9, model: 1 }]]);
    expect(combine(rule, guess("Access", 0.7), record, measured, 0.3)).toMatchObject({
      category: "Software",
      source: "rule",
      reason: 'rule: keyword "outlook"; over the model\'s Access (70%)',
    });
    expect(combine(rule, guess("Access", 0.7), new Map([["Software", { rule: 3, model: 2 }]]), measured, 0.3)).toMatchObject({
      category: "Access",
      source: "model",
      reason: 'model: trained on 500 tickets, over rule: keyword "outlook" (the rule was right 3 of 5 times they disagreed)',
    });
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

  it("a rule with a clearly better record still gives way where the model is surer than the rule's record", () => {
    const record: RuleRecord = new Map([["Software", { rule: 9, model: 1 }]]);
    // 9 of 10 says the rule wins the next disagreement 10 times in 12; 6 of 6, 7 in 8 (not certainty).
    expect(ruleBeats({ rule: 9, model: 1 }, 0.83)).toBe(true);
    expect(ruleBeats({ rule: 9, model: 1 }, 0.84)).toBe(false);
    expect(ruleBeats({ rule: 6, model: 0 }, 0.87)).toBe(true);
    expect(ruleBeats({ rule: 6, model: 0 }, 0.94)).toBe(false);
    expect(combine(rule, guess("Access", 0.95), record, measured, 0.3)).toMatchObject({ category: "Access", source: "model" });
  });

  it("per ticket, the likelier of rule and model decides: the rule where the model is unsure, the model where it is sure", () => {
    // "monitor" is a Hardware rule. Held back: the rule beat the model on 20 plain "monitor flickers" tickets the
    // model was unsure of, and lost 5 "monitor grafana dashboard" tickets the model was sure of.
    const monitorRule = { category: "Hardware", confidence: 1, reason: 'rule: keyword "monitor"' };
    const ruleOf = (text: string): RuleMatch | undefined => (text.includes("monitor") ? monitorRule : undefined);
    const plain = { text: "monitor flickers", truth: "Hardware", guess: "Software", confidence: 0.55 };
    const grafana = { text: "monitor grafana dashboard", truth: "Software", guess: "Software", confidence: 0.97 };
    const heldBack = [...Array(20).fill(plain), ...Array(5).fill(grafana)] as (typeof plain)[];
    const record = ruleRecordFrom(heldBack, ruleOf);
    expect(record.get("Hardware")).toEqual({ rule: 20, model: 5 });
    // New tickets of both kinds: each goes to whichever of the two is likelier right for it.
    const right = (t: typeof plain) => combine(ruleOf(t.text), guess(t.guess, t.confidence), record, measured, 0)?.category === t.truth;
    expect(heldBack.filter(right).length).toBe(25);
    expect(heldBack.filter((t) => t.guess === t.truth).length).toBe(5);
  });
});
