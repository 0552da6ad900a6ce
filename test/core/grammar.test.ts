import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/grammar.js";

describe("grammar", () => {
  it.each([
    ["/ticket printer on 3rd floor jams", { kind: "create", title: "printer on 3rd floor jams" }],
    ["vpn drops -- every ten minutes since Monday", { kind: "create", title: "vpn drops", description: "every ten minutes since Monday" }],
    ["new laptop will not boot", { kind: "create", title: "laptop will not boot" }],
    ["", { kind: "form" }],
    ["/ticket", { kind: "form" }],
    ["new", { kind: "form" }],
    ["list", { kind: "list" }],
    ["list queue", { kind: "list", scope: "queue" }],
    ["show #12", { kind: "show", number: 12 }],
    ["claim 12", { kind: "claim", number: 12 }],
    ["assign 12 @ana", { kind: "assign", number: 12, assignee: { name: "ana" } }],
    ["assign 12 <@U024BE7LH>", { kind: "assign", number: 12, assignee: { id: "U024BE7LH" } }],
    ["assign 12 <@U024BE7LH|ana>", { kind: "assign", number: 12, assignee: { id: "U024BE7LH", name: "ana" } }],
    ["priority 12 p1", { kind: "priority", number: 12, priority: "P1" }],
    ["status 12 waiting", { kind: "status", number: 12, status: "waiting" }],
    ["status 12 in progress", { kind: "status", number: 12, status: "in_progress" }],
    ["comment 12 tried a restart", { kind: "comment", number: 12, body: "tried a restart" }],
    ["note 12 user is VIP", { kind: "note", number: 12, body: "user is VIP" }],
    ["resolve 12 replaced the toner", { kind: "resolve", number: 12, resolution: "replaced the toner" }],
    ["close 12", { kind: "close", number: 12 }],
    ["reopen 12 still jams", { kind: "reopen", number: 12, reason: "still jams" }],
    ["history 12", { kind: "history", number: 12 }],
    ["search wifi 3rd floor", { kind: "search", words: "wifi 3rd floor" }],
    ["help", { kind: "help" }],
  ])("%s", (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it("keeps line breaks in comments", () => {
    expect(parseCommand("comment 3 first line\nsecond line")).toEqual({ kind: "comment", number: 3, body: "first line\nsecond line" });
  });

  it("splits a long first line at its first sentence", () => {
    const text = `Outlook crashes on start. ${"It shows a dialog about profiles and then closes without saving anything at all. ".repeat(3)}`;
    const cmd = parseCommand(text);
    expect(cmd).toMatchObject({ kind: "create", title: "Outlook crashes on start." });
  });

  describe("bad input answers with usage, never a ticket or a throw", () => {
    it.each([
      ["claim abc", /"abc" is not a ticket number\. Usage: claim N/],
      ["claim", /Which ticket\? Usage: claim N/],
      ["assign 4", /Assign to whom\?/],
      ["assign 4 ana bob", /not one person/],
      ["priority 4 P9", /Priority must be one of P1, P2, P3, P4/],
      ["status 4 sleeping", /"sleeping" is not a status/],
      ["comment 4", /The comment is empty/],
      ["resolve 4", /Say how it was resolved/],
      ["reopen 4", /Say why/],
      ["close 4 now please", /I did not expect "now please"/],
      ["list everything", /"everything" is not a list I know/],
      ["search", /Search for what\?/],
      ["??", /I could not make a ticket/],
      ["show 99999999999", /is not a ticket number/],
    ])("%s", (input, message) => {
      const cmd = parseCommand(input);
      expect(cmd.kind).toBe("help");
      expect(cmd.kind === "help" && cmd.unknown).toMatch(message);
    });
  });
});
