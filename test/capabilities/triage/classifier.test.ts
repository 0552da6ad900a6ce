import { describe, expect, it } from "vitest";
import { LogisticModel, calibrate, fitCalibration, fitTemperature, lbfgs } from "../../../src/capabilities/triage/classifier.js";
import { Vectorizer, features, words } from "../../../src/capabilities/triage/features.js";
import { CATEGORIES, expectedCalibrationError, syntheticTickets } from "./synthetic.js";

describe("the classifier's features", () => {
  it("are words without stop words, word pairs, and character 3- to 5-grams of each padded word, counted", () => {
    expect(words("The Wi-Fi is DOWN for me, please!")).toEqual(["wifi", "down"]);
    const f = features("wifi down wifi");
    expect(f.get("w:wifi")).toBe(2);
    expect(f.get("b:wifi_down")).toBe(1);
    expect(f.get("b:down_wifi")).toBe(1);
    for (const gram of ["c:^wi", "c:wif", "c:ifi$", "c:^wifi", "c:wn$"]) expect(f.has(gram)).toBe(true);
    // Three to five characters, never across words.
    expect(f.has("c:^w")).toBe(false);
    expect(f.has("c:wifid")).toBe(false);
  });

  it("are weighed by TF-IDF into a vector of length 1, rarer words weighing more", () => {
    const v = new Vectorizer();
    v.fit(["wifi down", "wifi slow", "wifi gone", "printer jams"]);
    const x = v.transform("wifi printer");
    expect(Math.hypot(...x.value)).toBeCloseTo(1, 10);
    const weightOf = (text: string) => {
      const only = v.transform(text);
      return only.value[0]!;
    };
    // Alone in its group each is 1/sqrt(2) long; together the rarer "printer" takes the larger share.
    expect(weightOf("wifi")).toBeCloseTo(weightOf("printer"), 10);
    const words = x.index.map((id, i) => ({ id, value: x.value[i]! })).slice(0, 2);
    expect(words[1]!.value).toBeGreaterThan(words[0]!.value);
    expect(v.transform("zzz").index).toEqual([]);
  });
});

describe("L-BFGS", () => {
  it("finds the minimum of a badly scaled quadratic", () => {
    const centre = [3, -2, 0.5];
    const scale = [1, 100, 0.01];
    const w = lbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < 3; i++) {
          const d = x[i]! - centre[i]!;
          f += scale[i]! * d * d;
          g[i] = 2 * scale[i]! * d;
        }
        return f;
      },
      new Float64Array(3),
      200,
    );
    for (let i = 0; i < 3; i++) expect(w[i]).toBeCloseTo(centre[i]!, 3);
  });

  it("fits the temperature that makes overconfident logits honest", () => {
    // Logits that say 95% for guesses right only 70% of the time want a temperature above 1.
    const logits: number[][] = [];
    const truth: number[] = [];
    for (let i = 0; i < 100; i++) {
      logits.push([Math.log(19), 0]);
      truth.push(i < 70 ? 0 : 1);
    }
    const t = fitTemperature(logits, truth);
    expect(t).toBeGreaterThan(1);
    expect(1 / (1 + Math.exp(-Math.log(19) / t))).toBeCloseTo(0.7, 2);
  });

  it("fits a floor where some labels are slips: sure scores that are right 9 times in 10 say 90%, unsure ones stay unsure", () => {
    const logits: number[][] = [];
    const truth: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Clear tickets: scores 10 apart, yet one in ten was filed under the other label.
      logits.push([10, 0]);
      truth.push(i % 10 === 0 ? 1 : 0);
      // Unclear ones: scores 0.5 apart, right 60% of the time.
      logits.push([0.5, 0]);
      truth.push(i % 5 < 3 ? 0 : 1);
    }
    const { temperature, floor } = fitCalibration(logits, truth);
    expect(calibrate([10, 0], temperature, floor)[0]).toBeCloseTo(0.9, 1);
    expect(calibrate([0.5, 0], temperature, floor)[0]).toBeCloseTo(0.6, 1);
    // A temperature alone cannot say both.
    const t = fitTemperature(logits, truth);
    expect(Math.abs(calibrate([10, 0], t, 0)[0]! - 0.9) + Math.abs(calibrate([0.5, 0], t, 0)[0]! - 0.6)).toBeGreaterThan(0.05);
  });
});

describe("the category model (linear SVM, calibrated)", () => {
  const small = () => {
    const m = new LogisticModel(["Network", "Hardware", "Access"]);
    const ex = [
      ...["wifi drops on floor 3", "vpn will not connect", "wifi slow in the lab", "network cable unplugged"].map((text) => ({ text, label: "Network" })),
      ...["printer jams", "laptop screen cracked", "printer out of toner", "monitor flickers"].map((text) => ({ text, label: "Hardware" })),
      ...["password expired", "locked out of my account", "need access to the finance share"].map((text) => ({ text, label: "Access" })),
    ];
    m.fit(ex);
    return m;
  };

  it("guesses the label whose words the text shares, with probabilities that sum to 1", () => {
    const m = small();
    const g = m.guess("the wifi on floor 2 drops")!;
    expect(g.label).toBe("Network");
    expect(g.confidence).toBeGreaterThan(1 / 3);
    expect(g.ranked.map((r) => r.p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(g.ranked[0]).toEqual({ label: "Network", p: g.confidence });
    expect(m.guess("printer toner")!.label).toBe("Hardware");
    expect(m.guess("account password")!.label).toBe("Access");
  });

  it("knows nothing before it learns, and says nothing about words it never saw", () => {
    expect(new LogisticModel(["Network", "Hardware"]).guess("wifi")).toBeUndefined();
    expect(small().guess("zzzz qqqq")).toBeUndefined();
  });

  it("learns from a correction: the next similar ticket follows it, and unlearning takes it back", () => {
    const m = small();
    const before = m.guess("badge reader beeps")?.label;
    expect(before).not.toBe("Access");
    const lesson = m.learn("badge reader at the door beeps red", "Access");
    expect(m.guess("badge reader beeps")!.label).toBe("Access");
    expect(m.examples).toBe(12);
    m.unlearn(lesson, "Access");
    expect(m.guess("badge reader beeps")?.label).toBe(before);
    expect(m.examples).toBe(11);
  });

  it("learns a category it has never seen", () => {
    const m = small();
    m.learn("new starter needs a desk phone", "Telephony");
    expect(m.guess("desk phone for new starter")!.label).toBe("Telephony");
  });

  it("is calibrated on a noisy synthetic desk: its confidence on unseen tickets is how often it is right", () => {
    const m = new LogisticModel();
    m.fit(syntheticTickets(1000, 1, 0.1));
    expect(m.heldBackCount).toBe(200);
    const test = syntheticTickets(1000, 101, 0.1);
    const guesses = test.map((e) => {
      const g = m.guess(e.text)!;
      return { confidence: g.confidence, right: g.label === e.label };
    });
    const accuracy = guesses.filter((g) => g.right).length / guesses.length;
    const meanConfidence = guesses.reduce((s, g) => s + g.confidence, 0) / guesses.length;
    expect(accuracy).toBeGreaterThan(0.6);
    expect(Math.abs(meanConfidence - accuracy)).toBeLessThan(0.05);
    // What temperature and floor reach on this seeded set (0.02); a softmax's temperature alone left 0.06.
    expect(expectedCalibrationError(guesses)).toBeLessThan(0.05);
  });

  it("auto mode by precision: the threshold for 90% keeps unseen guesses above it right about 90% of the time", () => {
    const m = new LogisticModel();
    m.fit(syntheticTickets(1000, 3, 0.05));
    const threshold = m.thresholdFor(0.9);
    expect(threshold).toBeGreaterThan(0.25);
    expect(threshold).toBeLessThan(1);
    const applied = syntheticTickets(1000, 4, 0.05)
      .map((e) => ({ g: m.guess(e.text)!, label: e.label }))
      .filter((x) => x.g.confidence >= threshold);
    expect(applied.length).toBeGreaterThan(100);
    expect(applied.filter((x) => x.g.label === x.label).length / applied.length).toBeGreaterThan(0.85);
    // A stricter precision applies fewer; one nothing reaches applies nothing.
    expect(m.thresholdFor(0.97)).toBeGreaterThan(threshold);
    expect(m.thresholdFor(1.01)).toBe(Infinity);
    expect(new LogisticModel(CATEGORIES).thresholdFor(0.9)).toBe(Infinity);
  });
});
