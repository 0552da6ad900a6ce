// `incident from N` brings N's linked duplicates into the incident, so their requesters hear its updates;
// once the original is a declared incident, the requesters of new matches may hear its (public) title.
import { describe, expect, it } from "vitest";
import { ok } from "../../helpers/desk.js";
import { triageDesk } from "./helpers.js";

describe("triage: an incident declared from a ticket with duplicates", () => {
  it("incident from N links N's linked duplicates, and their requesters hear the incident's updates", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "wifi down on the 3rd floor"));
    ok(await d.as("dave", "3rd floor wifi down"));
    ok(await d.as("erin", "wifi is down on 3rd floor"));
    ok(await d.as("ana", "duplicate 2"));
    // #3 is only suggested: an agent has not said it is the same problem, so it stays out.
    const declared = ok(await d.as("ana", "incident from 1 Wifi outage, 3rd floor"));
    expect(declared.text).toMatch(/^Declared INC-?\d+ \[SEV2 investigating\] Wifi outage, 3rd floor from #1\. 1 linked duplicate of #1 joined it\.$/);
    const incidentOf = async (n: number) => ((await d.desk.snapshot(n))!.extras as Record<string, unknown>).incidents;
    expect(await incidentOf(2)).toBeTruthy();
    expect(JSON.stringify((await incidentOf(3)) ?? null)).not.toContain("Wifi outage");

    const id = /INC-?(\d+)/.exec(declared.text)![1];
    ok(await d.as("ana", `incident update ${id} identified the access point is being replaced`));
    const toDave = d.told.changes.filter((c) => c.snapshot.ticket.number === 2 && c.kind === "incident_update").map((c) => c.requesterMessage);
    expect(toDave).toEqual([expect.stringContaining("the access point is being replaced")]);
    expect(d.told.changes.some((c) => c.snapshot.ticket.number === 3 && c.kind === "incident_update")).toBe(false);
  });

  it("a new report matching a declared incident's ticket is told the incident's public title", async () => {
    const d = await triageDesk();
    ok(await d.as("carol", "payroll export to the bank fails with error 4012"));
    ok(await d.as("ana", "incident from 1 Payroll bank export failing"));
    ok(await d.as("dave", "the payroll export to the bank fails"));
    const told = d.told.changes.find((c) => c.kind === "duplicate_suggested")?.requesterMessage;
    expect(told).toMatch(/^You are not alone: this looks like INC-?\d+: Payroll bank export failing, which the desk is working on\. You will hear here\.$/);
    expect(told).not.toContain("4012");
  });
});
