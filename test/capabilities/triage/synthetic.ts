// Small synthetic help-desk sets for the classifier's tests: each ticket draws words from its category's
// vocabulary, some shared filler and now and then another category's word, and a share of labels is wrong,
// as in a real desk's history. Seeded, so every run sees the same tickets.
import type { Example } from "../../../src/capabilities/triage/classifier.js";

const VOCABULARY: Record<string, string[]> = {
  Network: ["wifi", "vpn", "network", "connection", "router", "ethernet", "dns", "proxy", "latency", "hotspot", "signal", "bandwidth"],
  Hardware: ["printer", "laptop", "monitor", "keyboard", "toner", "mouse", "dock", "battery", "screen", "charger", "scanner", "headset"],
  Access: ["password", "account", "login", "permission", "locked", "mfa", "token", "group", "sso", "reset", "credentials", "role"],
  Software: ["outlook", "excel", "teams", "install", "update", "license", "crash", "plugin", "browser", "java", "office365", "zoom"],
};
const FILLER = ["floor", "office", "today", "issue", "morning", "again", "urgent", "since", "room", "building", "colleague", "meeting"];

/** A seeded pseudo-random generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES = Object.keys(VOCABULARY);

/** `n` tickets; `noise` is the share whose label is another category's (an agent's slip). */
export function syntheticTickets(n: number, seed: number, noise = 0.1): Example[] {
  const random = seeded(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const label = pick(CATEGORIES);
    // How clear the ticket is varies: one to four of its category's words, so confidence must vary too.
    const own = 1 + Math.floor(random() * 3);
    const ws = [...Array.from({ length: own }, () => pick(VOCABULARY[label]!)), pick(FILLER), pick(FILLER)];
    if (random() < 0.5) ws.push(pick(VOCABULARY[pick(CATEGORIES)]!));
    ws.sort(() => random() - 0.5);
    out.push({ text: ws.join(" "), label: random() < noise ? pick(CATEGORIES.filter((c) => c !== label)) : label });
  }
  return out;
}

/** Expected calibration error over 10 equal-width confidence bins. */
export function expectedCalibrationError(guesses: { confidence: number; right: boolean }[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, confidence: 0, right: 0 }));
  for (const g of guesses) {
    const b = bins[Math.min(9, Math.floor(g.confidence * 10))]!;
    b.n++;
    b.confidence += g.confidence;
    b.right += g.right ? 1 : 0;
  }
  return bins.reduce((s, b) => s + Math.abs(b.confidence - b.right), 0) / guesses.length;
}
