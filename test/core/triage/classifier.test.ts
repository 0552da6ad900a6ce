import { describe, expect, it } from "vitest";
import { NaiveBayes } from "../../../src/core/triage/classifier.js";
import { features, words } from "../../../src/core/triage/features.js";
import { similarity } from "../../../src/core/triage/store.js";

describe("the classifier's features", () => {
  it("are words without stop words, word pairs, and character trigrams of each word", () => {
    expect(words("The Wi-Fi is DOWN for me, please!")).toEqual(["wifi", "down"]);
    expect(features("wifi down")).toEqual(["w:wifi", "b:wifi_down", "c:^wi", "c:wif", "c:ifi", "c:fi$", "w:down", "c:^do", "c:dow", "c:own", "c:wn$"]);
  });
});

describe("multinomial naive Bayes", () => {
  const trained = () => {
    const m = new NaiveBayes(["Network", "Hardware", "Access"]);
    for (const t of ["wifi drops on floor 3", "vpn will not connect", "wifi slow in the lab", "network cable unplugged"]) m.learn(t, "Network");
    for (const t of ["printer jams", "laptop screen cracked", "printer out of toner", "monitor flickers"]) m.learn(t, "Hardware");
    for (const t of ["password expired", "locked out of my account", "need access to the finance share"]) m.learn(t, "Access");
    return m;
  };

  it("guesses the label whose words the text shares, with a confidence between 0 and 1", () => {
    const m = trained();
    const g = m.guess("the wifi on floor 2 drops")!;
    expect(g.label).toBe("Network");
    expect(g.confidence).toBeGreaterThan(0.5);
    expect(g.confidence).toBeLessThanOrEqual(1);
    expect(m.guess("printer toner")!.label).toBe("Hardware");
    expect(m.guess("account password")!.label).toBe("Access");
  });

  it("knows nothing before it learns, and says nothing about words it never saw", () => {
    expect(new NaiveBayes(["Network"]).guess("wifi")).toBeUndefined();
    expect(trained().guess("zzzz qqqq")).toBeUndefined();
  });

  it("learns one example at a time: a correction moves the next similar guess", () => {
    const m = trained();
    expect(m.guess("badge reader beeps")?.label).not.toBe("Access");
    m.learn("badge reader at the door beeps red", "Access");
    expect(m.guess("badge reader beeps")!.label).toBe("Access");
    expect(m.examples).toBe(12);
  });

  it("is less sure of a short ambiguous text than of a clear one", () => {
    const m = trained();
    expect(m.guess("wifi printer")!.confidence).toBeLessThan(m.guess("wifi drops on floor 3 vpn network")!.confidence);
  });
});

describe("duplicate similarity", () => {
  it("is 1 for the same words in another order and 0 for nothing in common", () => {
    expect(similarity({ title: "wifi down on the 3rd floor", description: "" }, { title: "3rd floor wifi down", description: "" })).toBe(1);
    expect(similarity({ title: "printer out of toner", description: "" }, { title: "vpn certificate expired", description: "" })).toBe(0);
    const some = similarity({ title: "wifi drops", description: "since 9" }, { title: "wifi dropped again", description: "" });
    expect(some).toBeGreaterThan(0.3);
    expect(some).toBeLessThan(1);
  });
});
