import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../adapters/console/console.js";
import { makeDesk, tempDbPath } from "../helpers/desk.js";

async function drive(lines: string[], user = "operator") {
  const { desk, db } = await makeDesk();
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (c) => (printed += c));
  const done = runConsole(desk, { input, output, interactive: false, user });
  input.end(lines.map((l) => `${l}\n`).join(""));
  await done;
  return { printed, db };
}

describe("console adapter, through its streams", () => {
  it("opens a ticket and lists it, one answer per line of input", async () => {
    const { printed } = await drive(["/ticket printer on 3rd floor jams", "/ticket list"]);
    expect(printed).toBe(
      [
        "Opened #1 [P3 new] printer on 3rd floor jams (unassigned)",
        "  requester operator · incident · impact medium · urgency medium · Hardware · team Service Desk",
        "1 ticket (open):",
        "  #1 [P3 new] printer on 3rd floor jams (unassigned)",
        "",
      ].join("\n"),
    );
  });

  it("switches the acting person with `as @name`", async () => {
    const { printed } = await drive(["as @carol", "vpn drops", "claim 1", "as @ana", "claim 1"]);
    expect(printed).toContain("You are now carol (requester).");
    expect(printed).toContain("! Only agents can claim tickets; you are a requester.");
    expect(printed).toContain("You are now ana (agent).");
    expect(printed).toMatch(/#1 \[P3 in progress\] vpn drops \(assigned to ana\)/);
  });

  it("walks the guided form, asking again after a bad answer", async () => {
    const { printed, db } = await drive([
      "new",
      "x".repeat(151),
      "Laptop fan is loud",
      "It whirs all day",
      "incident",
      "low",
      "sideways",
      "low",
      "",
      "Hardware",
    ]);
    expect(printed).toContain("! The title is 151 characters; keep it to 150.");
    expect(printed).toContain("! Urgency must be high, medium or low.");
    expect(printed).toContain("Opened #1 [P4 new] Laptop fan is loud");
    const t = await db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(t).toMatchObject({
      title: "Laptop fan is loud",
      description: "It whirs all day",
      impact: "low",
      urgency: "low",
      category: "Hardware",
      team: "Service Desk",
    });
  });

  it("says when the form is left unfinished", async () => {
    const { printed, db } = await drive(["new", "Only a title"]);
    expect(printed).toContain("! The form was left unfinished; no ticket was opened.");
    expect((await db.selectFrom("tickets").selectAll().execute()).length).toBe(0);
  });

  it("leaves the guided form on `cancel` (a bad answer is otherwise asked again), and goes on with the next command", async () => {
    const { printed, db } = await drive(["new", "Printer jams", "", "not a type", "cancel", "list"]);
    expect(printed).toContain("! Type must be one of");
    expect(printed).toContain("! Form cancelled; no ticket was opened.");
    expect(printed).toContain("No tickets");
    expect(await db.selectFrom("tickets").selectAll().execute()).toEqual([]);
  });

  it("`help <command>` answers with that command's lines; `help` alone with all of them", async () => {
    const { printed } = await drive(["help claim", "help as", "help"]);
    const [claim, as, all] = printed.split(/\(help lists every command\.\)\n/);
    expect(claim).toBe("  claim N [force]  take ticket N yourself (force: take it over from another agent)\n");
    expect(as).toBe("  as @name  act as someone else (what the desk told them is shown then)\n");
    expect(all).toContain("Commands:");
    expect(all).toContain("  quit      leave (also: exit)");
  });

  it("`role carol agent` without the @ sets the role; words that name no role still open a ticket", async () => {
    const { printed, db } = await drive(["role zoe agent", "as @zoe", "role change for a new starter"]);
    expect(printed).toContain("zoe is now an agent");
    expect(printed).toContain("You are now zoe (agent).");
    expect((await db.selectFrom("tickets").select("title").execute()).map((t) => t.title)).toEqual(["role change for a new starter"]);
  });

  it("answers unknown input with help, never a stack trace", async () => {
    const { printed } = await drive(["?", "claim seven", "show 9"]);
    expect(printed).toContain("Commands:");
    expect(printed).toContain('"seven" is not a ticket number. Usage: claim N');
    expect(printed).toContain("! There is no ticket #9.");
    expect(printed).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

// Each case starts the real process (tsx compiling the whole app): slow on a loaded machine, so a long timeout.
describe("npm start, as a process", { timeout: 120_000 }, () => {
  const run = (env: Record<string, string>, input: string) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], { input, encoding: "utf8", env: { ...process.env, PORT: "0", ...env }, timeout: 60_000 });

  it("does its main job with no credentials, on a new SQLite file", () => {
    const db = tempDbPath("sub/dir/desk.db");
    const r = run({ DESKHAND_DB: db }, "/ticket printer on 3rd floor jams\n/ticket list\n");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Opened #1 [P3 new] printer on 3rd floor jams");
    expect(r.stdout).toContain("1 ticket (open):");
    const again = run({ DESKHAND_DB: db }, "list\n");
    expect(again.stdout).toContain("#1 [P3 new] printer on 3rd floor jams");
  });

  it("refuses a file that is not a database, in one line", () => {
    const path = tempDbPath("junk.db");
    writeFileSync(path, "this is not sqlite, just some text that is long enough to have a header ".repeat(20));
    const r = run({ DESKHAND_DB: path }, "list\n");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`deskhand: ${path} is not a Deskhand database (the file is not SQLite or is corrupt)`);
  });

  it("refuses a database path it cannot create", () => {
    const blocker = tempDbPath("file");
    writeFileSync(blocker, "");
    const r = run({ DESKHAND_DB: `${blocker}/desk.db` }, "list\n");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`deskhand: cannot create the folder for the database at ${blocker}/desk.db`);
  });

  it("stops on a bad settings file, naming file, line and field", () => {
    const file = tempDbPath("deskhand.yaml");
    writeFileSync(
      file,
      "desk:\n  name: Test\npriority_matrix:\n  high: { high: P1, medium: P2, low: P3 }\n  medium: { high: P2, medium: P3, low: P9 }\n  low: { high: P3, medium: P4, low: P4 }\n",
    );
    const r = run({ DESKHAND_DB: tempDbPath(), DESKHAND_CONFIG: file }, "list\n");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(new RegExp(`^deskhand: ${file}:5: priority_matrix\\.medium\\.low: `));
  });

  it("stops on a bad environment variable, naming it", () => {
    const r = run({ DESKHAND_DB: tempDbPath(), PORT: "eighty" }, "list\n");
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('deskhand: PORT must be a port number from 0 to 65535 (got "eighty")');
  });
});
