import { describe, expect, it } from "vitest";
import { actionCommand } from "../../../src/core/views.js";
import { ok, refused } from "../../helpers/desk.js";
import { card, field, history, triageDesk } from "./helpers.js";

describe("triage: category and team by rules and the learned classifier", () => {
  it("suggest mode: the card offers the rule's category with Accept and Change, and Accept applies it", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "wifi keeps dropping in room 4"));
    let v = await card(d, 1);
    expect(field(v, "Category")).toBe('Network (100%) suggested · rule: keyword "wifi"');
    expect(v.actions.find((a) => a.verb === "accept_category")).toMatchObject({ label: "Accept Network", ticketId: 1 });
    expect(v.actions.find((a) => a.verb === "change_category")?.input).toEqual({ kind: "choice", options: ["Network", "Hardware", "Access", "Software"] });
    expect((await d.desk.snapshot(1))!.ticket.category).toBeNull();

    // The click, as an adapter runs it.
    const accept = actionCommand("accept_category", 1)!;
    expect(refused(await d.as("carol", accept)).code).toBe("FORBIDDEN");
    ok(await d.as("ana", accept));
    const t = (await d.desk.snapshot(1))!.ticket;
    expect(t).toMatchObject({ category: "Network", team: "Network" });
    v = await card(d, 1);
    expect(v.actions.some((a) => a.verb === "accept_category")).toBe(false);
    expect((await history(d, 1)).find((h) => h.field === "category")).toMatchObject({ to: "Network", reason: expect.stringContaining('suggestion accepted (rule: keyword "wifi")') });
    // A second click is answered, not applied twice.
    expect(refused(await d.as("ana", accept)).text).toBe("#1's suggestion (Network) was already accepted.");
    expect(ok(await d.as("ana", "triage stats")).text).toContain("suggestions 1: accepted 1, corrected 0, not yet reviewed 0; accuracy 100%");
  });

  it("auto mode applies above the threshold and falls back to suggest below it", async () => {
    const d = await triageDesk("  mode: auto\n  auto_threshold: 0.9\n");
    const o = ok(await d.as("carol", "vpn will not connect from home"));
    expect(o.snapshot!.ticket).toMatchObject({ category: "Network", team: "Network" });
    expect(field(await card(d, 1), "Category reason")).toBe('Network (100%) · rule: keyword "vpn"');
    expect((await history(d, 1)).find((h) => h.field === "category")?.reason).toBe('rule: keyword "vpn" (100%, auto above 90%)');
    // Two categories' keywords: 50% each, below the threshold, so only suggested.
    const o2 = ok(await d.as("carol", "printer needs a password"));
    expect(o2.snapshot!.ticket.category).toBeNull();
    expect(field(await card(d, 2), "Category")).toMatch(/^(Hardware|Access) \(50%\) suggested/);
  });

  it("a pattern from the triage section counts as a rule", async () => {
    const d = await triageDesk('  patterns:\n    - { category: Access, pattern: "locked out" }\n');
    ok(await d.as("carol", "I am locked out since this morning"));
    expect(field(await card(d, 1), "Category")).toBe("Access (100%) suggested · rule: pattern /locked out/");
  });

  it("learns from an agent's correction: the next similar ticket follows it", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "the badge reader at the front door beeps red"));
    expect(field(await card(d, 1), "Category")).toBeUndefined();
    // The agent sets it through the card's Change (a choice), as adapters map it.
    ok(await d.as("ana", actionCommand("change_category", 1, "Hardware")!));
    expect((await d.desk.snapshot(1))!.ticket).toMatchObject({ category: "Hardware", team: "Service Desk" });
    ok(await d.as("dave", "badge reader beeps red at the side door"));
    expect(field(await card(d, 2), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: naive Bayes on 1 tickets/);
  });

  it("counts a corrected suggestion, and refuses unknown categories and requesters", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "outlook calendar invites vanish"));
    expect(field(await card(d, 1), "Category")).toContain("Software (100%) suggested");
    ok(await d.as("ana", "category 1 access"));
    expect((await d.desk.snapshot(1))!.ticket.category).toBe("Access");
    const stats = ok(await d.as("ana", "triage stats")).text;
    expect(stats).toContain("accepted 0, corrected 1");
    expect(stats).toContain("accuracy 0%");
    expect(refused(await d.as("ana", "category 1 Plumbing")).text).toBe("There is no category \"Plumbing\". Categories: Network, Hardware, Access, Software.");
    expect(refused(await d.as("carol", "category 1 Network")).code).toBe("FORBIDDEN");
  });

  it("a correction of a rule's category wins over the rule for the next similar ticket", async () => {
    const d = await triageDesk("  mode: suggest\n");
    // Some history first: with a handful of examples a single correction would be all the model knows.
    const history: [string, string][] = [["wifi drops in room 4", "Network"], ["vpn fails from home", "Network"], ["printer jams on floor 2", "Hardware"], ["laptop battery dead", "Hardware"], ["password expired", "Access"], ["excel crashes when saving", "Software"], ["install visio please", "Software"], ["outlook search is slow", "Software"], ["teams camera not detected", "Software"], ["monitor flickers", "Hardware"]];
    let n = 0;
    for (const [text, category] of [...history, ...history]) {
      ok(await d.as("carol", text));
      ok(await d.as("ana", `category ${++n} ${category}`));
    }
    ok(await d.as("carol", "outlook shared calendar invites vanish for the finance team"));
    n++;
    expect(field(await card(d, n), "Category")).toContain('Software (100%) suggested · rule: keyword "outlook"');
    ok(await d.as("ana", `category ${n} Access`));
    ok(await d.as("dave", "outlook shared calendar invites vanish"));
    expect(field(await card(d, n + 1), "Category")).toMatch(/^Access \(9\d%\) suggested · model: naive Bayes on 21 tickets, over rule: keyword "outlook"$/);
    // Other outlook tickets still follow the rule.
    ok(await d.as("dave", "outlook search keeps crashing"));
    expect(field(await card(d, n + 2), "Category")).toContain('Software (100%) suggested · rule: keyword "outlook"');
  });

  it("trains at start-up from resolved tickets with a category", async () => {
    const d1 = await triageDesk();
    for (const [i, text] of ["stapler jammed on floor two", "stapler broken again", "stapler needs staples"].entries()) {
      ok(await d1.as("carol", text));
      ok(await d1.as("ana", `category ${i + 1} Hardware`));
      ok(await d1.as("ana", `resolve ${i + 1} replaced`));
    }
    // A new process on the same file: a fresh desk whose model has never seen a correction.
    const { makeDesk } = await import("../../helpers/desk.js");
    const { settingsWith } = await import("./helpers.js");
    const d2 = await makeDesk({ path: d1.path, settings: settingsWith("  mode: suggest\n") });
    ok(await d2.as("carol", "stapler jammed"));
    expect(field(await card(d2, 4), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: naive Bayes on 3 tickets/);
  });
});

describe("triage: owner by the team's rule", () => {
  const owners = "  mode: auto\n  owner:\n    - { team: Service Desk, rule: round_robin }\n    - { team: Network, rule: least_loaded }\n";

  it("round-robin among the team's on-shift agents, skipping one who is off shift", async () => {
    const d = await triageDesk(owners);
    const who = async (text: string) => ok(await d.as("carol", text)).snapshot!.assignee?.name;
    expect(await who("laptop fan loud")).toBe("ana");
    expect(await who("laptop screen cracked")).toBe("bob");
    expect(await who("laptop battery dead")).toBe("ana");
    expect(ok(await d.as("bob", "shift off")).text).toBe("bob is off shift: no new tickets will be assigned to you.");
    expect(await who("laptop hinge loose")).toBe("ana");
    ok(await d.as("bob", "shift on"));
    expect(await who("laptop keyboard sticky")).toBe("bob");
    expect(field(await card(d, 1), "Owner reason")).toBe("ana: round-robin in Service Desk (2 on shift)");
    expect((await history(d, 1)).find((h) => h.field === "assignee")).toMatchObject({ to: "console:ana", reason: "round-robin in Service Desk (2 on shift)" });
  });

  it("least-loaded, and nobody when the whole team is off shift (left for Claim)", async () => {
    const yaml = owners.replace("{ team: Network, rule: least_loaded }", "{ team: Service Desk, rule: least_loaded }").replace("    - { team: Service Desk, rule: round_robin }\n", "");
    const d = await triageDesk(yaml);
    ok(await d.as("carol", "monitor dead"));
    expect((await d.desk.snapshot(1))!.assignee?.name).toBe("ana");
    ok(await d.as("carol", "mouse dead"));
    expect((await d.desk.snapshot(2))!.assignee?.name).toBe("bob");
    ok(await d.as("ana", "resolve 1 swapped"));
    ok(await d.as("carol", "keyboard dead"));
    expect((await d.desk.snapshot(3))!.assignee?.name).toBe("ana");
    expect(field(await card(d, 3), "Owner reason")).toBe("ana: least loaded in Service Desk (0 open)");
    ok(await d.as("ana", "shift off"));
    ok(await d.as("bob", "shift off"));
    ok(await d.as("carol", "dock dead"));
    expect((await d.desk.snapshot(4))!.assignee).toBeNull();
  });

  it("claim leaves the ticket unassigned", async () => {
    const d = await triageDesk("  mode: auto\n  owner:\n    - { team: Network, rule: claim }\n");
    const o = ok(await d.as("carol", "vpn fails"));
    expect(o.snapshot!.ticket.team).toBe("Network");
    expect(o.snapshot!.assignee).toBeNull();
  });

  it("refuses shift and triage verbs to requesters, and keeps 'shift key broken' a ticket", async () => {
    const d = await triageDesk();
    expect(refused(await d.as("carol", "shift off")).code).toBe("FORBIDDEN");
    expect(ok(await d.as("carol", "shift key broken")).kind).toBe("create");
  });
});
