import { describe, expect, it } from "vitest";
import type { Notifier, TicketChange } from "../../src/core/notify.js";
import { makeDesk, ok } from "../helpers/desk.js";

describe("desk.system: changes nobody typed", () => {
  it("runs as system:<name> with the admin role, audits, notifies and wakes commit listeners", async () => {
    const seen: TicketChange[] = [];
    const notifier: Notifier = { plan: (c) => (seen.push(c), [{ platform: "test", kind: "post", target: "T", payload: { text: c.summary }, key: "m" }]) };
    const { desk, db, as } = await makeDesk({ notifiers: [notifier] });
    ok(await as("carol", "vpn drops"));
    let commits = 0;
    desk.onCommit(() => commits++);
    const role = await desk.system("sla", async (ctx) => {
      const t = await ctx.load(1);
      await ctx.change(t, { priority: "P2" }, "sla_breach", "SLA breached: #1 raised to P2", { reason: "resolution target missed" });
      return ctx.role;
    });
    expect(role).toBe("admin");
    expect(commits).toBe(1);
    expect(seen.at(-1)).toMatchObject({ kind: "sla_breach", summary: "SLA breached: #1 raised to P2", actor: { platform: "system", userId: "sla" } });
    const audit = await db.selectFrom("audit_events").selectAll().where("action", "=", "sla_breach").execute();
    expect(audit).toMatchObject([{ field: "priority", from_value: "P3", to_value: "P2", reason: "resolution target missed" }]);
    // One row each for the creation, triage's change ("vpn" puts it in Network) and the system's change.
    expect((await db.selectFrom("outbox").select("kind").execute()).length).toBe(3);
  });

  it("rolls everything back when the function throws", async () => {
    const { desk, db, as } = await makeDesk();
    ok(await as("carol", "vpn drops"));
    await expect(
      desk.system("sla", async (ctx) => {
        await ctx.change(await ctx.load(1), { priority: "P1" }, "sla_breach", "x");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await db.selectFrom("tickets").select("priority").executeTakeFirstOrThrow()).priority).toBe("P3");
  });
});
