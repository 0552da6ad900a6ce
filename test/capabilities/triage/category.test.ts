import { describe, expect, it } from "vitest";
import { ok, refused, capabilitiesOf } from "../../helpers/desk.js";
import { card, field, history, triageDesk } from "./helpers.js";

const caps = capabilitiesOf();

describe("triage: category and team by rules and the learned classifier", () => {
  it("a configured rule applies on arrival in suggest mode: category, the category's team, the rule as the reason", async () => {
    const d = await triageDesk("  mode: suggest\n");
    const o = ok(await d.as("carol", "wifi keeps dropping in room 4"));
    expect(o.snapshot!.ticket).toMatchObject({ category: "Network", team: "Network" });
    const v = await card(d, 1);
    expect(field(v, "Category reason")).toBe('Network · rule: keyword "wifi"');
    expect(v.actions.some((a) => a.verb === "accept_category")).toBe(false);
    expect(v.actions.find((a) => a.verb === "change_category")?.input).toEqual({ kind: "choice", options: ["Hardware", "Access", "Software"] });
    expect((await history(d, 1)).find((h) => h.field === "category")).toMatchObject({ to: "Network", reason: 'rule: keyword "wifi"' });
    // The desk's report counts it in its category, not as uncategorised.
    expect(ok(await d.as("ana", "list")).list!.map((s) => s.ticket.category)).toEqual(["Network"]);
  });

  it("suggest mode: the model's guess is offered with Accept, and Accept applies it and teaches the model", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "the badge reader at the front door beeps red"));
    ok(await d.as("ana", caps.actionCommand("change_category", 1, "Hardware")!));
    ok(await d.as("dave", "badge reader beeps red at the side door"));
    let v = await card(d, 2);
    expect(field(v, "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: trained on 1 ticket$/);
    expect((await d.desk.snapshot(2))!.ticket.category).toBeNull();
    const accept = caps.actionCommand("accept_category", 2)!;
    expect(refused(await d.as("carol", accept)).code).toBe("FORBIDDEN");
    ok(await d.as("ana", accept));
    expect((await d.desk.snapshot(2))!.ticket).toMatchObject({ category: "Hardware", team: "Service Desk" });
    v = await card(d, 2);
    expect(v.actions.some((a) => a.verb === "accept_category")).toBe(false);
    expect((await history(d, 2)).find((h) => h.field === "category")).toMatchObject({
      to: "Hardware",
      reason: expect.stringContaining("suggestion accepted (model: trained on"),
    });
    // A second click is answered, not applied twice.
    expect(refused(await d.as("ana", accept)).text).toBe("#2's suggestion (Hardware) was already accepted.");
    expect(ok(await d.as("ana", "triage stats")).text).toContain("suggestions 1: accepted 1, corrected 0, not yet reviewed 0; accuracy 100%");
  });

  it("auto mode applies the model's guess only where its held-back precision reaches auto_precision", async () => {
    const d = await triageDesk("  mode: auto\n  auto_precision: 0.9\n");
    // A rule applies in auto mode as in suggest mode.
    const o = ok(await d.as("carol", "vpn will not connect from home"));
    expect(o.snapshot!.ticket).toMatchObject({ category: "Network", team: "Network" });
    // An untrained model has held nothing back, so its guesses are never applied, only suggested.
    ok(await d.as("carol", "the badge reader at the front door beeps red"));
    ok(await d.as("ana", caps.actionCommand("change_category", 2, "Hardware")!));
    ok(await d.as("dave", "badge reader beeps red at the side door"));
    expect((await d.desk.snapshot(3))!.ticket.category).toBeNull();
    expect(field(await card(d, 3), "Category")).toMatch(/^Hardware \(\d+%\) suggested/);
  });

  it("a pattern from the triage section counts as a rule", async () => {
    const d = await triageDesk('  patterns:\n    - { category: Access, pattern: "locked out" }\n');
    ok(await d.as("carol", "I am locked out since this morning"));
    expect(field(await card(d, 1), "Category reason")).toBe("Access · rule: pattern /locked out/");
  });

  it("counts a corrected rule, and refuses unknown categories and requesters", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "outlook calendar invites vanish"));
    expect((await d.desk.snapshot(1))!.ticket.category).toBe("Software");
    ok(await d.as("ana", "category 1 access"));
    expect((await d.desk.snapshot(1))!.ticket.category).toBe("Access");
    const stats = ok(await d.as("ana", "triage stats")).text;
    expect(stats).toContain("accepted 0, corrected 1");
    expect(stats).toContain("accuracy 0%");
    expect(refused(await d.as("ana", "category 1 Plumbing")).text).toBe('There is no category "Plumbing". Categories: Network, Hardware, Access, Software.');
    expect(refused(await d.as("carol", "category 1 Network")).code).toBe("FORBIDDEN");
  });

  it("a rule agents keep correcting gives way to the model where the model learned otherwise", async () => {
    const d = await triageDesk("  mode: suggest\n");
    ok(await d.as("carol", "outlook shared calendar invites vanish for the finance team"));
    expect((await d.desk.snapshot(1))!.ticket.category).toBe("Software");
    ok(await d.as("ana", "category 1 Access"));
    ok(await d.as("dave", "outlook shared calendar invites vanish"));
    expect((await d.desk.snapshot(2))!.ticket.category).toBeNull();
    expect(field(await card(d, 2), "Category")).toMatch(
      /^Access \(\d+%\) suggested · model: trained on 1 ticket, over rule: keyword "outlook" \(the rule was right 0 of 1 times they disagreed\)$/,
    );
    // Other rules keep deciding: the record is per rule category.
    ok(await d.as("dave", "printer on floor 2 jams"));
    expect((await d.desk.snapshot(3))!.ticket.category).toBe("Hardware");
  });

  it("the Change button offers the model's best guesses first", async () => {
    const d = await triageDesk("  mode: suggest\n");
    for (const [text, category] of [
      ["the badge reader beeps red", "Hardware"],
      ["the door badge is refused", "Access"],
    ] as const) {
      const n = ok(await d.as("carol", text)).snapshot!.ticket.number;
      ok(await d.as("ana", caps.actionCommand("change_category", n, category)!));
    }
    ok(await d.as("dave", "badge reader refused my badge"));
    const options = (await card(d, 3)).actions.find((a) => a.verb === "change_category")?.input;
    expect(options?.kind === "choice" && options.options.slice(0, 2).sort()).toEqual(["Access", "Hardware"]);
    expect(options?.kind === "choice" && options.options).toHaveLength(4);
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
    expect(field(await card(d2, 4), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: trained on 3 tickets/);
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
    const yaml = owners
      .replace("{ team: Network, rule: least_loaded }", "{ team: Service Desk, rule: least_loaded }")
      .replace("    - { team: Service Desk, rule: round_robin }\n", "");
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
