import { describe, expect, it } from "vitest";
import { Calendar } from "../../../src/capabilities/sla/calendar.js";

const H = 3600_000;
const london = new Calendar({
  name: "london",
  timezone: "Europe/London",
  hours: { start: "09:00", end: "17:30" },
  days: ["mon", "tue", "wed", "thu", "fri"],
  holidays: ["2026-12-25", "2026-12-28"],
});
const newYork = new Calendar({
  name: "ny",
  timezone: "America/New_York",
  hours: { start: "08:00", end: "18:00" },
  days: ["mon", "tue", "wed", "thu", "fri"],
  holidays: ["2026-11-26"],
});
const at = (s: string) => Date.parse(s);
const iso = (n: number) => new Date(n).toISOString().replace(".000", "");

describe("business-time arithmetic", () => {
  it.each([
    ["inside one working day", london, "2026-11-24T10:00:00Z", 2 * H, "2026-11-24T12:00:00Z"],
    ["across a night", london, "2026-11-24T16:00:00Z", 4 * H, "2026-11-25T11:30:00Z"],
    ["opened at night: counting starts at 09:00", london, "2026-11-24T22:15:00Z", 1 * H, "2026-11-25T10:00:00Z"],
    ["across a weekend", london, "2026-11-27T17:00:00Z", 1 * H, "2026-11-30T09:30:00Z"],
    ["opened on a Saturday", london, "2026-11-28T11:00:00Z", 30 * 60_000, "2026-11-30T09:30:00Z"],
    ["across Christmas and a bank holiday", london, "2026-12-24T16:30:00Z", 2 * H, "2026-12-29T10:00:00Z"],
    ["a whole working week (42.5 h) lands a week later", london, "2026-11-24T09:00:00Z", 42.5 * H, "2026-11-30T17:30:00Z"],
    // London leaves summer time on Sun 25 Oct 2026: Friday's 09:00 is 08:00 UTC, Monday's is 09:00 UTC.
    ["across the autumn DST change", london, "2026-10-23T15:30:00Z", 2 * H, "2026-10-26T10:00:00Z"],
    // London enters summer time on Sun 28 Mar 2027: Friday's 17:30 is 17:30 UTC, Monday's 09:00 is 08:00 UTC.
    ["across the spring DST change", london, "2027-03-26T16:30:00Z", 3 * H, "2027-03-29T10:00:00Z"],
    // New York leaves DST on Sun 1 Nov 2026 (UTC-4 -> UTC-5) and closes for Thanksgiving on 26 Nov.
    ["New York across its DST change", newYork, "2026-10-30T21:00:00Z", 2 * H, "2026-11-02T14:00:00Z"],
    ["New York across Thanksgiving", newYork, "2026-11-25T22:30:00Z", 1 * H, "2026-11-27T13:30:00Z"],
  ])("%s", (_what, cal, from, ms, due) => {
    const result = cal.addBusiness(at(from), ms);
    expect(iso(result)).toBe(due.replace(".000", ""));
    // Counting the business time back between the two moments gives the target again.
    expect(cal.businessBetween(at(from), result)).toBe(ms);
  });

  it("counts no time over a weekend, a holiday or a night", () => {
    expect(london.businessBetween(at("2026-11-27T17:30:00Z"), at("2026-11-30T09:00:00Z"))).toBe(0);
    expect(london.businessBetween(at("2026-12-25T00:00:00Z"), at("2026-12-26T00:00:00Z"))).toBe(0);
    expect(london.businessBetween(at("2026-11-24T18:00:00Z"), at("2026-11-25T08:59:00Z"))).toBe(0);
    expect(london.businessBetween(at("2026-11-25T10:00:00Z"), at("2026-11-24T10:00:00Z"))).toBe(0);
  });

  it("a DST day still has its local working hours (8.5 h), not 8.5 h of UTC", () => {
    // Monday after the spring change: 09:00-17:30 BST is 08:00-16:30 UTC.
    expect(london.businessBetween(at("2027-03-29T00:00:00Z"), at("2027-03-30T00:00:00Z"))).toBe(8.5 * H);
    expect(london.businessBetween(at("2027-03-29T08:00:00Z"), at("2027-03-29T16:30:00Z"))).toBe(8.5 * H);
  });

  it("refuses a calendar that never works instead of looping", () => {
    const never = new Calendar({ name: "never", timezone: "UTC", hours: { start: "09:00", end: "17:00" }, days: ["mon"], holidays: [] });
    const allMondaysOff = new Calendar({
      ...never.spec,
      holidays: Array.from({ length: 600 }, (_, i) => new Date(Date.UTC(2026, 10, 30) + i * 7 * 86400_000).toISOString().slice(0, 10)),
    });
    expect(() => allMondaysOff.addBusiness(at("2026-11-24T10:00:00Z"), 10 * 8 * H)).toThrow('calendar "never" has no working time');
  });
});
