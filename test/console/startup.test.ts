import { describe, expect, it } from "vitest";
import { startupBlock } from "../../adapters/console/startup.js";

const fresh = {
  deskName: "IT Help Desk",
  platforms: [],
  http: "on 0.0.0.0:3000 (/healthz)",
  emulator: true,
  console: true,
  webhooks: [],
  alertSources: ["alertmanager", "grafana", "generic"],
  sla: true,
  approvals: false,
  digest: false,
};
const teamsNotes = [
  "Teams: POST /api/messages in Emulator mode: no MicrosoftAppId, so activities are NOT authenticated and only loopback clients are accepted.",
  "Teams: PUBLIC_URL is not set: report charts and exports cannot be linked in Teams cards.",
  "Teams: no agents' channel yet (set TEAMS_TRIAGE_CONVERSATION or install the app in a team channel).",
  "Webhooks refusing alerts until their secret is set: /hooks/alertmanager (ALERTMANAGER_TOKEN), /hooks/grafana (GRAFANA_WEBHOOK_SECRET), /hooks/generic (GENERIC_WEBHOOK_TOKEN)",
];

describe("the start-up block", () => {
  it("says what is on and what is off in a few short lines, not one warning a component", () => {
    const block = startupBlock(fresh, teamsNotes);
    expect(block).toBe(
      [
        "IT Help Desk is ready.",
        "  On:  console · HTTP on 0.0.0.0:3000 (/healthz) · Teams Emulator (loopback only) · SLA clocks",
        "  Off: Slack (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET) · Teams (needs MicrosoftAppId)",
        "       webhooks alertmanager, grafana, generic (no secret set)",
        "       approvals, weekly digest (not in the settings file)",
      ].join("\n"),
    );
    for (const line of block.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("keeps a note it does not cover, and the Teams notes once Teams serves real users", () => {
    expect(startupBlock(fresh, ["triage: learned categories from the desk's resolved tickets"])).toContain("\n  triage: learned categories");
    const live = startupBlock({ ...fresh, platforms: ["teams"], emulator: false }, teamsNotes.slice(1, 2));
    expect(live).toContain("  On:  console · HTTP on 0.0.0.0:3000 (/healthz) · Teams · SLA clocks");
    expect(live).toContain("PUBLIC_URL is not set");
  });
});
