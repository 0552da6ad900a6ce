// Start-up training of the category model does not stop the desk: a large history is fitted in a thread of
// its own while commands are answered, and the fitted model, with what agents taught meanwhile, takes over.
import { describe, expect, it } from "vitest";
import { standardCapabilities } from "../../../src/capabilities/index.js";
import { Triage } from "../../../src/capabilities/triage/index.js";
import { IN_PLACE_MAX } from "../../../src/capabilities/triage/training.js";
import { makeDesk, ok, refused } from "../../helpers/desk.js";
import { card, failingNextCategory, field, settingsWith } from "./helpers.js";
import { syntheticTickets } from "./synthetic.js";

describe("triage: training at start-up", () => {
  it("a desk with many resolved tickets answers commands while its model trains, then uses the model and keeps what was taught meanwhile", async () => {
    const settings = settingsWith("  mode: suggest\n");
    const failing = failingNextCategory();
    const capabilities = [...standardCapabilities({ ...settings, sla: undefined }), failing];
    const triage = capabilities.find((x): x is Triage => x instanceof Triage)!;
    const d = await makeDesk({ settings, capabilities });
    const history = syntheticTickets(4 * IN_PLACE_MAX, 7, 0);
    await d.db.insertInto("people").values({ platform: "console", user_id: "seed", display_name: "seed", email: null, tz: null, created_at: 0 }).execute();
    for (const [i, e] of history.entries()) {
      await d.db
        .insertInto("tickets")
        .values({
          title: e.text,
          description: "",
          type: "incident",
          category: e.label,
          impact: "medium",
          urgency: "medium",
          priority: "P3",
          status: "closed",
          requester_id: 1,
          tags: "[]",
          source_kind: "console",
          created_at: i,
          updated_at: i,
        })
        .execute();
    }

    // What happened, in order: each command answered, and the moment the fitted model took over.
    const events: string[] = [];
    const training = triage.train(d.db).then((n) => {
      events.push(`trained on ${n}`);
      return n;
    });
    const first = ok(await d.as("carol", "the badge reader at the front door beeps red"));
    events.push(`answered #${first.snapshot!.ticket.number}`);
    // Taught while the model trains, in a command that rolls back: the fitted model must not learn it.
    failing.armed = true;
    refused(await d.as("ana", `category ${first.snapshot!.ticket.number} Access`));
    events.push("refused category");
    // Taught while the model trains and committed: the fitted model must learn it too.
    ok(await d.as("ana", `category ${first.snapshot!.ticket.number} Hardware`));
    events.push("answered category");
    ok(await d.as("ana", "list"));
    events.push("answered list");
    expect(triage.model.examples).toBe(1);

    expect(await training).toBe(history.length);
    expect(events).toEqual([
      `answered #${first.snapshot!.ticket.number}`,
      "refused category",
      "answered category",
      "answered list",
      `trained on ${history.length}`,
    ]);
    // The fitted model: trained on the history and on the correction taught while it trained.
    expect(triage.model.examples).toBe(history.length + 1);
    const second = ok(await d.as("dave", "badge reader beeps red at the side door")).snapshot!.ticket.number;
    expect(field(await card(d, second), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: trained on 801 tickets$/);
    const third = ok(await d.as("erin", "toner scanner headset")).snapshot!.ticket.number;
    expect(field(await card(d, third), "Category")).toMatch(/^Hardware \(\d+%\) suggested/);
    // Training runs once: a later call answers at once with the same count.
    expect(await triage.train(d.db)).toBe(history.length);
  }, 60_000);

  it("a small history is fitted in place, before the first ticket is triaged", async () => {
    const settings = settingsWith("  mode: suggest\n");
    const capabilities = standardCapabilities({ ...settings, sla: undefined });
    const triage = capabilities.find((x): x is Triage => x instanceof Triage)!;
    const d = await makeDesk({ settings, capabilities });
    ok(await d.as("carol", "toner scanner headset"));
    ok(await d.as("ana", "category 1 Hardware"));
    ok(await d.as("ana", "resolve 1 fixed"));
    const restarted = await makeDesk({ path: d.path, settings });
    ok(await restarted.as("dave", "scanner headset toner again"));
    expect(field(await card(restarted, 2), "Category")).toMatch(/^Hardware \(\d+%\) suggested · model: trained on 1 ticket$/);
    expect(triage.model.examples).toBe(1);
  });
});
