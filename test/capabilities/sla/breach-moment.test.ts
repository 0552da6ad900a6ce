// A clock past its target keeps its breach moment through a wait on the requester, a stop and a reopen: the
// ticket reads as long breached as a twin that never waited, and no escalation is scheduled or fired again.
// Deadlines with time left move by exactly the counted time spent waiting. All on the injected clock.
import { describe, expect, it } from "vitest";
import type { Notifier, TicketChange } from "../../../src/core/notify.js";
import { SlaRules } from "../../../src/capabilities/sla/rules.js";
import { SlaScheduler } from "../../../src/capabilities/sla/scheduler.js";
import { ticketView } from "../../../src/core/views.js";
import { auditOfTicket } from "../../../src/store/audit.js";
import * as breachMoment from "../../../migrations/2026-12-07T1745_sla_breach_moment.js";
import { makeDesk, type TestDesk } from "../../helpers/desk.js";
import { consoleSession } from "./drive.js";

const at = (s: string) => Date.parse(s);

function recorder() {
  const changes: TicketChange[] = [];
  const notifier: Notifier = {
    plan(change) {
      changes.push(change);
      return [];
    },
  };
  return { notifier, sla: () => changes.filter((c) => c.kind.startsWith("sla_")).map((c) => `#${c.snapshot.ticket.number} ${c.summary}`) };
}

const scheduler = (d: TestDesk) => new SlaScheduler(d.desk, new SlaRules(d.desk.settings.sla!), d.clock);

async function field(d: TestDesk, n: number, label: string): Promise<string | undefined> {
  return ticketView((await d.desk.snapshot(n))!).fields.find((f) => f.label === label)?.value;
}

const steps = (d: TestDesk, n: number) =>
  d.db.selectFrom("sla_steps").select(["target", "step", "due_at", "fired_at"]).where("ticket_id", "=", n).orderBy("target").orderBy("step").execute();
const clock = (d: TestDesk, n: number, target: string) =>
  d.db
    .selectFrom("sla_clocks")
    .selectAll()
    .where("ticket_id", "=", n)
    .where("target", "=", target as never)
    .executeTakeFirstOrThrow();

describe("the breach moment stands", () => {
  // The ManualClock starts on Tue 24 Nov 2026 09:00 UTC (09:00 in London). A P3 gets 4 h to first response and
  // 24 h to resolution, a P2 1 h and 8 h, in London business hours (09:00-17:30, Mon-Fri); at a breach the
  // example settings raise the priority one step.
  it("through a wait on the requester: the paused twin reads as long breached as the one that never waited", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    const c = consoleSession(d.desk, "carol");
    expect(await c.say("printer on 3rd floor jams")).toContain("Opened #1");
    expect(await c.say("monitor flickers")).toContain("Opened #2");
    d.clock.set(at("2026-11-24T12:00:00Z"));
    expect(await s.tick()).toBe(2); // both first-response warnings
    d.clock.set(at("2026-11-24T13:00:00Z"));
    expect(await s.tick()).toBe(2); // both breaches; each ticket goes to P2 (resolution: 8 h, 4 h used)
    expect(await field(d, 1, "Resolve by")).toBe("Resolve by 17:00 (in 4 h)");
    const stepsBefore = await steps(d, 1);

    // #1 waits on its requester from 14:00 to 16:00; #2 never waits.
    await c.say("as ana");
    d.clock.set(at("2026-11-24T14:00:00Z"));
    expect(await c.say("status 1 waiting")).toContain("[P2 waiting on requester]");
    expect(await field(d, 1, "Respond by")).toBe("Paused, breached by 4 h (waiting on requester)");
    d.clock.set(at("2026-11-24T15:00:00Z"));
    expect(await s.tick()).toBe(1); // #2's resolution warning (6 h of 8 h used at 15:00); #1 is paused
    await c.say("as carol");
    d.clock.set(at("2026-11-24T16:00:00Z"));
    expect(await c.say("comment 1 it is PRN-4 by the lifts")).toBe("Comment added to #1.");

    // Before: "Breached 0 min ago" for #1, its breach moment reset to the resume instant.
    expect(await field(d, 1, "Respond by")).toBe("Breached 3 h ago");
    expect(await field(d, 2, "Respond by")).toBe("Breached 3 h ago");
    expect((await clock(d, 1, "first_response")).due_at).toBe(at("2026-11-24T13:00:00Z"));
    // With time left, the deadline moved by exactly the 2 h of business time spent waiting: #2's is Tue 17:00,
    // #1's 3 h left from 16:00 are 1.5 h on Tuesday and 1.5 h on Wednesday.
    expect(await field(d, 2, "Resolve by")).toBe("Resolve by 17:00 (in 1 h)");
    expect(await field(d, 1, "Resolve by")).toBe("Resolve by Wed 10:30 (in 18 h 30 min)");
    const london = new SlaRules(d.desk.settings.sla!).base("london");
    const due = async (n: number) => (await clock(d, n, "resolution")).due_at!;
    expect(london.between(await due(2), await due(1))).toBe(2 * 3600_000);

    // The fired steps were not scheduled again, and nothing fires twice.
    expect((await steps(d, 1)).filter((x) => x.target === "first_response")).toEqual(stepsBefore.filter((x) => x.target === "first_response"));
    expect(await s.tick()).toBe(0);
    d.clock.set(at("2026-11-24T17:00:00Z"));
    expect(await s.tick()).toBe(2); // #1's resolution warning (6 h used), #2's resolution breach
    d.clock.set(at("2026-11-25T12:00:00Z"));
    expect(await s.tick()).toBe(1); // #1's resolution breach (Wed 10:30)
    expect(await s.tick()).toBe(0);
    expect(r.sla()).toEqual([
      "#1 SLA warning: #1 has used 75% of its first-response target, due 13:00 (in 1 h); nobody is assigned: claim it from the triage card.",
      "#2 SLA warning: #2 has used 75% of its first-response target, due 13:00 (in 1 h); nobody is assigned: claim it from the triage card.",
      "#1 SLA breached: #1 missed its first-response target (due 13:00); console:lee, please step in. Priority raised to P2.",
      "#2 SLA breached: #2 missed its first-response target (due 13:00); console:lee, please step in. Priority raised to P2.",
      "#2 SLA warning: #2 has used 75% of its resolution target, due 17:00 (in 2 h); nobody is assigned: claim it from the triage card.",
      "#1 SLA warning: #1 has used 75% of its resolution target, due Wed 10:30 (in 17 h 30 min); nobody is assigned: claim it from the triage card.",
      "#2 SLA breached: #2 missed its resolution target (due 17:00); console:lee, please step in. Priority raised to P1.",
      "#1 SLA breached: #1 missed its resolution target (due 10:30); console:lee, please step in. Priority raised to P1.",
    ]);

    // The history says the resumed clock is still due at its breach moment.
    const resumes = (await auditOfTicket(d.db, 1)).filter((e) => e.action === "sla_resume").map((e) => [e.field, e.to_value]);
    expect(resumes).toEqual([
      ["first_response", "2026-11-24T13:00:00.000Z"],
      ["resolution", "2026-11-25T10:30:00.000Z"],
    ]);
    await c.end();
  });

  it("a breach not yet escalated when the wait began is escalated once after it, dated at the breach", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    const c = consoleSession(d.desk, "carol");
    await c.say("printer on 3rd floor jams");
    // The scheduler was down from 09:00 until after the wait began at 13:30, past the 13:00 breach.
    await c.say("as ana");
    d.clock.set(at("2026-11-24T13:30:00Z"));
    await c.say("status 1 waiting");
    expect(await s.tick()).toBe(0); // paused: nothing is due
    await c.say("as carol");
    d.clock.set(at("2026-11-24T15:00:00Z"));
    await c.say("comment 1 it is PRN-4");
    expect(await field(d, 1, "Respond by")).toBe("Breached 2 h ago");
    expect(await s.tick()).toBe(2);
    expect(await s.tick()).toBe(0);
    expect(r.sla()).toEqual([
      "#1 SLA warning: #1 has used 75% of its first-response target, due 13:00 (passed 2 h ago); nobody is assigned: claim it from the triage card.",
      "#1 SLA breached: #1 missed its first-response target (due 13:00); console:lee, please step in. Priority raised to P2.",
    ]);
    await c.end();
  });

  it("through a resolve and a reopen: the resolution clock resumes breached since its moment", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    const c = consoleSession(d.desk, "ana");
    await c.say("printer on 3rd floor jams");
    await c.say("claim 1");
    // 24 h of business time from Tue 09:00: the resolution is due Thu 16:00.
    d.clock.set(at("2026-11-26T16:00:00Z"));
    expect(await s.tick()).toBe(2); // the resolution warning (caught up) and breach
    d.clock.set(at("2026-11-27T09:00:00Z"));
    await c.say("resolve 1 cleared the jam");
    d.clock.set(at("2026-11-27T10:00:00Z"));
    expect(await c.say("reopen 1 it jams again")).toContain("[P2 in progress]");
    expect(await field(d, 1, "Resolve by")).toBe("Breached 18 h ago");
    expect((await clock(d, 1, "resolution")).breached_at).toBe(at("2026-11-26T16:00:00Z"));
    expect(await s.tick()).toBe(0);
    expect(r.sla().filter((x) => x.includes("breached"))).toHaveLength(1);
    await c.end();
  });

  it("a priority change that gives a breached clock time again clears its breach; one that takes it away breaches from then", async () => {
    const d = await makeDesk({ sla: true });
    const c = consoleSession(d.desk, "operator");
    await c.say("printer on 3rd floor jams");
    d.clock.set(at("2026-11-24T10:30:00Z")); // 1.5 h of the P3's 4 h to first response used
    await c.say("priority 1 P2"); // 1 h target: breached from now
    expect(await field(d, 1, "Respond by")).toBe("Breached 0 min ago");
    d.clock.set(at("2026-11-24T11:00:00Z"));
    expect(await field(d, 1, "Respond by")).toBe("Breached 30 min ago");
    await c.say("priority 1 P4"); // P4's first-response target has room left again
    expect((await clock(d, 1, "first_response")).breached_at).toBeNull();
    expect(await field(d, 1, "Respond by")).toMatch(/^Respond by /);
    await c.end();
  });

  it("the migration gives clocks paused past their target, before it, the moment their breach step was due", async () => {
    const d = await makeDesk({ sla: true });
    const c = consoleSession(d.desk, "carol");
    await c.say("printer on 3rd floor jams");
    await c.say("as ana");
    d.clock.set(at("2026-11-24T13:10:00Z"));
    expect(await scheduler(d).tick()).toBe(2);
    await c.say("status 1 waiting");
    // As the desk was before the migration: no breached_at column.
    await breachMoment.down(d.db);
    await breachMoment.up(d.db);
    expect((await clock(d, 1, "first_response")).breached_at).toBe(at("2026-11-24T13:00:00Z"));
    expect((await clock(d, 1, "resolution")).breached_at).toBeNull();
    d.clock.set(at("2026-11-24T15:00:00Z"));
    await c.say("as carol");
    await c.say("comment 1 it is PRN-4");
    expect(await field(d, 1, "Respond by")).toBe("Breached 2 h ago");
    await c.end();
  });
});
