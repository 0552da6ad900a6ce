// A pass keeps taking rows as earlier ones finish: messages held by a slow limit (Tier 3 status edits) do
// not keep the others (requester posts, on their own limit) waiting behind them.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import type { OutboxRow } from "../../src/store/database.js";
import { countsByStatus, enqueue } from "../../src/store/outbox.js";
import { DeliveryError, OutboxWorker } from "../../src/outbox/worker.js";
import { makeDesk } from "../helpers/desk.js";

describe("outbox worker refill", () => {
  it("delivers every fast row while two slow ones are still held, within one pass of batch 4", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const delivered: string[] = [];
    const deliver = async (row: OutboxRow) => {
      if (row.target.startsWith("slow")) await held;
      delivered.push(row.target);
    };
    const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver }, batch: 4 });
    const targets = ["slow1", "slow2", "fast1", "fast2", "fast3", "fast4", "fast5", "fast6"];
    await enqueue(
      db,
      targets.map((t) => ({ key: t, platform: "p", kind: "say", target: t, payload: {}, at: clock.now() })),
    );

    const pass = worker.drain();
    const allFast = async () => {
      while (delivered.length < 6) await new Promise((r) => setImmediate(r));
    };
    await allFast();
    expect(delivered.sort()).toEqual(["fast1", "fast2", "fast3", "fast4", "fast5", "fast6"]);
    expect((await countsByStatus(db)).sending).toBe(2);
    release();
    expect(await pass).toBe(8);
    expect(await countsByStatus(db)).toEqual({ sent: 8 });
  });

  it("keeps one target's messages in order across refills", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    const seen: string[] = [];
    const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver: async (r) => void seen.push(r.key) }, batch: 2 });
    await enqueue(
      db,
      ["a1", "b1", "a2", "c1", "a3", "b2"].map((k) => ({ key: k, platform: "p", kind: "say", target: k[0]!, payload: {}, at: clock.now() })),
    );
    expect(await worker.drain()).toBe(6);
    expect(seen.filter((k) => k.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(seen.filter((k) => k.startsWith("b"))).toEqual(["b1", "b2"]);
  });

  it("tries a failed row again in the same pass once its retry is due, while a slow row is still held", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tries: string[] = [];
    const deliver = async (row: OutboxRow) => {
      tries.push(row.target);
      if (row.target === "slow") await held;
      if (row.target === "flaky" && tries.filter((t) => t === "flaky").length === 1) throw new DeliveryError("ratelimited", { retryAfterMs: 500 });
    };
    const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver }, batch: 4 });
    await enqueue(
      db,
      ["slow", "flaky"].map((t) => ({ key: t, platform: "p", kind: "say", target: t, payload: {}, at: clock.now() })),
    );

    const pass = worker.drain();
    while (!tries.includes("flaky")) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
    expect((await countsByStatus(db)).retrying).toBe(1);
    clock.advance(1500); // past its Retry-After and the worker's least wait before a retake
    const deadline = Date.now() + 5000;
    while ((await countsByStatus(db)).sent !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(tries).toEqual(["slow", "flaky", "flaky"]);
    expect(await countsByStatus(db)).toEqual({ sending: 1, sent: 1 });
    release();
    expect(await pass).toBe(2);
    expect(await countsByStatus(db)).toEqual({ sent: 2 });
  });

  it("the rows behind a failed one wait for it, even when its retry is due before it is taken again", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    let failedOnce = false;
    const deliver = async (row: OutboxRow) => {
      if (row.target === "slow") return held;
      if (row.key === "a1" && !failedOnce) {
        failedOnce = true;
        seen.push("a1 failed");
        throw new DeliveryError("server error", { retryAfterMs: 300 });
      }
      seen.push(row.key);
    };
    const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver }, batch: 4 });
    await enqueue(
      db,
      [
        ["slow", "slow"],
        ["a1", "t"],
        ["a2", "t"],
      ].map(([key, target]) => ({ key: key!, platform: "p", kind: "say", target: target!, payload: {}, at: clock.now() })),
    );
    const pass = worker.drain();
    while (!failedOnce) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(500); // a1's retry is due, but it failed less than the worker's least wait ago
    await new Promise((r) => setTimeout(r, 1300)); // the pass looks again
    clock.advance(1000);
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    release();
    await pass;
    expect(seen).toEqual(["a1 failed", "a1", "a2"]);
  });
});
