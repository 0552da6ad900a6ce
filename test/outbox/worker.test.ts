import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import type { OutboxRow } from "../../src/store/database.js";
import { enqueue, countsByStatus } from "../../src/store/outbox.js";
import { DeliveryError, OutboxWorker } from "../../src/outbox/worker.js";
import { makeDesk } from "../helpers/desk.js";

async function setup(deliver: (row: OutboxRow) => Promise<void>, maxAttempts = 3) {
  const { db } = await makeDesk();
  const clock = new ManualClock();
  const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver }, maxAttempts, backoffMs: 1000 });
  const add = (key: string, target: string) => enqueue(db, [{ key, platform: "p", kind: "say", target, payload: { key }, at: clock.now() }]);
  return { db, clock, worker, add };
}

describe("outbox worker", () => {
  it("delivers in order per target and skips a key already queued", async () => {
    const seen: string[] = [];
    const { worker, add, db } = await setup(async (r) => void seen.push(`${r.target}:${JSON.parse(r.payload).key}`));
    await add("a1", "A");
    await add("b1", "B");
    await add("a2", "A");
    await add("a1", "A");
    expect(await worker.drain()).toBe(3);
    expect(seen.filter((s) => s.startsWith("A"))).toEqual(["A:a1", "A:a2"]);
    expect(await countsByStatus(db)).toEqual({ sent: 3 });
  });

  it("honours Retry-After and holds the target's later messages until the first goes", async () => {
    let fail = true;
    const seen: string[] = [];
    const { worker, add, clock } = await setup(async (r) => {
      if (fail && r.key === "a1") {
        fail = false;
        throw new DeliveryError("ratelimited", { retryAfterMs: 30_000 });
      }
      seen.push(r.key);
    });
    await add("a1", "A");
    await add("a2", "A");
    expect(await worker.drain()).toBe(0);
    clock.advance(29_000);
    expect(await worker.drain()).toBe(0);
    clock.advance(1_000);
    expect(await worker.drain()).toBe(2);
    expect(seen).toEqual(["a1", "a2"]);
  });

  it("dead-letters after maxAttempts and moves on", async () => {
    const { worker, add, clock, db } = await setup(async (r) => {
      if (r.key === "bad") throw new Error("channel_not_found");
    });
    await add("bad", "A");
    await add("good", "A");
    for (let i = 0; i < 3; i++) {
      await worker.drain();
      clock.advance(60_000);
    }
    const rows = await db.selectFrom("outbox").selectAll().orderBy("id").execute();
    expect(rows.map((r) => [r.key, r.status, r.attempts])).toEqual([
      ["bad", "dead", 3],
      ["good", "sent", 1],
    ]);
    expect(rows[0]!.last_error).toBe("channel_not_found");
  });

  it("a permanent error dead-letters at once", async () => {
    const { worker, add, db } = await setup(async () => {
      throw new DeliveryError("invalid_blocks", { permanent: true });
    });
    await add("x", "A");
    await worker.drain();
    expect(await countsByStatus(db)).toEqual({ dead: 1 });
  });

  it("re-delivers a message a crash left in flight", async () => {
    const { worker, add, db } = await setup(async () => {});
    await add("x", "A");
    await db.updateTable("outbox").set({ status: "sending", attempts: 1 }).execute();
    expect(await worker.drain()).toBe(1);
    expect(await countsByStatus(db)).toEqual({ sent: 1 });
  });
});
