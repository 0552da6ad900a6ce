// Business-time arithmetic on a calendar: working hours in the calendar's own time zone, working days,
// holidays. Each day's window is built as wall-clock times in that zone (TZDate), so a DST change moves
// the window's UTC instants and never its local hours.
import { TZDate } from "@date-fns/tz";
import { addDays, format } from "date-fns";
import { WEEKDAYS, type SlaCalendar } from "./config.js";

/** More than ten years of days without one working hour means the calendar cannot be satisfied. */
const MAX_DAYS = 3660;

export class Calendar {
  private readonly days: Set<number>;
  private readonly holidays: Set<string>;
  private readonly start: [number, number];
  private readonly end: [number, number];

  constructor(readonly spec: SlaCalendar) {
    this.days = new Set(spec.days.map((d) => WEEKDAYS.indexOf(d)));
    this.holidays = new Set(spec.holidays);
    this.start = hm(spec.hours.start);
    this.end = hm(spec.hours.end);
  }

  get name(): string {
    return this.spec.name;
  }

  get timezone(): string {
    return this.spec.timezone;
  }

  /** The working window [from, to) of the local day containing `at`, or null when that day is off. */
  private windowOf(day: TZDate): [number, number] | null {
    if (!this.days.has(day.getDay()) || this.holidays.has(format(day, "yyyy-MM-dd"))) return null;
    const y = day.getFullYear();
    const m = day.getMonth();
    const d = day.getDate();
    const from = new TZDate(y, m, d, this.start[0], this.start[1], this.timezone).getTime();
    const to = new TZDate(y, m, d, this.end[0], this.end[1], this.timezone).getTime();
    return [from, to];
  }

  /**
   * Days are looked up for every ticket change (due dates, pauses), and building TZDates is the costly part,
   * so each local day's window is computed once. Zone offsets are whole quarter hours, so every instant in one
   * quarter hour falls in the same local day.
   */
  private readonly dayCache = new Map<number, { window: [number, number] | null; nextDay: number }>();
  private readonly dayStartCache = new Map<number, number>();

  private dayStartOf(at: number): number {
    const quarter = Math.floor(at / 900_000);
    let start = this.dayStartCache.get(quarter);
    if (start === undefined) {
      const local = new TZDate(at, this.timezone);
      start = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), this.timezone).getTime();
      if (this.dayStartCache.size > 50_000) this.dayStartCache.clear();
      this.dayStartCache.set(quarter, start);
    }
    return start;
  }

  private dayAt(start: number): { window: [number, number] | null; nextDay: number } {
    let entry = this.dayCache.get(start);
    if (!entry) {
      const day = new TZDate(start, this.timezone);
      entry = { window: this.windowOf(day), nextDay: addDays(day, 1).getTime() };
      if (this.dayCache.size > 50_000) this.dayCache.clear();
      this.dayCache.set(start, entry);
    }
    return entry;
  }

  /** Local midnight of each day from the one containing `at`, with its working window. */
  private *daysFrom(at: number): Generator<{ window: [number, number] | null; nextDay: number }> {
    let start = this.dayStartOf(at);
    for (let i = 0; i < MAX_DAYS; i++) {
      const entry = this.dayAt(start);
      yield entry;
      start = entry.nextDay;
    }
    throw new Error(`calendar "${this.name}" has no working time in ${MAX_DAYS} days (check its days and holidays)`);
  }

  /** The instant `ms` of working time after `from`. */
  addBusiness(from: number, ms: number): number {
    let left = ms;
    for (const { window } of this.daysFrom(from)) {
      if (!window) continue;
      const a = Math.max(window[0], from);
      const b = window[1];
      if (a >= b) continue;
      if (b - a >= left) return a + left;
      left -= b - a;
    }
    /* c8 ignore next */
    throw new Error("unreachable");
  }

  /** Working time between two instants (0 when `to` is not after `from`). */
  businessBetween(from: number, to: number): number {
    if (to <= from) return 0;
    let total = 0;
    for (const { window, nextDay } of this.daysFrom(from)) {
      if (window) total += Math.max(0, Math.min(window[1], to) - Math.max(window[0], from));
      if (nextDay >= to) return total;
    }
    /* c8 ignore next */
    return total;
  }
}

function hm(s: string): [number, number] {
  const [h, m] = s.split(":").map(Number);
  return [h!, m!];
}

/** Counts time on a calendar (business hours) or around the clock. */
export interface TimeBase {
  add(from: number, ms: number): number;
  between(from: number, to: number): number;
}

export const wallClock: TimeBase = { add: (from, ms) => from + ms, between: (from, to) => Math.max(0, to - from) };

export function businessTime(cal: Calendar): TimeBase {
  return { add: (from, ms) => cal.addBusiness(from, ms), between: (from, to) => cal.businessBetween(from, to) };
}
