import { describe, expect, it } from "vitest";
import type { HistoryLine } from "../../src/core/desk.js";
import { historyText } from "../../src/core/history-text.js";

const at = Date.parse("2026-07-01T08:05:00Z"); // 09:05 in London (summer time)
const line = (l: Partial<HistoryLine>): HistoryLine => ({ at, actor: "ana", platform: "console", action: "status", field: null, from: null, to: null, reason: null, ...l });

describe("history in words", () => {
  it("shows local times, names for keys, words for codes, one line a step", () => {
    const text = historyText(4, [
      line({ actor: "Rita Moreno", platform: "slack", action: "create", field: "status", to: "new", reason: "priority P3 from impact medium x urgency medium" }),
      line({ action: "claimed", field: "status", from: "new", to: "in_progress" }),
      line({ action: "claimed", field: "assignee", from: "slack:UBOB", to: "console:ana" }),
      line({ actor: "Deskhand sla", platform: "system", action: "sla_retarget", field: "resolution", to: "P3 (business hours, new-york)", reason: "24 h -> 24 h (was P3 (business hours, london))" }),
      line({ actor: "Deskhand sla", platform: "system", action: "sla_breach", field: "first_response", to: "2026-07-01T12:00:00.000Z", reason: "told lee" }),
    ], { timezone: "Europe/London", names: new Map([["slack:UBOB", "Bob Stone"], ["console:ana", "ana"]]) });
    expect(text.split("\n")).toEqual([
      "History of #4 (times in Europe/London):",
      "  Wed 1 Jul 09:05  Rita Moreno (via Slack) opened it: status new (priority P3 from impact medium x urgency medium)",
      "  Wed 1 Jul 09:05  ana claimed it: status new -> in progress, assignee Bob Stone -> ana",
      "  Wed 1 Jul 09:05  Deskhand sla SLA target changed: resolution now under P3 (business hours, new-york) (24 h -> 24 h (was P3 (business hours, london)))",
      "  Wed 1 Jul 09:05  Deskhand sla SLA breached: first response due Wed 1 Jul 13:00 (told lee)",
    ]);
  });

  it("says when there is nothing yet", () => {
    expect(historyText(9, [], { timezone: "UTC", names: new Map() })).toBe("#9 has no history yet.");
  });
});
