// The console as an agent's desk, through its real streams: who is acting, what a ticket shows, the list's
// order and time to breach, what the desk told each person, the history in words, and hostile text.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../adapters/console/console.js";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { SlaRules } from "../../src/capabilities/sla/rules.js";
import { SlaScheduler } from "../../src/capabilities/sla/scheduler.js";
import { CONTROL, HOSTILE } from "../helpers/hostile.js";
import { makeDesk, type TestDesk } from "../helpers/desk.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { accessRequest, approvalSettings } from "../capabilities/approvals/setup.js";

const at = (s: string) => Date.parse(s);

/** A desk with the console's notifier (and SLA clocks), and `type` to run lines at its console as one session. */
async function consoleDesk(opts: { sla?: boolean; settings?: DeskSettings } = {}) {
  const d = await makeDesk({ sla: opts.sla ?? true, notifiers: [new ConsoleNotifier()], ...(opts.settings ? { settings: opts.settings } : {}) });
  const type = async (lines: string[], user = "operator") => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c) => (printed += c));
    const done = runConsole(d.desk, { input, output, interactive: false, user });
    input.end(lines.map((l) => `${l}\n`).join(""));
    await done;
    return printed;
  };
  return { ...d, type };
}

const tickets = async (d: TestDesk) => (await d.db.selectFrom("tickets").select("id").execute()).length;

describe("who is acting", () => {
  it("matches names case-insensitively, refuses `as @` with no name, and lists as and quit in help", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["as @Ana", "as @", "as", "help", "quit", "this line is never read"]);
    expect(printed).toContain("You are now ana (agent).");
    expect(printed.match(/^! Say who: as @name/gm)?.length).toBe(2);
    expect(printed).toMatch(/^ {2}as @name +act as someone else/m);
    expect(printed).toMatch(/^ {2}quit +leave/m);
    expect(await tickets(d)).toBe(0);
  });

  it("gives a console name a role with `role @zoe agent`, and zoe then works as an agent", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["role @zoe agent", "as @Zoe", "list queue"]);
    expect(printed).toMatch(/zoe .*agent/);
    expect(printed).toContain("You are now zoe (agent).");
    expect(printed).toContain("No tickets (queue).");
  });
});

describe("a mistyped command asks, a problem opens a ticket", () => {
  it("answers near misses with Did you mean, in one refusal style, and opens nothing", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["lsit", "shwo 1", "claim1", "ticket 5", "role @zoe superuser", "claim seven", "show 9"]);
    const answers = printed.split("\n").filter((l) => l && !l.startsWith("  "));
    expect(answers).toEqual([
      "! Did you mean `list`? To open a ticket with these words, type `new lsit`.",
      "! Did you mean `show 1`? To open a ticket with these words, type `new shwo 1`.",
      "! Did you mean `claim 1`? To open a ticket with these words, type `new claim1`.",
      "! Did you mean `show 5`? To open a ticket with these words, type `new ticket 5`.",
      expect.stringMatching(
        /^! I did not understand "role @zoe superuser"\. Usage: role @who .* To open a ticket with these words, type `new role @zoe superuser`\.$/,
      ),
      expect.stringMatching(/^! "seven" is not a ticket number\. Usage: claim N/),
      "! There is no ticket #9.",
    ]);
    expect(await tickets(d)).toBe(0);
  });

  it("asks `claim 2` of an agent who types `take 2`, and opens nothing", async () => {
    const d = await consoleDesk();
    await d.type(["as @carol", "printer on 3rd floor jams", "email bounces for everyone"]);
    const printed = await d.type(["as @ana", "take 2", "view 2"]);
    expect(printed).toContain("! Did you mean `claim 2`? To open a ticket with these words, type `new take 2`.");
    expect(printed).toContain("! Did you mean `show 2`? To open a ticket with these words, type `new view 2`.");
    expect(await tickets(d)).toBe(2);
    expect((await d.desk.snapshot(2))!.assignee).toBeFalsy();
  });

  it("opens real one-line problems at once, including ones that start with a command word", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["list of printers is wrong", "slow laptop since the update", "status page is down", "new lsit"]);
    expect(printed).toContain("Opened #1 [P3 new] list of printers is wrong");
    expect(printed).toContain("Opened #2 [P3 new] slow laptop since the update");
    expect(printed).toContain("Opened #3 [P3 new] status page is down");
    expect(printed).toContain("Opened #4 [P3 new] lsit");
  });
});

describe("claiming someone else's ticket", () => {
  it("asks first, and takes it over with force", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["printer on 3rd floor jams", "as @ana", "claim 1", "as @bob", "claim 1", "claim 1 force"]);
    expect(printed).toContain("! #1 is with ana; `claim 1 force` to take it over.");
    expect(printed).toMatch(/#1 \[P3 in progress\] printer on 3rd floor jams \(assigned to bob\)/);
  });
});

describe("show N", () => {
  it("shows agents the SLA due times, the category triage applied and why, the duplicate hint and the whole conversation in order", async () => {
    const d = await consoleDesk();
    const printed = await d.type([
      "as @carol",
      "wifi down on the 3rd floor",
      "wifi down on 3rd floor again",
      "as @ana",
      "comment 2 Is it every access point?",
      "note 2 carol is on the VIP list",
      "as @carol",
      "comment 2 Yes, all of them",
      "as @ana",
      "show 2",
    ]);
    const shown = printed.slice(printed.lastIndexOf("#2 [P3"));
    // ana's reply was the first response. "wifi" puts the ticket in Network on arrival, and team Network counts
    // on new-york hours: 24 working hours from Tue 08:00 New York, skipping Thanksgiving (Thu 26 Nov), end Fri
    // 12:00 New York, shown in desk time (London).
    expect(shown).toContain("  First response: in time: 0 min of 4 h");
    expect(shown).toContain("  Resolve by Fri 17:00\n");
    expect(shown).not.toContain("Resolve by: Resolve by");
    expect(shown).toContain("  requester carol · incident · impact medium · urgency medium · Network · team Network\n");
    expect(shown).toContain('  Category reason: Network · rule: keyword "wifi"\n');
    expect(shown).toContain("  Duplicate: Looks like #1 (97% alike)");
    expect(shown).toContain(
      [
        "  Conversation:",
        "    Tue 24 Nov 09:00  ana: Is it every access point?",
        "    Tue 24 Nov 09:00  ana (internal note): carol is on the VIP list",
        "    Tue 24 Nov 09:00  carol: Yes, all of them",
      ].join("\n"),
    );
  });

  it("shows the requester the public conversation only: nothing says a note exists", async () => {
    const d = await consoleDesk();
    const printed = await d.type([
      "as @carol",
      "vpn drops every ten minutes",
      "as @ana",
      "note 1 carol is on the VIP list",
      "comment 1 Which client version?",
      "as @carol",
      "show 1",
      "history 1",
    ]);
    const mine = printed.slice(printed.lastIndexOf("You are now carol"));
    expect(mine).toContain("ana: Which client version?");
    expect(mine).not.toMatch(/VIP|internal|note/i);
  });
});

describe("list", () => {
  it("shows each ticket's time to breach, closest to breach first", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["printer on 3rd floor jams", "email bounces for everyone", "priority 2 P1", "as @ana", "list"]);
    const listed = printed.slice(printed.lastIndexOf("2 tickets (open):")).split("\n");
    expect(listed.slice(0, 3)).toEqual([
      "2 tickets (open):",
      "  #2 [P1 new] email bounces for everyone (unassigned) · breach in 15 min",
      "  #1 [P3 new] printer on 3rd floor jams (unassigned) · breach in 4 h",
    ]);
  });
});

describe("what the desk told each person, shown when they act", () => {
  it("keeps an assignment and a reply for the person they are meant for until that person acts", async () => {
    const d = await consoleDesk();
    const first = await d.type(["as @carol", "printer on 3rd floor jams", "as @ana", "assign 1 @bob", "comment 1 Tray 2 is empty; refilling it"]);
    // Neither bob nor carol acted: nothing for them was printed to ana.
    expect(first).not.toContain("For bob:");
    expect(first).not.toContain("For carol:");
    const later = await d.type(["as @bob", "list mine", "list mine", "as @Carol"]);
    expect(later).toContain(["You are now bob (agent).", "For bob:", "  ana assigned #1 to you: printer on 3rd floor jams (P3)."].join("\n"));
    expect(later).toContain(
      ["You are now carol (requester).", "For carol:", "  #1 is now with bob (triaged).", "  ana replied on #1: Tray 2 is empty; refilling it"].join("\n"),
    );
    // Printed once: bob's second command shows nothing new.
    expect(later.match(/For bob:/g)?.length).toBe(1);
  });

  it("tells the assignee of an SLA warning and the team lead of the breach", async () => {
    const d = await consoleDesk();
    const sla = new SlaScheduler(d.desk, new SlaRules(d.desk.settings.sla!), d.clock);
    await d.type(["as @carol", "printer on 3rd floor jams", "as @ana", "assign 1 @bob"]);
    d.clock.set(at("2026-11-26T16:00:00Z"));
    await sla.tick();
    d.clock.set(at("2026-11-26T17:00:00Z"));
    await sla.tick();
    const printed = await d.type(["as @bob", "as @lee"]);
    expect(printed).toMatch(
      /For bob:\n {2}ana assigned #1 to you[^\n]*\n(?: {2}[^\n]*\n)* {2}SLA warning: #1 has used 75% of its resolution target[^\n]*bob, it is yours\./,
    );
    expect(printed).toMatch(/For lee:\n(?: {2}[^\n]*\n)* {2}SLA breached: #1 missed its resolution target \(due [^)]+\); [^\n]*please step in\./);
    // Each was said once, to the person it was meant for.
    expect(printed.match(/resolution target/g)?.length).toBe(2);
  });

  it("tells each approver that a request waits for them", async () => {
    const d = await consoleDesk({ settings: approvalSettings() });
    await accessRequest(d);
    const printed = await d.type(["as @carl", "as @Carl", "as @lee"]);
    expect(printed).toContain(
      [
        "You are now carl (requester).",
        "For carl:",
        "  #1 waits for your approval: Access to the finance share. Answer with approve 1, or reject 1 <reason>.",
        "You are now carl (requester).",
        "You are now lee (lead).",
      ].join("\n"),
    );
  });

  it("tells the requester of an incident update on their ticket", async () => {
    const d = await consoleDesk();
    const printed = await d.type([
      "as @carol",
      "email bounces for everyone",
      "as @ana",
      "incident SEV2 mail outage",
      "link 1 to incident 1",
      "incident update 1 identified the relay is down",
      "as @carol",
    ]);
    expect(printed.slice(printed.lastIndexOf("You are now carol"))).toMatch(/Update on INC-?1 \(mail outage\), identified: the relay is down/);
  });
});

describe("history N, for people", () => {
  it("reads in local time, with names and words instead of keys and codes", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["as @ana", "printer on 3rd floor jams", "claim 1", "priority 1 P2", "history 1"]);
    const history = printed.slice(printed.indexOf("History of #1"));
    expect(history).toContain("History of #1 (times in Europe/London):");
    expect(history).toContain("Tue 24 Nov 09:00  ana claimed it: status new -> in progress, assignee ana");
    expect(history).toMatch(/SLA target changed: resolution now under P2 \(business hours, london\)/);
    expect(history).not.toMatch(/console:|sla_|T\d\d:\d\d:\d\d|\(none\)/);
  });

  it("names the desk, not the requester, for triage's and the SLA's own steps", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["as @carol", "printer on 3rd floor jams", "as @carol", "printer on the 3rd floor jams again", "as @ana", "history 2"]);
    const history = printed
      .slice(printed.indexOf("History of #2"))
      .split("\n")
      .slice(1)
      .filter((l) => l.startsWith("  "));
    expect(history[0]).toMatch(/^ {2}Tue 24 Nov 09:00 {2}carol opened it: status new/);
    expect(history).toContainEqual(expect.stringMatching(/^ {2}Tue 24 Nov 09:00 {2}Triage put it in Hardware: team Service Desk \(rule: keyword "printer"\)$/));
    expect(history).toContainEqual(expect.stringMatching(/^ {2}Tue 24 Nov 09:00 {2}Triage found it looks like #1 \(similarity \d+%\)$/));
    expect(history).toContainEqual(expect.stringMatching(/^ {2}Tue 24 Nov 09:00 {2}SLA clock started: first response due /));
    // Only the opening is carol's: every other step of her command was the desk's.
    expect(history.filter((l) => l.includes("carol"))).toHaveLength(1);
  });
});

describe("wording", () => {
  it("counts nouns as people say them and never says 'the all'", async () => {
    const d = await consoleDesk();
    const printed = await d.type([
      "as @ana",
      "kb new Printer jams on the 3rd floor -- Open tray 2 and pull out the stuck sheet. #printer",
      "kb printer",
      "as @carol",
      "list all",
    ]);
    expect(printed).toContain('1 article for "printer":');
    expect(printed).toContain("! Only agents can list all tickets; you are a requester. Try: list mine.");
    expect(printed).not.toMatch(/\(s\)|the all/);
  });
});

describe("the deflection offer", () => {
  it("says how to answer it at the console", async () => {
    const d = await consoleDesk();
    const printed = await d.type([
      "as @ana",
      "kb new Printer jams on the 3rd floor -- Open tray 2 and pull out the stuck sheet. #printer",
      "as @carol",
      "printer on 3rd floor jams",
    ]);
    expect(printed).toMatch(/This may help: KB-?1 Printer jams/);
    expect(printed).toContain("Answer with `kb solved 1` (it worked: the ticket closes) or `kb unsolved 1` (an agent takes it on).");
  });
});

describe("hostile text reaches the agent's terminal as text", () => {
  it.each(HOSTILE.map((h) => [h.name, h.text]))("%s", async (_name, text) => {
    const d = await consoleDesk();
    // Through every way the console prints a person's text: answers, show, list, history, search, and the news kept for carol.
    const printed = await d.type([
      "as @carol",
      `${text} on the 3rd floor`,
      `comment 1 ${text}`,
      "as @ana",
      "show 1",
      "list",
      "history 1",
      `search ${text}`,
      "claim 1",
      `comment 1 ${text}`,
      `resolve 1 ${text}`,
      "as @carol",
    ]);
    expect(printed).toContain("For carol:");
    expect(printed).not.toMatch(CONTROL);
    expect(printed).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it("shows an escape sequence's text instead of obeying it", async () => {
    const d = await consoleDesk();
    const printed = await d.type(["\u001b[2J\u001b[31mred\u001b[0m printer"]);
    // The desk stores text without control characters (Desk.handle), so the ESC never reaches the terminal.
    expect(printed).toContain("[2J[31mred[0m printer");
    expect(printed).not.toMatch(CONTROL);
  });
});
