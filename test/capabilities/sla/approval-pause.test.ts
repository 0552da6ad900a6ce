// Time a request spends awaiting its approvers is not the desk's: the SLA clocks pause until it is decided.
import { describe, expect, it } from "vitest";
import { clocksOf } from "../../../src/capabilities/sla/repository.js";
import { auditOfTicket } from "../../../src/store/audit.js";
import { exampleSettings, makeDesk, ok } from "../../helpers/desk.js";
import { accessRequest, approvalSettings } from "../approvals/setup.js";

const H = 3_600_000;

describe("SLA clocks and approvals", () => {
  it("pause while a request awaits approval and run again once it is approved", async () => {
    const t = await makeDesk({ settings: approvalSettings(exampleSettings()), sla: true });
    const n = await accessRequest(t);
    expect((await clocksOf(t.db, n)).map((c) => c.state)).toEqual(["paused", "paused"]);
    t.clock.advance(6 * H);
    ok(await t.as("ana", `approve ${n}`));
    const clocks = await clocksOf(t.db, n);
    expect(clocks.map((c) => [c.state, c.consumed_ms])).toEqual([
      ["running", 0],
      ["running", 0],
    ]);
    const trail = await auditOfTicket(t.db, n);
    // The clocks were started paused (the request awaited approval from its creation) and resumed at the approval.
    expect(trail.filter((e) => e.action === "sla_resume").map((e) => e.reason)).toEqual([
      "no longer waiting on the requester or approvers",
      "no longer waiting on the requester or approvers",
    ]);
    await t.db.destroy();
  });
});
