// The `approvals:` section as the settings file holds it: the example (commented out in
// deskhand.example.yaml) parses, and mistakes name the file, line and field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SettingsError, parseSettings } from "../../../src/settings.js";
import { EXAMPLE_SETTINGS } from "../../helpers/desk.js";

/** The example file with its approvals section uncommented. */
function withApprovals(): string {
  const text = readFileSync(EXAMPLE_SETTINGS, "utf8");
  const start = text.indexOf("# approvals:");
  expect(start).toBeGreaterThan(0);
  // The commented block runs to the first line that is not a comment; whatever follows it stays as it is.
  const lines = text.slice(start).split("\n");
  const end = lines.findIndex((l) => !l.startsWith("#"));
  const block = lines.slice(0, end).map((l) => l.replace(/^# ?/, ""));
  return `${text.slice(0, start)}${block.join("\n")}\n${lines.slice(end).join("\n")}`;
}

describe("approvals settings", () => {
  it("the example's approvals section parses into durations, rules and approver lists", () => {
    const s = parseSettings(withApprovals(), "example.yaml").approvals!;
    expect(s.reminder_after).toBe(4 * 3_600_000);
    expect(s.expire_after).toBe(24 * 3_600_000);
    expect(s.leads).toEqual(["console:lee"]);
    expect(s.approvers.categories.Access).toEqual(["console:lee", "email:security@example.com"]);
    expect(s.policies.map((p) => [p.name, p.rule, p.types, p.categories])).toEqual([
      ["access", "any", ["access_request"], []],
      ["changes", "majority", ["change"], ["Network"]],
    ]);
  });

  it("without the section, nothing needs approval", () => {
    expect(parseSettings(readFileSync(EXAMPLE_SETTINGS, "utf8"), "example.yaml").approvals).toBeUndefined();
  });

  const broken = (from: string, to: string) => () => parseSettings(withApprovals().replace(from, to), "desk.yaml");
  it("names the file, line and field of each mistake", () => {
    expect(broken("rule: any ", "rule: some ")).toThrow(SettingsError);
    expect(broken("rule: any ", "rule: some ")).toThrow(/^desk\.yaml:\d+: approvals\.policies\.0\.rule: /);
    expect(broken("reminder_after: 4h", "reminder_after: soon")).toThrow(/approvals\.reminder_after: expected a duration/);
    expect(broken("reminder_after: 4h", "reminder_after: 2d")).toThrow(/the reminder must come before the request expires/);
    expect(broken("categories: [Network]", "categories: [Plumbing]")).toThrow(/approvals\.policies\.1\.categories\.0: no category is named "Plumbing"/);
    expect(broken("VPN: [console:bob]", "Fax: [console:bob]")).toThrow(/approvals\.approvers\.services\.Fax: no service is named "Fax"/);
    expect(broken("leads: [console:lee]", "leads: [lee]")).toThrow(/approvals\.leads\.0: expected "slack:<user id>"/);
  });
});
