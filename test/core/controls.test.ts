// Control characters (a NUL, a bell, an ESC starting a terminal sequence, DEL, C1) never reach the store, from any
// surface: Desk.handle drops them from every string of every command, keeping newlines and tabs. Slack's forms,
// thread replies and modals are covered in test/slack/escaping.test.ts; here the console's real streams and the
// desk's own contract.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../adapters/console/console.js";
import { stripControls, withoutControls } from "../../src/core/text.js";
import { CONTROL } from "../helpers/hostile.js";
import { makeDesk, ok } from "../helpers/desk.js";

const DIRTY = "printer\u0000 jams\u0007 on the \u001b[31m3rd\u001b[0m floor\u007f\u009b";

describe("control characters at the core", () => {
  it("withoutControls keeps text, tabs and newlines, turns CR LF and a lone CR into newlines, and drops the rest", () => {
    expect(withoutControls(DIRTY)).toBe("printer jams on the [31m3rd[0m floor");
    expect(withoutControls("a\tb\r\nc\rd\n")).toBe("a\tb\nc\nd\n");
    expect(withoutControls("printer 🖨️ \u202Eok")).toBe("printer 🖨️ \u202Eok");
  });

  it("stripControls cleans every string of a command, however deep, and leaves numbers and flags alone", () => {
    const cmd = { kind: "create", title: DIRTY, tags: ["a\u0000b"], source: { kind: "slack", ref: "C1:\u00001" }, impact: 2, urgent: true };
    expect(stripControls(cmd)).toEqual({
      kind: "create",
      title: withoutControls(DIRTY),
      tags: ["ab"],
      source: { kind: "slack", ref: "C1:1" },
      impact: 2,
      urgent: true,
    });
  });

  it("a command's strings are stored without them: title, description, comment, resolution and the person's name", async () => {
    const d = await makeDesk();
    const created = ok(
      await d.desk.handle({
        actor: { platform: "console", userId: "carol", displayName: "Carol\u0007 C" },
        command: { kind: "create", title: DIRTY, description: `line one\u0000\nline\ttwo\r\n` },
      }),
    );
    const n = created.snapshot!.ticket.number;
    ok(await d.as("ana", { kind: "comment", number: n, body: `seen\u001b]0;pwned\u0007 it` }));
    ok(await d.as("ana", { kind: "resolve", number: n, resolution: `fixed\u0000 it` }));
    const t = await d.db.selectFrom("tickets").selectAll().where("id", "=", n).executeTakeFirstOrThrow();
    expect(t.title).toBe("printer jams on the [31m3rd[0m floor");
    expect(t.description).toBe("line one\nline\ttwo");
    expect(t.resolution).toBe("fixed it");
    expect((await d.db.selectFrom("comments").select("body").execute()).map((c) => c.body)).toEqual(["seen]0;pwned it"]);
    expect((await d.db.selectFrom("people").select("display_name").where("user_id", "=", "carol").executeTakeFirstOrThrow()).display_name).toBe("Carol C");
    await d.db.destroy();
  });

  it("through the console's real streams: a line with control characters opens a ticket stored without them", async () => {
    const d = await makeDesk();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c: Buffer) => (printed += c.toString("utf8")));
    const done = runConsole(d.desk, { input, output, interactive: false, user: "carol" });
    input.end(`${DIRTY}\ncomment 1 still\u0000 broken\u0008\n`);
    await done;
    const t = await d.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(t.title).toBe("printer jams on the [31m3rd[0m floor");
    expect((await d.db.selectFrom("comments").select("body").execute()).map((c) => c.body)).toEqual(["still broken"]);
    const stored = [
      t.title,
      t.description ?? "",
      ...(await d.db.selectFrom("audit_events").select(["to_value", "reason"]).execute()).flatMap((e) => [e.to_value ?? "", e.reason ?? ""]),
    ];
    for (const s of stored) expect(s).not.toMatch(CONTROL);
    expect(printed).toContain("printer jams on the");
    await d.db.destroy();
  });
});
