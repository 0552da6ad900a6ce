import { describe, expect, it } from "vitest";
import type { Job } from "../src/core/capability.js";
import { JobTicker, startCapabilities, type Timers } from "../src/jobs.js";
import { makeDesk } from "./helpers/desk.js";

/** Interval timers that never fire by themselves: the tests tick by hand, after moving the clock. */
function manualTimers(): Timers & { active: number; every: number[] } {
  const t = {
    active: 0,
    every: [] as number[],
    setInterval: (_f: () => void, ms: number) => (t.active++, t.every.push(ms), t),
    clearInterval: () => void t.active--,
  };
  return t;
}

/** A job that records when it ran (on the desk's clock) and can be held mid-run. */
function recordingJob(name: string, everyMs: number) {
  const runs: number[] = [];
  let held = Promise.resolve();
  let release = () => {};
  const job: Job & { runs: number[]; hold(): void; release(): void } = {
    name,
    everyMs,
    runs,
    catchUp: async (desk) => [`${name}: caught up at ${desk.clock.now()}`],
    async run(desk) {
      runs.push(desk.clock.now());
      await held;
    },
    hold() {
      held = new Promise((r) => (release = r));
    },
    release: () => release(),
  };
  return job;
}

describe("the job ticker", () => {
  it("keeps one interval timer for every capability's jobs and runs each when its period has passed on the desk's clock", async () => {
    const fast = recordingJob("fast", 15_000);
    const slow = recordingJob("slow", 60_000);
    const t = await makeDesk({
      capabilities: [
        { name: "a", jobs: [fast] },
        { name: "b", jobs: [slow] },
      ],
    });
    const timers = manualTimers();
    const ticker = new JobTicker(t.desk, t.desk.capabilities, { timers });
    const start = t.clock.now();
    expect(await ticker.start()).toEqual([`fast: caught up at ${start}`, `slow: caught up at ${start}`]);
    expect(timers.active).toBe(1);
    expect(timers.every).toEqual([15_000]);

    t.clock.advance(14_999);
    await ticker.tick();
    expect([fast.runs, slow.runs]).toEqual([[], []]);
    t.clock.advance(1);
    await ticker.tick();
    expect([fast.runs.length, slow.runs.length]).toEqual([1, 0]);
    t.clock.advance(45_000);
    await ticker.tick();
    expect([fast.runs.length, slow.runs.length]).toEqual([2, 1]);
    ticker.stop();
    expect(timers.active).toBe(0);
  });

  it("does not start a job again while its last run is still going, and a failing job leaves the others running", async () => {
    const slowRun = recordingJob("slow-run", 1_000);
    const logs: string[] = [];
    const failing: Job = { name: "broken", everyMs: 1_000, run: async () => Promise.reject(new Error("disk full")) };
    const t = await makeDesk({ capabilities: [{ name: "a", jobs: [slowRun, failing] }] });
    const ticker = new JobTicker(t.desk, t.desk.capabilities, { timers: manualTimers(), log: (m) => logs.push(m) });
    await ticker.start();
    slowRun.hold();
    t.clock.advance(1_000);
    const first = ticker.tick();
    t.clock.advance(1_000);
    await ticker.tick(); // the first run is still held: not started twice
    expect(slowRun.runs).toHaveLength(1);
    slowRun.release();
    await first;
    expect(logs).toEqual(["broken: tick failed: disk full"]);
    // Next period both run again: the broken job is tried again, and its failure stopped nothing.
    t.clock.advance(1_000);
    await ticker.tick();
    expect(slowRun.runs).toHaveLength(2);
    expect(logs).toEqual(["broken: tick failed: disk full", "broken: tick failed: disk full"]);
  });

  it("runs the capabilities' start hooks in the desk's order", async () => {
    const t = await makeDesk({
      capabilities: [
        { name: "a", start: async () => ["a started"] },
        { name: "b" },
        { name: "c", start: async (desk) => [`c started at ${desk.clock.now()}`] },
      ],
    });
    expect(await startCapabilities(t.desk, t.desk.capabilities)).toEqual(["a started", `c started at ${t.clock.now()}`]);
  });
});
