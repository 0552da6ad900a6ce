// A one-line ticket's type: a request for access or for a service is not an incident, with the reason shown.
import { describe, expect, it } from "vitest";
import { inferType } from "../../../src/capabilities/triage/infer.js";
import { exampleSettings, makeDesk, ok } from "../../helpers/desk.js";
import { approvalSettings } from "../approvals/setup.js";
import { card, field, history, triageDesk } from "./helpers.js";

describe("triage: the type of a one-line ticket", () => {
  it("reads requests for access and for a service, and leaves reports of something broken as incidents", () => {
    expect(inferType("need admin access to the AWS prod account", "")).toEqual({ type: "access_request", reason: 'asks for access: "need admin access"' });
    expect(inferType("please grant me write permission on the finance share", "")?.type).toBe("access_request");
    expect(inferType("add me to the sales-emea distribution list", "")?.type).toBe("access_request");
    expect(inferType("please install Visio", "")).toEqual({ type: "service_request", reason: 'asks for something to be provided: "please install"' });
    expect(inferType("I need a new monitor for my desk", "")?.type).toBe("service_request");
    expect(inferType("can you set up a shared mailbox for the events team", "")?.type).toBe("service_request");
    for (const incident of [
      "outlook crashes when I open it",
      "cannot access the finance share since this morning",
      "vpn is down",
      "my admin access stopped working",
      "printer on 3rd floor jams",
    ]) {
      expect(inferType(incident, ""), incident).toBeUndefined();
    }
  });

  it("sets the type on arrival, with the reason on the card and in the history", async () => {
    const d = await triageDesk();
    const o = ok(await d.as("carol", "need admin access to the AWS prod account"));
    expect(o.snapshot!.ticket.type).toBe("access_request");
    expect(field(await card(d, 1), "Type reason")).toBe('access_request: asks for access: "need admin access"');
    expect((await history(d, 1)).find((h) => h.field === "type")).toMatchObject({
      from: "incident",
      to: "access_request",
      reason: 'asks for access: "need admin access"',
    });
    ok(await d.as("carol", "please install Visio"));
    expect((await d.desk.snapshot(2))!.ticket.type).toBe("service_request");
    ok(await d.as("carol", "visio crashes on start"));
    expect((await d.desk.snapshot(3))!.ticket.type).toBe("incident");
    expect(field(await card(d, 3), "Type reason")).toBeUndefined();
    // A type the requester chose is theirs.
    ok(await d.as("carol", { kind: "create", title: "need admin access to the build server", type: "change" }));
    expect((await d.desk.snapshot(4))!.ticket.type).toBe("change");
  });

  it("an inferred access request starts its approval", async () => {
    const d = await makeDesk({ settings: approvalSettings(exampleSettings()) });
    ok(await d.as("rita", "need admin access to the AWS prod account"));
    const s = (await d.desk.snapshot(1))!;
    expect(s.ticket).toMatchObject({ type: "access_request", status: "awaiting_approval" });
    expect((s.extras as Record<string, unknown>).approvals).toBeTruthy();
  });
});
