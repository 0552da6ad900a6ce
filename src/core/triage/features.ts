// Text to features for the classifier and the duplicate search: words, word pairs, and character
// trigrams of words (so "wi-fi", "wifi" and "wif1" still share most of their features).

const STOP = new Set(
  "a an and are as at be been but by can could do does for from has have hi hello i i'm im in is it its me my no not of on or our please so that the their there this thanks thank to us was we were what when which will with you your".split(" "),
);

/** Lower-cased words of letters and digits, stop words dropped. */
export function words(text: string): string[] {
  const all = text.toLowerCase().replace(/[-_]/g, "").match(/[\p{L}\p{N}]+/gu) ?? [];
  return all.filter((w) => !STOP.has(w) && w.length > 1);
}

/** The classifier's features: words, adjacent word pairs and character trigrams within padded words. */
export function features(text: string): string[] {
  const ws = words(text);
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    out.push(`w:${w}`);
    if (i + 1 < ws.length) out.push(`b:${w}_${ws[i + 1]}`);
    const padded = `^${w}$`;
    for (let j = 0; j + 3 <= padded.length; j++) out.push(`c:${padded.slice(j, j + 3)}`);
  }
  return out;
}
