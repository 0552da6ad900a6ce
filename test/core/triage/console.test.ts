// Triage through the console adapter, driven through its streams as a person would type.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../../adapters/console/console.js";
import { parseCommand } from "../../../src/core/grammar.js";
import { registerTriageViews } from "../../../src/core/triage/view.js";
import { triageDesk } from "./helpers.js";

async function drive(lines: string[]) {
  const d = await triageDesk("  mode: suggest\n  owner:\n    - { team: Network, rule: round_robin }\n");
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (c) => (printed += c));
  const done = runConsole(d.desk, { input, output, interactive: false, user: "operator" });
  input.end(lines.map((l) => `${l}\n`).join(""));
  await done;
  return { printed, d };
}

describe("triage through the console", () => {
  it("shows the suggestion and the duplicate, accepts, links, and reports accuracy", async () => {
    const { printed, d } = await drive(["as @carol", "wifi down on the 3rd floor", "as @dave", "3rd floor wifi down", "as @ana", "triage 2", "accept 2", "duplicate 2", "triage stats", "help"]);
    expect(printed).toContain(["Triage of #2:", "  Requester: dave", "  Priority: P3", "  Status: new", "  Assignee: unassigned", "  Type: incident"].join("\n"));
    expect(printed).toContain('  Category: Network (100%) suggested · rule: keyword "wifi"');
    expect(printed).toContain("  Priority reason: P3: impact medium (default) x urgency medium (default)");
    expect(printed).toContain("  Duplicate: Looks like #1 (wifi down on the 3rd floor)");
    expect(printed).toContain("  Actions: Claim · Assign · Priority · Resolve · Close");
    expect(printed).toContain("Accept Network · Change category · Link as duplicate of #1 · Not a duplicate");
    expect(printed).toContain("#2 is in Network.");
    expect(printed).toContain("#2 is linked as a duplicate of #1; it will close with it.");
    expect(printed).toContain("suggestions 2: accepted 1, corrected 0, not yet reviewed 1; accuracy 100%");
    expect(printed).toMatch(/triage N \| triage stats\s+a ticket's triage/);
    expect(printed).toMatch(/shift on\|off\s+take new tickets, or stop/);
    // Accepting put #2 in Network, whose rule is round-robin: it has an owner now.
    expect((await d.desk.snapshot(2))!.assignee?.name).toBe("bob");
  });

  it("answers a triage verb without a ticket number as a ticket, not an error, and parses category", () => {
    registerTriageViews();
    expect(parseCommand("accept the new policy terms in the portal")).toMatchObject({ kind: "create" });
    expect(parseCommand("duplicate charge on my expense card")).toMatchObject({ kind: "create" });
    expect(parseCommand("duplicate 4 of #2")).toEqual({ kind: "capability", capability: "triage", verb: "link", number: 4, text: "2" });
    expect(parseCommand("category 7 Network")).toEqual({ kind: "category", number: 7, category: "Network" });
    expect(parseCommand("category x Network")).toMatchObject({ kind: "help", unknown: expect.stringContaining('"x" is not a ticket number.') });
    expect(parseCommand("triage stats")).toEqual({ kind: "capability", capability: "triage", verb: "stats" });
  });
});
