import { describe, expect, it } from "vitest";
import type { HistoryLine } from "../../src/core/desk.js";
import { historyText } from "../../src/core/history-text.js";

const at = Date.parse("2026-07-01T08:05:00Z"); // 09:05 in London (summer time)
const line = (l: Partial<HistoryLine>): HistoryLine => ({
  at,
  actor: "ana",
  platform: "console",
  action: "status",
  field: null,
  from: null,
  to: null,
  reason: null,
  ...l,
});

describe("history in words", () => {
  it("shows local times, names for keys, words for codes, one line a step", () => {
    const text = historyText(
      4,
      [
        line({
          actor: "Rita Moreno",
          platform: "slack",
          action: "create",
          field: "status",
          to: "new",
          reason: "priority P3 from impact medium x urgency medium",
        }),
        line({ action: "claimed", field: "status", from: "new", to: "in_progress" }),
        line({ action: "claimed", field: "assignee", from: "slack:UBOB", to: "console:ana" }),
        line({
          actor: "Deskhand sla",
          platform: "system",
          action: "sla_retarget",
          field: "resolution",
          to: "P3 (business hours, new-york)",
          reason: "24 h -> 24 h (was P3 (business hours, london))",
        }),
        line({ actor: "Deskhand sla", platform: "system", action: "sla_breach", field: "first_response", to: "2026-07-01T12:00:00.000Z", reason: "told lee" }),
      ],
      {
        timezone: "Europe/London",
        names: new Map([
          ["slack:UBOB", "Bob Stone"],
          ["console:ana", "ana"],
        ]),
      },
    );
    expect(text.split("\n")).toEqual([
      "History of #4 (times in Europe/London):",
      "  Wed 1 Jul 09:05  Rita Moreno (via Slack) opened it: status new (priority P3 from impact medium x urgency medium)",
      "  Wed 1 Jul 09:05  ana claimed it: status new -> in progress, assignee Bob Stone -> ana",
      "  Wed 1 Jul 09:05  SLA target changed: resolution now under P3 (business hours, new-york) (24 h -> 24 h (was P3 (business hours, london)))",
      "  Wed 1 Jul 09:05  SLA breached: first response due Wed 1 Jul 13:00 (told lee)",
    ]);
  });

  it("names triage and the SLA for the desk's own steps, and an agent for what an agent did", () => {
    const text = historyText(
      5,
      [
        line({ actor: "carol", action: "create", field: "status", to: "new", reason: "priority P3 from impact medium x urgency medium" }),
        line({ actor: "carol", action: "priority", field: "impact", from: "medium", to: "high", reason: "P2: impact high (vip) x urgency medium (default)" }),
        line({ actor: "carol", action: "priority", field: "priority", from: "P3", to: "P2", reason: "P2: impact high (vip) x urgency medium (default)" }),
        line({ actor: "carol", action: "triaged", field: "assignee", from: null, to: "console:bob", reason: "round-robin in Network (1 on shift)" }),
        line({ actor: "carol", action: "triaged", field: "status", from: "new", to: "triaged", reason: "round-robin in Network (1 on shift)" }),
        line({ actor: "carol", action: "sla_start", field: "first_response", to: "2026-07-01T12:00:00.000Z", reason: "4 h target, policy P3" }),
        line({ actor: "ana", action: "priority", field: "priority", from: "P2", to: "P1" }),
        line({ actor: "ana", action: "triaged", field: "category", from: null, to: "Network", reason: "suggestion accepted (model 82%)" }),
      ],
      { timezone: "Europe/London", names: new Map([["console:bob", "bob"]]) },
    );
    expect(text.split("\n").slice(1)).toEqual([
      "  Wed 1 Jul 09:05  carol opened it: status new (priority P3 from impact medium x urgency medium)",
      "  Wed 1 Jul 09:05  Triage set the priority: impact medium -> high, priority P3 -> P2 (P2: impact high (vip) x urgency medium (default))",
      "  Wed 1 Jul 09:05  Triage assigned it to bob: status new -> triaged (round-robin in Network (1 on shift))",
      "  Wed 1 Jul 09:05  SLA clock started: first response due Wed 1 Jul 13:00 (4 h target, policy P3)",
      "  Wed 1 Jul 09:05  ana changed the priority: priority P2 -> P1",
      "  Wed 1 Jul 09:05  ana triaged: category Network (suggestion accepted (model 82%))",
    ]);
  });

  it("says when there is nothing yet", () => {
    expect(historyText(9, [], { timezone: "UTC", names: new Map() })).toBe("#9 has no history yet.");
  });
});
