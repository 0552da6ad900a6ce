import { describe, expect, it } from "vitest";
import { approversFor, matchPolicy, neededFor, parseUntil, tally } from "../../../src/capabilities/approvals/rules.js";
import { approvalSettings } from "./setup.js";

const A = ["slack:U1", "slack:U2", "slack:U3"];
const v = (approver: string, decision: "approve" | "reject") => ({ approver, decision });

describe("approval rules", () => {
  it("any: one approval decides; every approver must reject to reject", () => {
    expect(tally("any", A, [v("slack:U1", "approve")])).toBe("approved");
    expect(tally("any", A, [v("slack:U1", "reject"), v("slack:U2", "reject")])).toBe("pending");
    expect(
      tally(
        "any",
        A,
        A.map((a) => v(a, "reject")),
      ),
    ).toBe("rejected");
  });

  it("all: every approval needed; one rejection rejects", () => {
    expect(tally("all", A, [v("slack:U1", "approve"), v("slack:U2", "approve")])).toBe("pending");
    expect(
      tally(
        "all",
        A,
        A.map((a) => v(a, "approve")),
      ),
    ).toBe("approved");
    expect(tally("all", A, [v("slack:U3", "reject")])).toBe("rejected");
  });

  it("majority: more than half either way", () => {
    expect(neededFor("majority", 3)).toBe(2);
    expect(neededFor("majority", 4)).toBe(3);
    expect(tally("majority", A, [v("slack:U1", "approve")])).toBe("pending");
    expect(tally("majority", A, [v("slack:U1", "approve"), v("slack:U2", "approve")])).toBe("approved");
    expect(tally("majority", A, [v("slack:U1", "reject"), v("slack:U2", "reject")])).toBe("rejected");
    expect(tally("majority", A, [v("slack:U9", "approve"), v("slack:U8", "approve")])).toBe("pending");
  });

  it("matches policies by type or category and picks approvers category > service > policy > fallback", () => {
    const s = approvalSettings().approvals!;
    s.policies.push({ name: "net", types: [], categories: ["Network"], rule: "all", approvers: ["slack:UP"] });
    s.approvers.services.VPN = ["slack:UVPN"];
    expect(matchPolicy(s, { type: "incident", category: null })).toBeUndefined();
    expect(matchPolicy(s, { type: "access_request", category: null })?.name).toBe("access");
    const net = matchPolicy(s, { type: "incident", category: "Network" })!;
    expect(net.name).toBe("net");
    expect(approversFor(s, net, { category: "Network", service: "VPN" })).toEqual(["slack:UVPN"]);
    expect(approversFor(s, net, { category: "Network", service: null })).toEqual(["slack:UP"]);
    s.approvers.categories.Network = ["email:net@example.com"];
    expect(approversFor(s, net, { category: "Network", service: "VPN" })).toEqual(["email:net@example.com"]);
    expect(approversFor(s, s.policies[0]!, { category: null, service: null })).toEqual(["console:ana", "console:bob", "console:carl"]);
  });

  it("reads an end of access as the end of that day in the desk's zone, and refuses the past and non-dates", () => {
    const now = Date.UTC(2026, 10, 24, 9);
    expect(parseUntil("2026-12-01", now, "Europe/London")).toBe(Date.UTC(2026, 11, 2, 0));
    expect(parseUntil("2026-12-01 18:30", now, "UTC")).toBe(Date.UTC(2026, 11, 1, 18, 30));
    expect(parseUntil("2026-02-30", now, "UTC")).toMatch(/not a real date/);
    expect(parseUntil("next week", now, "UTC")).toMatch(/not a date/);
    expect(parseUntil("2026-11-01", now, "UTC")).toMatch(/already passed/);
  });
});
