import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/capabilities/sla/config.js";
import { parseSettings } from "../../../src/settings.js";
import { EXAMPLE_SETTINGS } from "../../helpers/desk.js";

const example = readFileSync(EXAMPLE_SETTINGS, "utf8");
/** The example file with one line of its sla section replaced, and the line number that edit is on. */
function withLine(find: string, replace: string): { text: string; line: number } {
  const lines = example.split("\n");
  const i = lines.findIndex((l) => l.includes(find));
  if (i < 0) throw new Error(`the example has no line with ${find}`);
  lines[i] = lines[i]!.replace(find, replace);
  return { text: lines.join("\n"), line: i + 1 };
}

describe("the sla: section of the settings file", () => {
  it("the committed example has calendars, policies and the ladder", () => {
    const sla = parseSettings(example, "x.yaml").sla!;
    expect(sla.calendars.map((c) => c.name)).toEqual(["london", "new-york"]);
    expect(sla.policies[0]).toMatchObject({ priority: "P1", first_response: 15 * 60_000, resolution: 4 * 3600_000, time: "calendar" });
    expect(sla.escalation).toMatchObject({ warn_at: 75, raise_priority: true });
  });

  it.each([
    ["unknown priority", "{ priority: P2, first_response: 1h", "{ priority: P7, first_response: 1h", "sla.policies.1.priority: Invalid option"],
    [
      "negative target",
      "first_response: 4h, resolution: 24h",
      "first_response: -4h, resolution: 24h",
      "sla.policies.2.first_response: a target cannot be negative",
    ],
    [
      "negative minutes",
      "first_response: 8h, resolution: 40h",
      "first_response: -30, resolution: 40h",
      "sla.policies.3.first_response: a target must be a positive number of minutes",
    ],
    ["bad time zone", "timezone: America/New_York", "timezone: America/Gotham", "sla.calendars.1.timezone: not a time zone"],
    [
      "malformed holiday",
      "holidays: [2026-11-26, 2026-12-25]",
      "holidays: [2026-11-31, 2026-12-25]",
      "sla.calendars.1.holidays.0: expected a date written YYYY-MM-DD",
    ],
    [
      "holiday that is not a date",
      "holidays: [2026-11-26, 2026-12-25]",
      "holidays: [26/11/2026, 2026-12-25]",
      "sla.calendars.1.holidays.0: expected a date written YYYY-MM-DD",
    ],
    ["bad hours", 'hours: { start: "08:00", end: "18:00" }', 'hours: { start: "08:00", end: "25:00" }', "sla.calendars.1.hours.end: expected a time of day"],
    ["unknown calendar", "Network: new-york", "Network: tokyo", 'sla.team_calendars.Network: no calendar is named "tokyo"'],
    ["unknown team for a lead", "Network: console:lee", "Netwrok: console:lee", 'sla.escalation.leads.Netwrok: no team is named "Netwrok"'],
    ["unknown key", "raise_priority: true", "raise_priority: true\n    escalate_to: nobody", 'sla.escalation: Unrecognized key: "escalate_to"'],
  ])("stops with file, line and field: %s", (_what, find, replace, message) => {
    const { text, line } = withLine(find, replace);
    expect(() => parseSettings(text, "desk.yaml")).toThrow(`desk.yaml:${_what === "unknown key" ? line + 1 : line}: ${message}`);
  });

  it("needs a plain policy for every priority, so no ticket goes without a clock", () => {
    const { text } = withLine(
      "- { priority: P4, first_response: 8h, resolution: 40h }",
      "- { priority: P4, type: question, first_response: 8h, resolution: 40h }",
    );
    expect(() => parseSettings(text, "desk.yaml")).toThrow(/desk\.yaml:\d+: sla\.policies: no policy for P4 without type or team/);
  });

  it("reads durations", () => {
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("2d")).toBe(48 * 3600_000);
    expect(parseDuration(45)).toBe(45 * 60_000);
    expect(parseDuration("0m")).toBe("a target must be longer than zero");
    expect(parseDuration("soon")).toMatch(/expected a duration/);
  });
});
