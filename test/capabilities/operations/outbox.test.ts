import { describe, expect, it } from "vitest";
import type { Notifier } from "../../../src/core/notify.js";
import { markDead } from "../../../src/store/outbox.js";
import { makeDesk, ok, refused } from "../../helpers/desk.js";

const notifier: Notifier = { plan: (c) => [{ platform: "slack", kind: "card", target: "C-TRIAGE", payload: { n: c.snapshot.ticket.number }, key: "card" }] };

describe("outbox command", () => {
  it("shows admins what waits, what retries and what died, and retries dead letters", async () => {
    const d = await makeDesk({ notifiers: [notifier] });
    ok(await d.as("carol", "wifi down"));
    ok(await d.as("carol", "printer jams"));
    // Each ticket's creation and its triage ("wifi" -> Network, "printer" -> Hardware) plan one card each.
    expect(ok(await d.as("operator", "outbox")).text).toBe("Outbox: 0 sent.\n  slack: 4 pending");
    const [first] = await d.db.selectFrom("outbox").select("id").orderBy("id").execute();
    await markDead(d.db, first!.id, "channel_not_found");
    const shown = ok(await d.as("operator", "outbox")).text;
    expect(shown).toContain("  slack: 1 dead");
    expect(shown).toContain(`  #${first!.id} dead slack card to C-TRIAGE (ticket #1), 0 attempts: channel_not_found`);
    expect(refused(await d.as("operator", "outbox retry 999")).text).toBe("Message 999 is not dead (only dead messages are retried by hand).");
    expect(ok(await d.as("operator", "outbox retry dead")).text).toBe("1 message queued again.");
    expect(ok(await d.as("operator", "outbox")).text).toBe("Outbox: 0 sent.\n  slack: 4 pending");
    expect(refused(await d.as("operator", "outbox retry dead")).text).toBe("There are no dead messages.");
  });

  it("is for admins only", async () => {
    const d = await makeDesk();
    expect(refused(await d.as("ana", "outbox")).text).toBe("Only admins can see and retry the outbox; you are an agent.");
  });
});
