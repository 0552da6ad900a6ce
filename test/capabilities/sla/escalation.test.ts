import { describe, expect, it } from "vitest";
import type { Notifier, TicketChange } from "../../../src/core/notify.js";
import { SlaRules } from "../../../src/capabilities/sla/rules.js";
import { SlaScheduler } from "../../../src/capabilities/sla/scheduler.js";
import { firedSteps } from "../../../src/capabilities/sla/repository.js";
import { JobTicker, type Timers } from "../../../src/jobs.js";
import { auditOfTicket } from "../../../src/store/audit.js";
import { makeDesk, ok, type TestDesk } from "../../helpers/desk.js";

const MIN = 60_000;
const H = 60 * MIN;
const at = (s: string) => Date.parse(s);

/** Records what the desk asks notifiers to say, and queues one outbox row per change as a platform would. */
function recorder(opts: { failOn?: string } = {}) {
  const changes: TicketChange[] = [];
  const notifier: Notifier = {
    plan(change) {
      if (opts.failOn && change.kind === opts.failOn) throw new Error(`notifier down for ${change.kind}`);
      changes.push(change);
      return [{ platform: "test", kind: "card", target: `ticket-${change.snapshot.ticket.number}`, payload: { summary: change.summary }, key: "card" }];
    },
  };
  return { notifier, changes, sla: () => changes.filter((c) => c.kind.startsWith("sla_")) };
}

/** Interval timers that never fire by themselves: the tests tick by hand, after moving the clock. */
function manualTimers(): Timers & { active: number } {
  const t = { active: 0, setInterval: () => (t.active++, t), clearInterval: () => void t.active-- };
  return t;
}

function scheduler(d: TestDesk, opts: { batch?: number } = {}) {
  return new SlaScheduler(d.desk, new SlaRules(d.desk.settings.sla!), d.clock, opts);
}

describe("the escalation ladder", () => {
  it("warns the triage channel at 75% when nobody is assigned, once", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    ok(await d.as("carol", "printer on 3rd floor jams")); // P3: first response due 13:00, 75% at 12:00
    d.clock.set(at("2026-11-24T11:59:00Z"));
    expect(await s.tick()).toBe(0);
    d.clock.set(at("2026-11-24T12:00:00Z"));
    expect(await s.tick()).toBe(1);
    expect(await s.tick()).toBe(0);
    expect(r.sla().map((c) => [c.kind, c.summary, c.actor.userId])).toEqual([
      [
        "sla_warning",
        "SLA warning: #1 has used 75% of its first-response target, due 13:00 (in 1 h); nobody is assigned: claim it from the triage card.",
        "sla",
      ],
    ]);
    // A claim before the breach stops the clock: the breach step never fires.
    ok(await d.as("ana", "claim 1"));
    d.clock.set(at("2026-11-24T15:00:00Z"));
    expect(await s.tick()).toBe(0);
    expect((await firedSteps(d.db, 1)).map((f) => [f.target, f.step])).toEqual([["first_response", "warn"]]);
  });

  it("fires through the desk's job ticker as the desk runs it, once its period has passed on the desk's clock", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const ticker = new JobTicker(d.desk, d.desk.capabilities, { timers: manualTimers() });
    await ticker.start();
    ok(await d.as("carol", "printer on 3rd floor jams")); // P3: first response due 13:00, 75% at 12:00
    d.clock.set(at("2026-11-24T12:00:00Z"));
    await ticker.tick();
    await ticker.tick(); // no period has passed since: nothing runs again
    expect(r.sla().map((c) => c.kind)).toEqual(["sla_warning"]);
    ticker.stop();
  });

  it("warns the assignee, then at the breach names the team lead and raises the priority, each once", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    ok(await d.as("lee", "help")); // the lead has used the desk, so is named by name
    ok(await d.as("carol", "printer on 3rd floor jams"));
    ok(await d.as("ana", "claim 1")); // first response met at 09:00
    // Resolution: 24 h of London business time from Tue 09:00; 75% (18 h) is Thu 10:00, the breach Thu 16:00.
    d.clock.set(at("2026-11-26T09:59:00Z"));
    expect(await s.tick()).toBe(0);
    d.clock.set(at("2026-11-26T10:00:00Z"));
    expect(await s.tick()).toBe(1);
    d.clock.set(at("2026-11-26T16:05:00Z"));
    expect(await s.tick()).toBe(1);
    d.clock.advance(3 * H);
    expect(await s.tick()).toBe(0);
    expect(r.sla().map((c) => c.summary)).toEqual([
      "SLA warning: #1 has used 75% of its resolution target, due 16:00 (in 6 h); ana, it is yours.",
      "SLA breached: #1 missed its resolution target (due 16:00); lee, please step in. Priority raised to P2.",
    ]);
    const t = (await d.desk.snapshot(1))!.ticket;
    expect(t.priority).toBe("P2");
    const audit = (await auditOfTicket(d.db, 1)).filter((e) => e.action === "sla_warning" || e.action === "sla_breach");
    expect(audit.map((e) => [e.action, e.field, e.from_value, e.to_value, e.reason, e.actor_name])).toEqual([
      ["sla_warning", "resolution", null, "2026-11-26T16:00:00.000Z", "warned ana", "Deskhand sla"],
      ["sla_breach", "resolution", null, "2026-11-26T16:00:00.000Z", "told lee", "Deskhand sla"],
      ["sla_breach", "priority", "P3", "P2", "resolution target breached", "Deskhand sla"],
    ]);
    // The messages went out through the outbox, in the transaction of each step.
    const rows = await d.db.selectFrom("outbox").select(["payload"]).execute();
    expect(rows.filter((o) => o.payload.includes("SLA "))).toHaveLength(2);
  });

  it("does not fire while the clock is paused, and fires later by the time left", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    const s = scheduler(d);
    ok(await d.as("carol", "printer on 3rd floor jams"));
    ok(await d.as("ana", "claim 1"));
    d.clock.set(at("2026-11-24T11:00:00Z")); // 2 h of resolution used
    ok(await d.as("ana", "status 1 waiting"));
    d.clock.set(at("2026-11-27T12:00:00Z")); // long past the unpaused warn and breach times
    expect(await s.tick()).toBe(0);
    d.clock.set(at("2026-11-30T09:00:00Z")); // Monday: the requester answers; 22 h left
    ok(await d.as("carol", "comment 1 it is PRN-4"));
    // 75% is 18 h, 16 h of which are left: Mon 8.5 h + Tue 7.5 h -> Tue 16:30.
    d.clock.set(at("2026-12-01T16:29:00Z"));
    expect(await s.tick()).toBe(0);
    d.clock.set(at("2026-12-01T16:30:00Z"));
    expect(await s.tick()).toBe(1);
    expect(r.sla()[0]!.summary).toContain("due Wed 14:00");
  });

  it("fires each step once across a restart in the middle, even when the process died mid-step", async () => {
    const first = recorder({ failOn: "sla_breach" });
    const d1 = await makeDesk({ sla: true, notifiers: [first.notifier] });
    const s1 = scheduler(d1);
    ok(await d1.as("carol", "printer on 3rd floor jams"));
    d1.clock.set(at("2026-11-24T13:30:00Z")); // both first-response steps are due
    expect(await s1.tick()).toBe(1); // the warning goes out; the breach fails and rolls back whole
    expect(first.sla().map((c) => c.kind)).toEqual(["sla_warning"]);
    expect((await firedSteps(d1.db, 1)).map((f) => f.step)).toEqual(["warn"]);
    expect((await auditOfTicket(d1.db, 1)).filter((e) => e.action === "sla_breach")).toEqual([]);
    await d1.db.destroy();

    // A new process on the same file, started an hour later.
    const second = recorder();
    const d2 = await makeDesk({ sla: true, notifiers: [second.notifier], path: d1.path });
    d2.clock.set(at("2026-11-24T14:30:00Z"));
    const s2 = scheduler(d2);
    expect(await s2.catchUp()).toBe(1);
    expect(second.sla().map((c) => [c.kind, c.summary])).toEqual([
      ["sla_breach", "SLA breached: #1 missed its first-response target (due 13:00); console:lee, please step in. Priority raised to P2."],
    ]);
    expect(await s2.tick()).toBe(0);
    // A third start fires nothing again. (At P2 the resolution target is 8 h, so its 75% warning is due at 15:00.)
    const d3 = await makeDesk({ sla: true, path: d1.path });
    d3.clock.set(at("2026-11-24T14:59:00Z"));
    expect(await scheduler(d3).catchUp()).toBe(0);
    const steps = await firedSteps(d3.db, 1);
    expect(steps.map((f) => [f.target, f.step])).toEqual([
      ["first_response", "warn"],
      ["first_response", "breach"],
    ]);
  });

  it("two schedulers ticking at once (two processes by mistake) still fire each step once", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    ok(await d.as("carol", "printer on 3rd floor jams"));
    ok(await d.as("dave", "laptop will not charge"));
    d.clock.set(at("2026-11-24T13:30:00Z"));
    const [a, b] = await Promise.all([scheduler(d).tick(), scheduler(d).tick()]);
    expect(a + b).toBe(4);
    expect(r.sla()).toHaveLength(4);
  });

  it("catches up after downtime: everything missed fires at start, in due order, a backlog larger than a batch included", async () => {
    const r = recorder();
    const d = await makeDesk({ sla: true, notifiers: [r.notifier] });
    ok(await d.as("carol", "printer on 3rd floor jams")); // #1 at 09:00
    d.clock.advance(30 * MIN);
    ok(await d.as("dave", "laptop will not charge")); // #2 at 09:30
    d.clock.advance(30 * MIN);
    ok(await d.as("erin", "monitor flickers")); // #3 at 10:00
    // Down from 10:00 until Monday: every first-response and resolution step of all three fell due.
    d.clock.set(at("2026-11-30T09:00:00Z"));
    const s = scheduler(d, { batch: 4 });
    const started = new SlaScheduler(d.desk, new SlaRules(d.desk.settings.sla!), d.clock, { batch: 4 });
    expect(await started.catchUp()).toBe(12);
    // Then the desk's job ticker keeps one interval timer, whatever the number of tickets (and of jobs).
    const timers = manualTimers();
    const ticker = new JobTicker(d.desk, d.desk.capabilities, { timers });
    await ticker.start();
    expect(timers.active).toBe(1);
    expect(await s.tick()).toBe(0);
    const fired = r.sla().map((c) => `#${c.snapshot.ticket.number} ${c.kind} ${/its (\S+) target/.exec(c.summary)![1]}`);
    expect(fired.slice(0, 6)).toEqual([
      "#1 sla_warning first-response", // due 12:00
      "#2 sla_warning first-response", // 12:30
      "#1 sla_breach first-response", // 13:00
      "#3 sla_warning first-response", // 13:00
      "#2 sla_breach first-response", // 13:30
      "#3 sla_breach first-response", // 14:00
    ]);
    expect(fired.filter((f) => f.endsWith("resolution"))).toHaveLength(6);
    // A warning caught up after its target passed says so.
    expect(r.sla()[0]!.summary).toBe(
      "SLA warning: #1 has used 75% of its first-response target, due 24 Nov 13:00 (passed 5 d 20 h ago); nobody is assigned: claim it from the triage card.",
    );
    ticker.stop();
    expect(timers.active).toBe(0);
  });

  it("turning SLA on for a desk with open tickets starts their clocks at start-up, from then", async () => {
    const before = await makeDesk(); // no SLA yet
    ok(await before.as("carol", "printer on 3rd floor jams"));
    ok(await before.as("dave", "laptop will not charge"));
    ok(await before.as("ana", "resolve 2 charger replaced"));
    await before.db.destroy();
    const d = await makeDesk({ sla: true, path: before.path });
    d.clock.set(at("2026-11-25T10:00:00Z"));
    const s = scheduler(d);
    expect(await s.catchUp()).toBe(0);
    const clocks = await d.db.selectFrom("sla_clocks").select(["ticket_id", "target", "due_at"]).orderBy("target").execute();
    expect(clocks).toEqual([
      { ticket_id: 1, target: "first_response", due_at: at("2026-11-25T14:00:00Z") },
      { ticket_id: 1, target: "resolution", due_at: at("2026-11-27T17:00:00Z") },
    ]);
    const history = ok(await d.as("ana", "history 1")).text;
    expect(history).toContain("Wed 25 Nov 10:00  SLA clock started: first response due Wed 25 Nov 14:00");
    expect(await s.startMissingClocks()).toBe(0);
  });
});
