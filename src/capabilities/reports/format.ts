// How the report writes its figures, shared by the text and the chart's labels so both say the same thing.
export function duration(ms: number | null): string {
  if (ms === null) return "n/a";
  const m = ms / 60_000;
  if (m < 60) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}

export const pct = (r: number | null) => (r === null ? "n/a" : `${(r * 100).toFixed(1)}%`);

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
