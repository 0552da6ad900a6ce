import { describe, expect, it } from "vitest";
import { SettingsError } from "../../../src/settings.js";
import { exampleSettings } from "../../helpers/desk.js";
import { settingsWith } from "./helpers.js";

describe("the triage section of the settings file", () => {
  it("is read from the example, documented there with its defaults", () => {
    expect(exampleSettings().triage).toMatchObject({
      mode: "suggest",
      auto_precision: 0.9,
      suggest_threshold: 0.3,
      duplicates: { threshold: 0.5, incident_after: 6, incident_window_minutes: 10 },
    });
  });

  it("names the line and field of a mistake", () => {
    const fail = (yaml: string) => {
      try {
        settingsWith(yaml);
      } catch (e) {
        expect(e).toBeInstanceOf(SettingsError);
        return (e as Error).message;
      }
      throw new Error("expected a settings error");
    };
    expect(fail("  mode: sometimes\n")).toMatch(/^test\.yaml:\d+: triage\.mode: /);
    expect(fail("  owner:\n    - { team: Plumbing, rule: round_robin }\n")).toMatch(/^test\.yaml:\d+: triage\.owner\.0\.team: no team is named "Plumbing"$/);
    expect(fail('  patterns:\n    - { category: Access, pattern: "(unclosed" }\n')).toMatch(
      /^test\.yaml:\d+: triage\.patterns\.0\.pattern: not a regular expression: /,
    );
    expect(fail("  patterns:\n    - { category: Plumbing, pattern: leak }\n")).toMatch(/triage\.patterns\.0\.category: no category is named "Plumbing"$/);
    expect(fail("  auto_threshold: 1.5\n")).toMatch(/triage\.auto_threshold: /);
    expect(fail("  auto_precision: 0.2\n")).toMatch(/triage\.auto_precision: /);
  });
});
