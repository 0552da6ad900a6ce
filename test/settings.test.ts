import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { parseSettings } from "../src/settings.js";
import { exampleSettings } from "./helpers/desk.js";

describe("settings file", () => {
  it("the committed example is valid", () => {
    const s = exampleSettings();
    expect(s.roles.admin).toContain("console:operator");
    expect(s.priorityMatrix.high.high).toBe("P1");
  });

  it.each([
    ["roles:\n  agent:\n    - ana\n", "f.yaml:3: roles.agent.0: expected"],
    ["roles:\n  wizard: [console:x]\n", 'f.yaml:2: roles: Unrecognized key: "wizard"'],
    ["desk:\n  timezone: Mars/Olympus\n", 'f.yaml:2: desk.timezone: "Mars/Olympus" is not a time zone'],
    ["teams: []\ncategories:\n  - name: Net\n    team: Nowhere\n", 'f.yaml:4: categories.0.team: no team is named "Nowhere"'],
    ["defaults:\n  type: rumour\n", "f.yaml:2: defaults.type:"],
    ["desk: [unclosed\n", "f.yaml:2: not valid YAML: Flow sequence"],
  ])("names file, line and field: %s", (text, message) => {
    expect(() => parseSettings(text, "f.yaml")).toThrow(message);
  });

  it("an empty file gives the defaults", () => {
    expect(parseSettings("", "f.yaml").defaults).toEqual({ type: "incident", impact: "medium", urgency: "medium" });
  });
});

describe("environment", () => {
  it("defaults with nothing set", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ dbPath: "./data/deskhand.db", port: 3000, consoleUser: "operator" });
    expect(c.slack).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, /SLACK_SIGNING_SECRET is missing/],
    [{ SLACK_SIGNING_SECRET: "s" }, /SLACK_BOT_TOKEN is missing/],
    [{ SLACK_BOT_TOKEN: "xoxp-1", SLACK_SIGNING_SECRET: "s" }, /SLACK_BOT_TOKEN must be a bot token/],
    [{ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_APP_TOKEN: "x" }, /SLACK_APP_TOKEN must be an app-level token/],
    [{ SLACK_API_URL: "ftp://x" }, /SLACK_API_URL must be an http/],
    [{ MicrosoftAppId: "abc" }, /MicrosoftAppPassword is missing/],
    [{ MicrosoftAppType: "Other" }, /MicrosoftAppType must be/],
    [{ PORT: "70000" }, /PORT must be a port number/],
  ])("fails fast naming the variable %#", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
