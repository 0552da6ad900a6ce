import { describe, expect, it } from "vitest";
import { ok } from "../../helpers/desk.js";
import { card, field, history, triageDesk } from "./helpers.js";

describe("triage: priority from impact x urgency, inferred with its reason", () => {
  it("uses the configured matrix for what the requester chose, and does not second-guess it", async () => {
    const d = await triageDesk("  mode: suggest\n");
    // The requester chose low/low although the text says "everyone" and "can't work".
    const o = ok(await d.as("carol", { kind: "create", title: "everyone can't work, printer offline", impact: "low", urgency: "low" }));
    expect(o.snapshot!.ticket.priority).toBe("P4");
    expect(field(await card(d, 1), "Priority reason")).toBe("P4: impact low (chosen by the requester) x urgency low (chosen by the requester)");
  });

  it("reads an outage for everyone as high impact and can't work as high urgency", async () => {
    const d = await triageDesk();
    const o = ok(await d.as("carol", "email is down for everyone on the 3rd floor and we can't work"));
    expect(o.snapshot!.ticket).toMatchObject({ impact: "high", urgency: "high", priority: "P1" });
    expect(field(await card(d, 1), "Priority reason")).toBe(
      'P1: impact high (affects many people: "everyone") x urgency high (work is blocked: "can\'t work")',
    );
    const h = await history(d, 1);
    expect(h.find((l) => l.field === "priority")).toMatchObject({ from: "P3", to: "P1", reason: expect.stringContaining('affects many people: "everyone"') });
  });

  it("after a priority change the card gives the reason for the priority the ticket has now (issue 20)", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "email is down for everyone on the 3rd floor and we can't work"));
    expect(field(await card(d, 1), "Priority reason")).toMatch(/^P1: impact high/);
    ok(await d.as("ana", "priority 1 P3"));
    expect((await d.desk.snapshot(1))!.ticket.priority).toBe("P3");
    expect(field(await card(d, 1), "Priority reason")).toBe("P3: set by ana");
    // A change by something else than a person's priority command (an SLA escalation) hides a reason that no longer holds.
    await d.desk.system("sla", async (ctx) => {
      await ctx.record.change(await ctx.load(1), { priority: "P2" }, "priority", "SLA raised #1 to P2", { reason: "resolution breached" });
    });
    expect(field(await card(d, 1), "Priority reason")).toBeUndefined();
  });

  it("gives a VIP requester high impact", async () => {
    const d = await triageDesk("  vip: [console:ceo]\n");
    const o = ok(await d.as("ceo", "my monitor flickers"));
    expect(o.snapshot!.ticket).toMatchObject({ impact: "high", urgency: "medium", priority: "P2" });
    expect(field(await card(d, 1), "Priority reason")).toContain("impact high (VIP requester (console:ceo))");
  });

  it("gives a ticket about a critical service high impact", async () => {
    const d = await triageDesk();
    const o = ok(await d.as("carol", { kind: "create", title: "cannot send mail to one customer", service: "Email" }));
    expect(o.snapshot!.ticket.priority).toBe("P2");
    expect(field(await card(d, 1), "Priority reason")).toContain("affected service Email is critical");
    // A service that is not critical says nothing.
    ok(await d.as("carol", { kind: "create", title: "slow pages on one laptop", service: "Wifi" }));
    expect(field(await card(d, 2), "Priority reason")).toBe("P3: impact medium (default) x urgency medium (default)");
  });

  it("reads 'no rush' and 'just me' as low", async () => {
    const d = await triageDesk();
    const o = ok(await d.as("carol", "the dock light blinks, just me, no rush"));
    expect(o.snapshot!.ticket).toMatchObject({ impact: "low", urgency: "low", priority: "P4" });
  });

  it("follows a custom matrix", async () => {
    const { settingsWith } = await import("./helpers.js");
    const s = settingsWith("  mode: suggest\n");
    s.priorityMatrix = { ...s.priorityMatrix, high: { high: "P2", medium: "P2", low: "P3" } };
    const { makeDesk } = await import("../../helpers/desk.js");
    const d = await makeDesk({ settings: s });
    const o = ok(await d.as("carol", "wifi down for everyone, we can't work"));
    expect(o.snapshot!.ticket.priority).toBe("P2");
  });
});
