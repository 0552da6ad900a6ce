// How due times read on a card and in messages: "Respond by 14:30 (in 45 min)", "Resolve by Thu 10:00",
// "Breached 20 min ago", in a given time zone.
import { TZDate } from "@date-fns/tz";
import { differenceInCalendarDays, format } from "date-fns";

/** "45 min", "2 h 15 min", "30 h", "5 d 4 h": minutes are rounded up so "in 1 min" never shows as "in 0 min". */
export function formatSpan(ms: number): string {
  const mins = Math.max(0, Math.ceil(ms / 60_000));
  if (mins < 60) return `${mins} min`;
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  // Hours up to four days: a business-time target of "24 h" is three working days, not "1 d".
  if (h < 96) return m ? `${h} h ${m} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** A moment as people say it from `now`: "14:30" today, "Thu 10:00" this week, "3 Dec 10:00" beyond. */
export function formatMoment(at: number, now: number, tz: string): string {
  const when = new TZDate(at, tz);
  const today = new TZDate(now, tz);
  const days = differenceInCalendarDays(when, today);
  if (days === 0) return format(when, "HH:mm");
  if (days > 0 && days < 7) return format(when, "EEE HH:mm");
  return format(when, "d MMM HH:mm");
}

/** "Respond by 14:30 (in 45 min)" before the due time, "Breached 20 min ago" after. */
export function dueText(verb: string, at: number, now: number, tz: string): string {
  if (at <= now) return `Breached ${formatSpan(now - at)} ago`;
  const soon = at - now < 24 * 3600_000 ? ` (in ${formatSpan(at - now)})` : "";
  return `${verb} by ${formatMoment(at, now, tz)}${soon}`;
}
