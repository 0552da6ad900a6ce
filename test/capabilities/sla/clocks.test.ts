import { describe, expect, it } from "vitest";
import { ticketView, type FieldView } from "../../../src/core/views.js";
import { makeDesk, ok } from "../../helpers/desk.js";
import { consoleSession } from "./drive.js";

const MIN = 60_000;
const H = 60 * MIN;
const field = (fields: FieldView[], label: string) => fields.find((f) => f.label === label);

async function card(desk: Awaited<ReturnType<typeof makeDesk>>["desk"], n = 1) {
  return ticketView((await desk.snapshot(n))!).fields;
}

describe("SLA clocks through the console", () => {
  // The ManualClock starts on Tue 24 Nov 2026 09:00 UTC (09:00 in London). A P3 gets 4 h to first response
  // and 24 h to resolution, in London business hours (09:00-17:30, Mon-Fri).
  it("start at creation, show on the card, stop on the first public reply, pause while waiting, resume on the reply", async () => {
    const { desk, clock } = await makeDesk({ sla: true });
    const c = consoleSession(desk);
    expect(await c.say("as carol")).toContain("requester");
    expect(await c.say("printer on 3rd floor jams")).toContain("Opened #1 [P3 new]");

    let fields = await card(desk);
    expect(field(fields, "Respond by")).toEqual({ label: "Respond by", value: "Respond by 13:00 (in 4 h)", time: { at: Date.parse("2026-11-24T13:00:00Z") } });
    // 24 h of business time: 8.5 h Tue + 8.5 h Wed + 7 h Thu.
    expect(field(fields, "Resolve by")).toEqual({ label: "Resolve by", value: "Resolve by Thu 16:00", time: { at: Date.parse("2026-11-26T16:00:00Z") } });

    clock.advance(3 * H + 15 * MIN); // 12:15
    expect(field(await card(desk), "Respond by")!.value).toBe("Respond by 13:00 (in 45 min)");

    await c.say("as ana");
    expect(await c.say("comment 1 Which printer? Please send the asset tag.")).toBe("Comment added to #1.");
    fields = await card(desk);
    expect(field(fields, "Respond by")).toBeUndefined();
    expect(field(fields, "First response")!.value).toBe("in time: 3 h 15 min of 4 h");

    expect(await c.say("status 1 waiting")).toContain("[P3 waiting on requester]");
    clock.advance(20 * H); // Wed 08:15: a night and a morning waiting do not count
    expect(field(await card(desk), "Resolve by")!.value).toBe("Paused: 20 h 45 min left (waiting on requester)");

    await c.say("as carol");
    clock.advance(2 * H); // Wed 10:15
    expect(await c.say("comment 1 It is PRN-4 by the lifts")).toBe("Comment added to #1.");
    // 20 h 45 min of business time from Wed 10:15: 7.25 h Wed, 8.5 h Thu, 5 h Fri -> Fri 14:00.
    fields = await card(desk);
    expect(field(fields, "Status")!.value).toBe("in progress");
    expect(field(fields, "Resolve by")).toEqual({ label: "Resolve by", value: "Resolve by Fri 14:00", time: { at: Date.parse("2026-11-27T14:00:00Z") } });

    await c.say("as ana");
    clock.advance(H);
    expect(await c.say("resolve 1 Cleared the jam and replaced the roller")).toContain("resolved");
    expect(field(await card(desk), "Resolve by")).toBeUndefined();

    await c.say("as carol");
    clock.advance(H); // Wed 12:15
    expect(await c.say("reopen 1 It jams again")).toContain("#1");
    // The reopen resumes with what was left (19 h 45 min): 5.25 h Wed, 8.5 h Thu, 6 h Fri -> Fri 15:00.
    expect(field(await card(desk), "Resolve by")!.value).toBe("Resolve by Fri 15:00");

    const history = await c.say("history 1");
    // The console reads the trail in words, in the desk's time zone (the audit rows keep the raw values).
    const sla = history.split("\n").filter((l) => / SLA clock /.test(l));
    expect(sla).toEqual([
      "  Tue 24 Nov 09:00  SLA clock started: first response due Tue 24 Nov 13:00 (4 h target, policy P3 (business hours, london)), resolution due Thu 26 Nov 16:00 (24 h target, policy P3 (business hours, london))",
      "  Tue 24 Nov 12:15  SLA clock stopped: first response met: 3 h 15 min of 4 h used",
      "  Tue 24 Nov 12:15  SLA clock paused: resolution paused (waiting on the requester; 20 h 45 min left)",
      "  Wed 25 Nov 10:15  SLA clock resumed: resolution due Fri 27 Nov 14:00 (no longer waiting on the requester or approvers)",
      "  Wed 25 Nov 11:15  SLA clock stopped: resolution met: 4 h 15 min of 24 h used",
      "  Wed 25 Nov 12:15  SLA clock resumed: resolution due Fri 27 Nov 15:00 (reopened)",
    ]);
    await c.end();
  });

  it("a claim stops the first-response clock; a breach shows how long ago", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    // Words no category rule matches, so the ticket stays on London hours (a "vpn" ticket would go to team
    // Network, on new-york hours).
    ok(await as("carol", "kettle in kitchen 2 leaks every hour"));
    clock.advance(4 * H + 20 * MIN); // 13:20, 20 min past the 4 h target
    const respond = field(await card(desk), "Respond by")!;
    expect(respond).toEqual({
      label: "Respond by",
      value: "Breached 20 min ago",
      time: { at: Date.parse("2026-11-24T13:00:00Z"), prefix: "Breached; was due " },
    });
    ok(await as("ana", "claim 1"));
    expect(field(await card(desk), "First response")!.value).toBe("late: 4 h 20 min of 4 h");
  });

  it("re-targets the clocks when the priority changes, keeping the time already used", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    ok(await as("carol", "printer on 3rd floor jams"));
    clock.advance(30 * MIN);
    ok(await as("operator", "priority 1 P2"));
    // P2: 1 h to first response; 30 min used, 30 min left from 09:30.
    expect(field(await card(desk), "Respond by")!.value).toBe("Respond by 10:00 (in 30 min)");
    const h = ok(await as("operator", "history 1")).text;
    expect(h).toMatch(
      /operator changed the priority: priority P3 -> P2\n {2}\S+ \d+ Nov [\d:]+ {2}SLA target changed: first response now under P2 \(business hours, london\) \(4 h -> 1 h \(was P3 \(business hours, london\)\)\)/,
    );
  });

  it("shows the due time in a given time zone, for a viewer whose zone is known", async () => {
    const { slaFields } = await import("../../../src/capabilities/sla/hooks.js");
    const { desk, as } = await makeDesk({ sla: true });
    ok(await as("carol", "printer on 3rd floor jams"));
    const fields = slaFields((await desk.snapshot(1))!, "America/New_York").fields;
    expect(fields.map((f) => f.value)).toEqual(["Respond by 08:00 (in 4 h)", "Resolve by Thu 11:00"]);
  });
});

describe("list, soonest breach first", () => {
  it("orders open tickets by time to breach, then the rest by priority", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    const c = consoleSession(desk, "carol");
    await c.say("printer on 3rd floor jams"); // #1 P3, respond by 13:00
    clock.advance(H);
    await c.say("monitor flickers"); // #2 P3, respond by 14:00
    await c.say("laptop will not charge"); // #3, made P2 below: respond by 11:00
    ok(await as("operator", "priority 3 P2"));
    await c.say("keyboard missing keys"); // #4, made P1 and then waiting: its clocks are paused
    ok(await as("operator", "priority 4 P1"));
    ok(await as("ana", "status 4 waiting"));
    await c.say("as ana");
    const list = (await c.say("list")).split("\n");
    expect(list.slice(1).map((l) => /#(\d+)/.exec(l)![1])).toEqual(["3", "1", "2", "4"]);
    await c.end();
  });
});

describe("due times on the card across holidays and a DST change", () => {
  it("a P3 opened on Christmas Eve afternoon is due after the bank holidays and the weekend", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    clock.set(Date.parse("2026-12-24T16:00:00Z"));
    ok(await as("carol", "printer on 3rd floor jams"));
    // 1.5 h on Thursday; 25 Dec and 28 Dec are holidays, 26-27 the weekend; 2.5 h on Tuesday 29th.
    expect(field(await card(desk), "Respond by")).toEqual({
      label: "Respond by",
      value: "Respond by Tue 11:30",
      time: { at: Date.parse("2026-12-29T11:30:00Z") },
    });
  });

  it("a P3 opened on the Friday before the clocks go back keeps London's local hours on Monday", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    clock.set(Date.parse("2026-10-23T15:30:00Z")); // 16:30 BST
    ok(await as("carol", "printer on 3rd floor jams"));
    // 1 h on Friday (to 17:30 BST), then Monday 26 Oct from 09:00 GMT: 3 h -> 12:00 GMT = 12:00 UTC.
    expect(field(await card(desk), "Respond by")).toEqual({
      label: "Respond by",
      value: "Respond by Mon 12:00",
      time: { at: Date.parse("2026-10-26T12:00:00Z") },
    });
  });

  it("a P1 counts around the clock, nights included", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    clock.set(Date.parse("2026-11-28T23:50:00Z")); // Saturday night
    ok(await as("carol", "printer on 3rd floor jams"));
    ok(await as("operator", "priority 1 P1"));
    expect(field(await card(desk), "Respond by")!.value).toBe("Respond by Sun 00:05 (in 15 min)");
  });
});

describe("settings changed under running clocks", () => {
  it("a clock on a calendar since renamed keeps working and is re-targeted at the next change", async () => {
    const first = await makeDesk({ sla: true });
    ok(await first.as("carol", "printer on 3rd floor jams"));
    await first.db.destroy();
    const { exampleSettings } = await import("../../helpers/desk.js");
    const s = exampleSettings();
    const sla = s.sla!;
    const renamed = { ...s, sla: { ...sla, calendars: sla.calendars.map((c) => (c.name === "london" ? { ...c, name: "uk" } : c)), default_calendar: "uk" } };
    const again = await makeDesk({ sla: true, settings: renamed, path: first.path });
    again.clock.advance(H);
    expect(ok(await again.as("ana", "status 1 in_progress")).text).toContain("[P3 in progress]");
    expect(ok(await again.as("ana", "history 1")).text).toMatch(
      /ana changed the status: status new -> in progress\n {2}\S+ \d+ Nov [\d:]+ {2}SLA target changed: first response now under P3 \(business hours, uk\) \(4 h -> 4 h \(was P3 \(business hours, london\)\)\)/,
    );
    expect(field(await card(again.desk), "Respond by")!.value).toBe("Respond by 13:00 (in 3 h)");
  });
});
