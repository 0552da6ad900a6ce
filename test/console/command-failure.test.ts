// A command that fails on the desk's side (here `report` with a file where its reports folder should be) is
// answered, and the commands typed after it are served: through the console's streams, and in the real
// process started as `npm start` starts it, which used to exit 1 with a stack trace and lose the rest.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../adapters/console/console.js";
import { standardCapabilities } from "../../src/capabilities/index.js";
import { reportsHooks } from "../../src/capabilities/reports/hooks.js";
import { ManualClock } from "../../src/core/clock.js";
import { Desk } from "../../src/core/desk.js";
import { openDatabase } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../helpers/desk.js";

const FAILED =
  /^! That failed on the desk's side \(ENOTDIR\), and nothing was changed\. Try again later; if it keeps failing, tell the desk's admins \(ref [a-z0-9]+\)\.$/m;

/** A working folder whose data/ is a file: data/reports cannot be made. */
function blockedFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "deskhand-blocked-"));
  writeFileSync(join(dir, "data"), "a file where the folder should be");
  return dir;
}

describe("a command that fails on the desk's side", () => {
  it("through the console's streams: answered, and the next lines are served", async () => {
    const dir = blockedFolder();
    const settings = exampleSettings();
    const extensions = standardCapabilities({ ...settings, sla: undefined }).map((x) =>
      x.name === "reports" ? reportsHooks({ outDir: join(dir, "data/reports") }) : x,
    );
    const logs: string[] = [];
    const { db } = openDatabase(tempDbPath());
    await migrateToLatest(db);
    const desk = new Desk({ db, clock: new ManualClock(), settings, capabilities: extensions, log: (m) => logs.push(m) });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c) => (printed += c));
    const done = runConsole(desk, { input, output, interactive: false, user: "operator" });
    input.end("report 7d\nprinter on 3rd floor jams\nlist\n");
    await done;
    expect(printed).toMatch(FAILED);
    expect(printed).toContain("Opened #1 [P3 new] printer on 3rd floor jams");
    expect(printed).toContain("1 ticket (open):");
    expect(printed).not.toContain(dir); // the server's paths stay out of the answer
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^command reports report by console:operator failed \(ref [a-z0-9]+\): Error: ENOTDIR/);
  });

  it("in the real process: answered, the next commands served, exit 0, one log line and no stack trace", { timeout: 120_000 }, () => {
    const dir = blockedFolder();
    mkdirSync(join(dir, "db"));
    // Files go beside the database: a file where db/files should be makes the report fail.
    writeFileSync(join(dir, "db", "files"), "a file where the folder should be");
    const root = resolve(".");
    const r = spawnSync(process.execPath, ["--import", pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href, join(root, "src/main.ts")], {
      cwd: dir,
      input: "report 7d\n/ticket printer on 3rd floor jams\n/ticket list\n",
      encoding: "utf8",
      env: {
        ...process.env,
        PORT: "0",
        DESKHAND_DB: join(dir, "db/desk.db"),
        DESKHAND_CONFIG: join(root, "deskhand.example.yaml"),
        SLACK_BOT_TOKEN: "",
        MicrosoftAppId: "",
      },
      timeout: 90_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(FAILED);
    expect(r.stdout).toContain("Opened #1 [P3 new] printer on 3rd floor jams");
    expect(r.stdout).toContain("1 ticket (open):");
    expect(r.stderr).toMatch(/^command reports report by console:operator failed \(ref [a-z0-9]+\): Error: ENOTDIR[^\n]*\n$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
