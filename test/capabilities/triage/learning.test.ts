// The model learns from agents through the desk, and only from commands that committed.
import { describe, expect, it } from "vitest";
import { standardCapabilities } from "../../../src/capabilities/index.js";
import { Triage } from "../../../src/capabilities/triage/index.js";
import { makeDesk, ok, refused, capabilitiesOf } from "../../helpers/desk.js";
import { card, failingNextCategory, field, settingsWith } from "./helpers.js";

const caps = capabilitiesOf();

describe("triage: learning from agents", () => {
  it("a correction inside a command that rolled back is taken back out of the model", async () => {
    const settings = settingsWith("  mode: suggest\n");
    const failing = failingNextCategory();
    const extensions = [...standardCapabilities({ ...settings, sla: undefined }), failing];
    const triage = extensions.find((x): x is Triage => x instanceof Triage)!;
    const d = await makeDesk({ settings, capabilities: extensions });
    ok(await d.as("carol", "the badge reader at the front door beeps red"));

    failing.armed = true;
    expect(refused(await d.as("ana", caps.actionCommand("change_category", 1, "Hardware")!)).text).toContain("the category store is full");
    expect((await d.desk.snapshot(1))!.ticket.category).toBeNull();
    // The model had learned before the failure; the next command finds the lesson's row gone and unlearns it.
    ok(await d.as("dave", "badge reader beeps red at the side door"));
    expect(field(await card(d, 2), "Category")).toBeUndefined();
    expect(triage.model.examples).toBe(0);

    // The same correction, committed this time, is learned and kept.
    ok(await d.as("ana", caps.actionCommand("change_category", 1, "Hardware")!));
    ok(await d.as("erin", "badge reader beeps red at the back door"));
    expect(field(await card(d, 3), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: trained on 1 ticket$/);
    expect(triage.model.examples).toBe(1);
  });

  it("a correction on an open ticket survives a restart", async () => {
    const d1 = await makeDesk({ settings: settingsWith("  mode: suggest\n") });
    ok(await d1.as("carol", "the badge reader at the front door beeps red"));
    ok(await d1.as("ana", "category 1 Hardware"));
    const d2 = await makeDesk({ path: d1.path, settings: settingsWith("  mode: suggest\n") });
    ok(await d2.as("dave", "badge reader beeps red at the side door"));
    expect(field(await card(d2, 2), "Category")).toMatch(/^Hardware \(\d+%\) suggested/);
  });
});
