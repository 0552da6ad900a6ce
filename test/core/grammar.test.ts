import { describe, expect, it } from "vitest";
import { distance, oneEditApart } from "../../src/core/grammar.js";
import { standardCapabilities } from "../../src/capabilities/index.js";
import { capabilitiesOf, exampleSettings, makeDesk } from "../helpers/desk.js";

// The capabilities' words (role, report, shift, kb...) are part of the grammar of a desk assembled with them.
const caps = capabilitiesOf();

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
    expect(caps.parse(input)).toEqual(expected);
  });

  it("keeps line breaks in comments", () => {
    expect(caps.parse("comment 3 first line\nsecond line")).toEqual({ kind: "comment", number: 3, body: "first line\nsecond line" });
  });

  it("splits a long first line at its first sentence", () => {
    const text = `Outlook crashes on start. ${"It shows a dialog about profiles and then closes without saving anything at all. ".repeat(3)}`;
    const cmd = caps.parse(text);
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
      const cmd = caps.parse(input);
      expect(cmd.kind).toBe("help");
      expect(cmd.kind === "help" && cmd.unknown).toMatch(message);
    });
  });
});

describe("the grammar forgives a mistyped command, and still opens real problems at once", () => {
  const answer = (line: string) => {
    const c = caps.parse(line);
    return c.kind === "help" ? c.unknown : undefined;
  };

  it.each([
    ["lsit", "Did you mean `list`? To open a ticket with these words, type `new lsit`."],
    ["lsit queue", "Did you mean `list queue`?"],
    ["shwo 3", "Did you mean `show 3`?"],
    ["shwo", "Did you mean `show N`?"],
    ["claim3", "Did you mean `claim 3`?"],
    ["Clam 3", "Did you mean `claim 3`?"],
    ["histroy #4", "Did you mean `history #4`?"],
    ["commnet 3 tried a restart", "Did you mean `comment 3 tried a restart`?"],
    ["asign 3 @ana", "Did you mean `assign 3 @ana`?"],
    ["ticket 5", "Did you mean `show 5`?"],
    ["tickets", "Did you mean `list`?"],
    ["take 2", "Did you mean `claim 2`?"],
    ["grab #2", "Did you mean `claim 2`?"],
    ["view 4", "Did you mean `show 4`?"],
    ["fix 3", "Did you mean `resolve 3 <resolution>`?"],
    ["take", "Did you mean `claim N`?"],
    ["role @zoe superuser", 'I did not understand "role @zoe superuser". Usage: role @who'],
    ["shift", "Usage: shift on|off"],
    ["assign ana to 12", '"ana" is not a ticket number'],
  ])("%s asks instead of opening a ticket", (line, asked) => {
    expect(answer(line)).toContain(asked);
    expect(answer(line)).toContain(`\`new ${line}\``);
  });

  it.each([
    "printer on 3rd floor jams",
    "list of printers is wrong",
    "slow laptop since the update",
    "slow 2 laptops in finance",
    "lost my badge",
    "status page is down",
    "status page is down since 9",
    "close button missing in Outlook",
    "note taking app crashes on start",
    "help me reset my password",
    "report printers are broken",
    "shift key stuck on my keyboard",
    "role change for a new starter",
    "ticket system sends no emails",
    "claims portal down for everyone",
    "reports are wrong since Monday",
    "take 2 minutes to log in",
    "fix my vpn please",
    "view of the dashboard is blank",
  ])("%s opens a ticket", (line) => {
    expect(caps.parse(line)).toEqual({ kind: "create", title: line });
  });

  it("takes a claimed ticket over only when asked to", () => {
    expect(caps.parse("claim 3 force")).toEqual({ kind: "claim", number: 3, force: true });
    expect(caps.parse("claim 3")).toEqual({ kind: "claim", number: 3 });
  });

  it("counts a swap of neighbouring letters as one typo", () => {
    expect(distance("lsit", "list")).toBe(1);
    expect(distance("slow", "show")).toBe(1);
    expect(distance("history", "mystery")).toBeGreaterThan(1);
  });

  it("finds words one typo apart in one pass, agreeing with the full edit distance", () => {
    const words = [
      "list",
      "lsit",
      "lst",
      "lists",
      "show",
      "slow",
      "shwo",
      "sohw",
      "claim",
      "clam",
      "calim",
      "assign",
      "asign",
      "assing",
      "history",
      "mystery",
      "a",
      "ab",
      "ba",
      "abc",
      "acb",
      "bca",
    ];
    for (const a of words) for (const b of words) expect([a, b, oneEditApart(a, b)]).toEqual([a, b, distance(a, b) === 1]);
  });
});

describe("each desk has its own grammar", () => {
  it("two desks in one process with different capabilities parse, help and click differently", async () => {
    // Built one after the other in one process: the full desk's verbs must not leak into the bare one.
    const full = await makeDesk({ capabilities: standardCapabilities(exampleSettings()) });
    const bare = await makeDesk({ capabilities: [] });
    expect(full.desk.parse("shift on")).toEqual({ kind: "capability", capability: "triage", verb: "shift", text: "on" });
    expect(bare.desk.parse("shift on")).toEqual({ kind: "create", title: "shift on" });
    expect(full.desk.parse("incident SEV2 mail is down")).toMatchObject({ kind: "incident" });
    expect(bare.desk.parse("incident SEV2 mail is down")).toEqual({ kind: "create", title: "incident SEV2 mail is down" });
    expect(full.desk.capabilities.help()).toContain("shift on|off");
    expect(full.desk.capabilities.help()).toContain("Incidents:");
    expect(bare.desk.capabilities.help()).not.toContain("shift");
    expect(bare.desk.capabilities.help()).not.toContain("Incidents:");
    expect(full.desk.capabilities.actionCommand("rate", 1, "4")).toMatchObject({ kind: "capability", capability: "satisfaction" });
    expect(bare.desk.capabilities.actionCommand("rate", 1, "4")).toBeUndefined();
    // And the bare desk answers `help` with its own list.
    const help = await bare.as("ana", "help");
    expect(help.ok && help.text).not.toContain("shift");
  });
});
