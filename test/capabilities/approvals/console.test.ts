// The console drives approvals with the shared grammar: the guided form asks the approval fields, and
// approve / reject / approvals / grant / revoked work as typed.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { runConsole } from "../../../adapters/console/console.js";
import type { TestDesk } from "../../helpers/desk.js";
import { approvalDesk } from "./setup.js";

let t: TestDesk;
afterEach(async () => t?.db.destroy());

async function drive(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (c) => (printed += c));
  const done = runConsole(t.desk, { input, output, interactive: false, user: "rita" });
  input.end(lines.map((l) => `${l}\n`).join(""));
  await done;
  return printed;
}

describe("approvals at the console", () => {
  it("a change through the guided form, decided by a majority typed at the prompt", async () => {
    t = await approvalDesk("any");
    const printed = await drive([
      "new",
      "Upgrade the core switch",
      "Firmware 9.3",
      "change",
      "",
      "",
      "",
      "",
      // risk, window, rollback, evidence, access until
      "high",
      "Sat 22:00-23:00 UTC",
      "Reload the saved config",
      "",
      "",
      "as @ana",
      "approvals",
      "status 1 in_progress",
      "approve 1",
      "approve 1",
      "as @bob",
      "reject 1",
      "reject 1 not this week",
      "as @carl",
      "show 1",
      "approve 1",
      "as @zoe",
      "show 1",
      "as @ana",
      "history 1",
    ]);
    expect(printed).toContain("Opened #1 [P3 awaiting approval] Upgrade the core switch");
    expect(printed).toContain("1 ticket (waiting for your approval):");
    expect(printed).toContain("! #1 awaits approval; it moves on when its approvers decide (approve 1 / reject 1 <reason>), or close it to withdraw it.");
    expect(printed).toContain("You approved #1. 1 of 2 approvals needed; still waiting for the others.");
    expect(printed).toContain("! You already approved #1; nothing was changed.");
    expect(printed).toContain("Say why you reject #1; the requester will read it. Usage: reject N <reason>.");
    expect(printed).toContain("You rejected #1. 1 of 2 approvals needed; still waiting for the others.");
    expect(printed).toContain("You approved #1; it goes on to the service desk.");
    // carl (a requester) reads the request he decides on; zoe, who does not decide, cannot.
    expect(printed).toContain("You are now carl (requester).\n#1 [P3 awaiting approval] Upgrade the core switch");
    expect(printed).toContain("You are now zoe (requester).\n! #1 is someone else's ticket; only agents can see it.");
    expect(printed).toMatch(/carl approved: status awaiting approval -> (new|triaged) \(approved by console:carl \(changes: majority\)\)/);
  });
});
