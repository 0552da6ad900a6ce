import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SETTINGS, tempDbPath } from "../../helpers/desk.js";

describe("npm start with a bad SLA policy", () => {
  it("stops before serving, naming the file, the line and the field", () => {
    const file = tempDbPath("deskhand.yaml");
    const text = readFileSync(EXAMPLE_SETTINGS, "utf8").replace(
      "holidays: [2026-12-25, 2026-12-28, 2027-01-01]",
      "holidays: [2026-12-25, 2026-13-28, 2027-01-01]",
    );
    writeFileSync(file, text);
    const line = text.split("\n").findIndex((l) => l.includes("2026-13-28")) + 1;
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      input: "list\n",
      encoding: "utf8",
      env: { ...process.env, PORT: "0", DESKHAND_DB: tempDbPath(), DESKHAND_CONFIG: file },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim()).toBe(`deskhand: ${file}:${line}: sla.calendars.0.holidays.1: expected a date written YYYY-MM-DD`);
  }, 60_000);
});
