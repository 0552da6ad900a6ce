// Desk.quiet: background work (outbox deliveries) waits until no command is queued or running, but never
// longer than its cap, so a sustained load cannot starve it.
import { describe, expect, it } from "vitest";
import type { Capability } from "../../src/core/desk.js";
import { makeDesk, ok } from "../helpers/desk.js";

describe("Desk.quiet", () => {
  it("resolves at once when idle, and after the queued commands when busy", async () => {
    const t = await makeDesk({ capabilities: [] });
    const t0 = performance.now();
    await t.desk.quiet(10_000);
    expect(performance.now() - t0).toBeLessThan(1000);
    const commands = Array.from({ length: 5 }, (_, i) => t.as("carol", `printer ${i} jammed`));
    await t.desk.quiet(60_000);
    const { n } = await t.db.selectFrom("tickets").select((e) => e.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(5);
    for (const c of commands) ok(await c);
    await t.db.destroy();
  });

  it("gives up waiting after its cap while a command is still running", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const hold: Capability = { name: "hold", afterChange: () => gate };
    const t = await makeDesk({ capabilities: [hold] });
    const running = t.as("carol", "vpn drops");
    let finished = false;
    void running.then(() => (finished = true));
    const t0 = performance.now();
    await t.desk.quiet(50);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(finished).toBe(false); // still inside its transaction, held by the extension
    release();
    ok(await running);
    await t.db.destroy();
  });
});
