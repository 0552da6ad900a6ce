import { describe, expect, it } from "vitest";
import type { Notifier } from "../../../src/core/notify.js";
import { subscribeChannel } from "../../../src/capabilities/incidents/repository.js";
import { counts, makeDesk, ok, refused, capabilitiesOf } from "../../helpers/desk.js";

const caps = capabilitiesOf();

/** Plans one outbox row per requester message and per status channel, as a platform notifier would. */
const recorder: Notifier = {
  plan: (c) =>
    c.requesterMessage
      ? [{ platform: "test", kind: "requester", target: `requester:${c.snapshot.requester.userId}`, payload: { text: c.requesterMessage }, key: "req" }]
      : [],
  planIncident: (c) =>
    c.channels.map((ch) => ({
      platform: ch.platform,
      kind: `status.${c.kind}`,
      target: ch.channel,
      payload: { text: c.summary, status: c.view.incident.status },
      key: `ch:${ch.channel}`,
    })),
};

async function outbox(db: Awaited<ReturnType<typeof makeDesk>>["db"], kind?: string) {
  const rows = await db.selectFrom("outbox").selectAll().orderBy("id").execute();
  return rows.filter((r) => !kind || r.kind === kind).map((r) => ({ target: r.target, ...JSON.parse(r.payload) }));
}

describe("incident grammar", () => {
  it.each([
    ["incident wifi down on 3rd floor", { kind: "incident", action: { kind: "declare", title: "wifi down on 3rd floor" } }],
    ["incident sev1 email is down", { kind: "incident", action: { kind: "declare", title: "email is down", severity: "SEV1" } }],
    ["incident from #12", { kind: "incident", action: { kind: "declare", fromTicket: 12, title: "" } }],
    ["incident update INC-3 identified a bad switch", { kind: "incident", action: { kind: "update", id: 3, status: "identified", message: "a bad switch" } }],
    ["incident update 3 still looking", { kind: "incident", action: { kind: "update", id: 3, message: "still looking" } }],
    ["incident resolve 3 replaced the switch", { kind: "incident", action: { kind: "resolve", id: 3, message: "replaced the switch" } }],
    ["incidents", { kind: "incident", action: { kind: "list" } }],
    ["incident show inc-2", { kind: "incident", action: { kind: "show", id: 2 } }],
    ["link 14 to incident 3", { kind: "incident", action: { kind: "link", ticket: 14, id: 3 } }],
    ["unlink 14", { kind: "incident", action: { kind: "unlink", ticket: 14 } }],
    ["incident subscribe", { kind: "incident", action: { kind: "subscribe" } }],
  ])("%s", (input, expected) => expect(caps.parse(input)).toEqual(expected));

  it.each([
    ["incident", /What about incidents\?/],
    ["incident update 3", /needs a message/],
    ["incident update x hello", /Which incident\?/],
    ["incident resolve 3", /Say how it was resolved/],
    ["incident sev9 something", /Severity must be one of SEV1/],
    ["link 4 to 5 6", /Link which ticket/],
    ["incident subscribe now", /takes no words/],
  ])("%s answers with usage", (input, message) => {
    const cmd = caps.parse(input);
    expect(cmd.kind).toBe("help");
    expect(cmd.kind === "help" && cmd.unknown).toMatch(message);
  });
});

describe("incidents", () => {
  it("declare from a ticket, link by hand, update and resolve: channels and every requester hear it", async () => {
    const d = await makeDesk({ notifiers: [recorder] });
    await subscribeChannel(d.db, { platform: "slack", channel: "C-STATUS", by: null, at: 0 });
    await subscribeChannel(d.db, { platform: "teams", channel: "19:status@thread", by: null, at: 0 });
    ok(await d.as("carol", "wifi down on 3rd floor"));
    ok(await d.as("dave", "cannot reach the intranet"));
    expect(ok(await d.as("ana", "incident from 1")).text).toBe("Declared INC-1 [SEV2 investigating] wifi down on 3rd floor from #1.");
    expect(ok(await d.as("ana", "link 2 to incident 1")).text).toBe("#2 is now part of INC-1.");
    expect(ok(await d.as("ana", "incident update 1 identified a failed switch on 3")).text).toBe(
      "Posted to INC-1 (identified); 2 requesters and every status channel will hear it.",
    );
    expect(ok(await d.as("ana", "incident show 1")).text).toMatch(
      /^INC-1 \[SEV2 identified\] wifi down on 3rd floor · 2 tickets\n.*investigating: Investigating: wifi down on 3rd floor\n.*identified: a failed switch on 3\n  tickets: #1, #2$/,
    );
    expect(ok(await d.as("ana", "incident resolve 1 replaced the switch")).text).toBe("Resolved INC-1 and its 2 open tickets.");

    const tickets = await d.db.selectFrom("tickets").select(["id", "status", "resolution"]).orderBy("id").execute();
    expect(tickets).toEqual([
      { id: 1, status: "resolved", resolution: "replaced the switch" },
      { id: 2, status: "resolved", resolution: "replaced the switch" },
    ]);
    const channelMessages = (await outbox(d.db)).filter((m) => m.target === "C-STATUS");
    expect(channelMessages.map((m) => m.status)).toEqual(["investigating", "identified", "resolved"]);
    expect((await outbox(d.db)).filter((m) => m.target === "19:status@thread")).toHaveLength(3);
    const toCarol = (await outbox(d.db, "requester")).filter((m) => m.target === "requester:carol").map((m) => m.text);
    expect(toCarol).toEqual([
      "This looks like part of a known outage, INC-1 (wifi down on 3rd floor); you are not alone. Current status: investigating: Investigating: wifi down on 3rd floor. You will get every update here.",
      "Update on INC-1 (wifi down on 3rd floor), identified: a failed switch on 3",
      "INC-1 (wifi down on 3rd floor) is resolved: replaced the switch. Is it working for you again? If not, reopen your ticket.",
    ]);
    expect((await outbox(d.db, "requester")).filter((m) => m.target === "requester:dave")).toHaveLength(3);
  });

  it("links a matching new ticket at intake and tells its requester the current status at once", async () => {
    const d = await makeDesk({ notifiers: [recorder] });
    ok(await d.as("ana", "incident sev1 VPN gateway unreachable"));
    ok(await d.as("ana", "incident update 1 identified certificate expired on the gateway"));
    const t = ok(await d.as("erin", "vpn gateway unreachable from home"));
    const linked = await d.db.selectFrom("incident_tickets").selectAll().execute();
    expect(linked).toMatchObject([{ ticket_id: t.snapshot!.ticket.number, incident_id: 1 }]);
    expect(linked[0]!.reason).toMatch(/% of the words of "VPN gateway unreachable"/);
    expect((await outbox(d.db, "requester")).map((m) => m.text)).toEqual([
      "This is part of a known outage, INC-1 (VPN gateway unreachable); you are not alone. Current status: identified: certificate expired on the gateway. You will get every update here.",
    ]);
    ok(await d.as("erin", "printer out of paper"));
    expect(await d.db.selectFrom("incident_tickets").selectAll().execute()).toHaveLength(1);
  });

  it("links by same affected service", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", { kind: "create", title: "mail bounces", service: "Email" }));
    ok(await d.as("ana", "incident from 1 Email delivery failing"));
    ok(await d.as("dave", { kind: "create", title: "cannot send anything", service: "Email" }));
    expect((await d.db.selectFrom("incident_tickets").selectAll().orderBy("ticket_id").execute()).map((r) => [r.ticket_id, r.reason])).toEqual([
      [1, "declared from #1"],
      [2, "same affected service (Email)"],
    ]);
  });

  it("refuses what makes no sense, changing nothing", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi down"));
    ok(await d.as("ana", "incident from 1"));
    ok(await d.as("carol", "unrelated ticket about a chair"));
    const before = await counts(d.db);
    expect(refused(await d.as("carol", "incident outage")).text).toBe("Only agents can declare incidents; you are a requester.");
    expect(refused(await d.as("ana", "incident update 9 hello")).text).toBe("There is no incident INC-9.");
    expect(refused(await d.as("ana", "link 1 to incident 1")).text).toBe("#1 is already part of INC-1.");
    expect(refused(await d.as("ana", "incident from 1")).text).toBe("#1 is already part of INC-1.");
    expect(refused(await d.as("ana", "incident subscribe")).text).toMatch(/^Say "incident subscribe" in the Slack or Teams channel/);
    expect(await counts(d.db)).toEqual(before);
    ok(await d.as("ana", "incident resolve 1 fixed"));
    expect(refused(await d.as("ana", "incident update 1 again?")).text).toBe("INC-1 is resolved; declare a new incident if it is back.");
    expect(refused(await d.as("ana", "link 2 to incident 1")).text).toBe("INC-1 is resolved; link tickets to an open incident.");
  });

  it("every incident change is in the audit trail", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "wifi down"));
    ok(await d.as("ana", "incident from 1"));
    ok(await d.as("ana", "incident update 1 monitoring fix deployed"));
    const actions = (await d.db.selectFrom("audit_events").select(["action", "field", "to_value"]).orderBy("id").execute()).map(
      (e) => `${e.action}:${e.field}:${e.to_value}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "incident_declare:INC-1:investigating",
        "incident_link:incident:INC-1",
        "incident_update:INC-1:monitoring",
        "incident_update:incident:monitoring",
      ]),
    );
  });
});

describe("incident on the ticket card", () => {
  it("offers Declare incident on an open ticket, then shows the incident instead", async () => {
    const { ticketView } = await import("../../../src/core/views.js");
    const d = await makeDesk();
    ok(await d.as("carol", "wifi down"));
    const before = ticketView((await d.desk.snapshot(1))!);
    const declare = before.actions.find((a) => a.verb === "declare_incident");
    expect(declare).toMatchObject({ label: "Declare incident", ticketId: 1 });
    const cmd = caps.actionCommand(declare!.verb, declare!.ticketId);
    expect(ok(await d.as("ana", cmd!)).text).toBe("Declared INC-1 [SEV2 investigating] wifi down from #1.");
    const after = ticketView((await d.desk.snapshot(1))!);
    expect(after.actions.some((a) => a.verb === "declare_incident")).toBe(false);
    expect(after.fields).toContainEqual({ label: "Incident", value: "INC-1 wifi down (investigating)" });
  });
});
