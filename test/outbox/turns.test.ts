// Deliveries take turns of the event loop one at a time, so a burst's notifications never hold back the
// acks of requests that arrive while they are drawn.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { enqueue } from "../../src/store/outbox.js";
import { OutboxWorker } from "../../src/outbox/worker.js";
import { makeDesk } from "../helpers/desk.js";

describe("outbox deliveries and the event loop", () => {
  it("let a timer that falls due meanwhile run between two deliveries, not after the whole pass", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    let delivered = 0;
    // Busy work and no waiting, as drawing a card is: nothing in it gives the event loop a turn.
    const deliver = async () => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      delivered++;
    };
    const worker = new OutboxWorker({ db, clock, deliverer: { platform: "p", deliver }, batch: 30 });
    await enqueue(
      db,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, platform: "p", kind: "say", target: `t${i}`, payload: {}, at: clock.now() })),
    );
    const pass = worker.drain();
    const seenByTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(delivered), 0));
    expect(await pass).toBe(30);
    // The timer (as an incoming request would) waited for a delivery or two, not for all thirty.
    expect(seenByTimer).toBeLessThan(5);
  });
});
