// Triage through the console adapter, driven through its streams as a person would type.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../../adapters/console/console.js";
import { triageDesk } from "./helpers.js";
import { capabilitiesOf } from "../../helpers/desk.js";

const caps = capabilitiesOf();

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
  it("applies the rule, shows the duplicate to agents, links, and reports accuracy", async () => {
    const { printed, d } = await drive([
      "as @carol",
      "wifi down on the 3rd floor",
      "as @dave",
      "3rd floor wifi down",
      "as @ana",
      "triage 2",
      "duplicate 2",
      "triage stats",
      "help",
    ]);
    expect(printed).toContain(
      [
        "Triage of #2:",
        "  Requester: dave",
        "  Priority: P3",
        "  Status: triaged",
        "  Assignee: bob",
        "  Type: incident",
        "  Category: Network",
        "  Team: Network",
      ].join("\n"),
    );
    expect(printed).toContain('  Category reason: Network · rule: keyword "wifi"');
    expect(printed).toContain("  Priority reason: P3: impact medium (default) x urgency medium (default)");
    expect(printed).toContain("  Owner reason: bob: round-robin in Network (1 on shift)");
    expect(printed).toMatch(/  Duplicate: Looks like #1 \(\d+% alike\)/);
    // A console user has no buttons: each action is the command to type for it.
    expect(printed).toContain(
      "  Commands: claim 2 · assign 2 @who · priority 2 P1|P2|P3|P4 · resolve 2 <resolution> · close 2 · incident from 2 · link 2 to incident I · category 2 <name> · duplicate 2 · notdup 2\n",
    );
    expect(printed).not.toMatch(/Declare incident|Link as duplicate|Change category/);
    expect(printed).toContain("#2 is linked as a duplicate of #1; it will close with it.");
    expect(printed).toContain("suggestions 2: accepted 0, corrected 0, not yet reviewed 2; accuracy n/a");
    expect(printed).toMatch(/triage N \| triage stats\s+a ticket's triage/);
    expect(printed).toMatch(/shift on\|off\s+take new tickets, or stop/);
    expect((await d.desk.snapshot(2))!.assignee?.name).toBe("bob");
  });

  it("tells a requester others reported the same problem, never another requester's title", async () => {
    const { printed } = await drive([
      "as @carol",
      "payroll export to the bank fails with error 4012",
      "as @dave",
      "the payroll export to the bank fails",
      "as @ana",
      "triage 2",
    ]);
    const asDave = printed.slice(printed.indexOf("You are now dave"), printed.indexOf("You are now ana"));
    expect(asDave).toContain("You are not alone: others have reported the same problem. The desk is on it and you will hear here.");
    expect(asDave).not.toContain("4012");
    expect(asDave).not.toContain("#1");
    // The agent sees which ticket it is.
    expect(printed.slice(printed.indexOf("You are now ana"))).toMatch(/Looks like #1 \(\d+% alike\)/);
  });

  it("answers a triage verb without a ticket number as a ticket, not an error, and parses category", () => {
    expect(caps.parse("accept the new policy terms in the portal")).toMatchObject({ kind: "create" });
    expect(caps.parse("duplicate charge on my expense card")).toMatchObject({ kind: "create" });
    expect(caps.parse("duplicate 4 of #2")).toEqual({ kind: "capability", capability: "triage", verb: "link", number: 4, text: "2" });
    expect(caps.parse("category 7 Network")).toEqual({ kind: "category", number: 7, category: "Network" });
    expect(caps.parse("category x Network")).toMatchObject({ kind: "help", unknown: expect.stringContaining('"x" is not a ticket number.') });
    expect(caps.parse("triage stats")).toEqual({ kind: "capability", capability: "triage", verb: "stats" });
  });
});
