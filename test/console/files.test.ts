// The console, the adapter with no platform: a report writes its chart and an export its CSV, and the answer
// prints each file once, by its full path, which exists and holds what it says.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../adapters/console/console.js";
import { filesDirBeside } from "../../src/capabilities/index.js";
import { makeDesk } from "../helpers/desk.js";

describe("files in the console", () => {
  it("prints the paths of the report's chart and the export's CSV, and the files are there", async () => {
    const d = await makeDesk();
    await d.as("carol", "printer on 3rd floor jams");
    d.clock.advance(60_000);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c: Buffer) => (printed += c.toString("utf8")));
    const done = runConsole(d.desk, { input, output, interactive: false, user: "ana" });
    input.end(["report 7d", "export 7d", ""].join("\n"));
    await done;
    // Each file is printed once, by its full path, where the answer names it.
    const chart = /^Chart: (\/\S+\.png)$/m.exec(printed)?.[1];
    const csv = /^Exported 1 ticket \(7d\) to (\/\S+\.csv)$/m.exec(printed)?.[1];
    expect(printed.split(basename(chart ?? "?")).length - 1).toBe(1);
    expect(printed.split(basename(csv ?? "?")).length - 1).toBe(1);
    expect(printed).not.toContain("File:");
    // Beside the desk's database, not in the working directory's ./data.
    expect(chart!.startsWith(join(dirname(d.path), "files", "reports"))).toBe(true);
    expect(csv!.startsWith(join(dirname(d.path), "files", "reports"))).toBe(true);
    expect(chart && existsSync(chart)).toBe(true);
    expect(readFileSync(chart!).subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(csv && existsSync(csv)).toBe(true);
    expect(readFileSync(csv!, "utf8")).toContain("printer on 3rd floor jams");
    await d.db.destroy();
  });

  it("keeps files beside the database, wherever the desk is started from", () => {
    expect(filesDirBeside("/srv/deskhand/desk.db")).toBe("/srv/deskhand/files");
    expect(filesDirBeside("desk.db")).toBe(join(process.cwd(), "files"));
  });
});
