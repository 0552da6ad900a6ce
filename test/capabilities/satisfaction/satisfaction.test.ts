import { describe, expect, it } from "vitest";
import { rateCommand, satisfactionCapability } from "../../../src/capabilities/satisfaction/index.js";
import { makeDesk, ok, refused, capabilitiesOf, exampleSettings } from "../../helpers/desk.js";
import { standardCapabilities } from "../../../src/capabilities/index.js";

const caps = capabilitiesOf();

describe("satisfaction rating", () => {
  it("lets the requester rate a resolved ticket 1-5, once per score, and records it in the audit", async () => {
    const settings = exampleSettings();
    const t = await makeDesk({ settings, capabilities: [...standardCapabilities(settings), satisfactionCapability()] });
    ok(await t.as("rita", "printer jams on floor 3"));
    expect(caps.actionCommand("rate", 1, "4")).toEqual(rateCommand(1, "4"));
    expect(caps.actionCommand("rate", 1, "9")).toBeUndefined();
    const rate = (who: string, score: string) => t.as(who, caps.actionCommand("rate", 1, score)!);
    expect(refused(await rate("rita", "4")).text).toBe("#1 is not resolved yet; rate it once it is.");
    ok(await t.as("ana", "resolve 1 cleared the jam"));
    expect(refused(await rate("ana", "5")).text).toBe("Only the person who asked for #1 can rate it.");
    expect(ok(await rate("rita", "4")).text).toBe("Thank you for rating #1 4/5.");
    expect(refused(await rate("rita", "4")).text).toBe("You already rated #1 4/5. Thank you!");
    ok(await rate("rita", "5"));
    const rows = await t.db.selectFrom("audit_events").select(["action", "field", "to_value"]).where("action", "=", "rate").execute();
    expect(rows).toEqual([
      { action: "rate", field: "satisfaction", to_value: "4" },
      { action: "rate", field: "satisfaction", to_value: "5" },
    ]);
    await t.db.destroy();
  });
});
