// What Slack and Teams people see of the SLA: the card fields (drawn by each adapter's own renderer, checked
// against Block Kit's limits and the Adaptive Card schema) and the escalation in the card's thread.
import { describe, expect, it } from "vitest";
import { OUTBOX } from "../../../adapters/slack/ids.js";
import { SlackNotifier } from "../../../adapters/slack/notifier.js";
import { card } from "../../../adapters/slack/render.js";
import { TeamsNotifier } from "../../../adapters/teams/notifier.js";
import { ticketCard } from "../../../adapters/teams/render.js";
import { SlaRules } from "../../../src/capabilities/sla/rules.js";
import { SlaScheduler } from "../../../src/capabilities/sla/scheduler.js";
import { ticketView } from "../../../src/core/views.js";
import { checkSurface } from "../../fakes/slack-blocks.js";
import { exampleSettings, makeDesk, ok } from "../../helpers/desk.js";
import { expectValidCard } from "../../teams/harness.js";

const DUE = Date.parse("2026-11-24T13:00:00Z"); // a P3 opened at 09:00 UTC: 4 h of London business time

describe("SLA on the platforms' cards", () => {
  it("Slack draws the due time with <!date> (the viewer's zone) and the desk-time text as its fallback", async () => {
    const { desk, as } = await makeDesk({ sla: true });
    ok(await as("carol", "printer on 3rd floor jams"));
    const message = card(ticketView((await desk.snapshot(1))!));
    expect(checkSurface("message", message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`*Respond by*\\n<!date^${DUE / 1000}^{date_short_pretty} {time}|Respond by 13:00 (in 4 h)>`);
    expect(text).toContain(`*Resolve by*\\n<!date^${Date.parse("2026-11-26T16:00:00Z") / 1000}^{date_short_pretty} {time}|Resolve by Thu 16:00>`);
  });

  it("Teams draws it with {{DATE()}} {{TIME()}} in a card valid against the schema", async () => {
    const { desk, clock, as } = await makeDesk({ sla: true });
    ok(await as("carol", "printer on 3rd floor jams"));
    clock.advance(4 * 3600_000 + 20 * 60_000);
    const c = ticketCard(ticketView((await desk.snapshot(1))!));
    expectValidCard(c);
    expect(JSON.stringify(c)).toContain("Breached; was due {{DATE(2026-11-24T13:00:00Z, SHORT)}} {{TIME(2026-11-24T13:00:00Z)}}");
  });

  it("an escalation refreshes the Slack card and is said in its thread, through the outbox", async () => {
    const { desk, db, clock, as } = await makeDesk({ sla: true, notifiers: [new SlackNotifier({ triageChannel: "C0TRIAGE" })] });
    ok(await as("carol", "printer on 3rd floor jams"));
    clock.set(Date.parse("2026-11-24T12:00:00Z"));
    expect(await new SlaScheduler(desk, new SlaRules(desk.settings.sla!), clock).tick()).toBe(1);
    const rows = await db.selectFrom("outbox").select(["platform", "kind", "target", "payload"]).where("platform", "=", "slack").orderBy("id").execute();
    // The card is still pending, so the escalation's refresh is that same row; triage's note ("printer" puts it
    // in Hardware on arrival) comes between the card and the warning in the thread.
    const all = rows.map((r) => ({ kind: r.kind, target: r.target, payload: JSON.parse(r.payload) }));
    expect(all).toEqual([
      { kind: OUTBOX.card, target: "ticket:1", payload: { ticket: 1 } },
      { kind: OUTBOX.thread, target: "ticket:1", payload: { ticket: 1, text: "Triage put #1 in Hardware" } },
      {
        kind: OUTBOX.thread,
        target: "ticket:1",
        payload: {
          ticket: 1,
          text: "SLA warning: #1 has used 75% of its first-response target, due 13:00 (in 1 h); nobody is assigned: claim it from the triage card.",
        },
      },
    ]);
  });
  it("a breach is told directly to the lead and every escalation channel, on each one's platform", async () => {
    const settings = exampleSettings();
    settings.roles.lead = ["slack:U0LEAD"];
    // "printer" puts the ticket in Hardware, team Service Desk, on arrival: the team's own lead is the one told.
    settings.sla!.escalation.leads["Service Desk"] = "slack:U0LEAD";
    settings.sla!.escalation.channels = ["slack:C0ESCALATE", "teams:19:escalate@thread.tacv2"];
    const { desk, db, clock, as } = await makeDesk({
      sla: true,
      settings,
      notifiers: [new SlackNotifier({ triageChannel: "C0TRIAGE" }), new TeamsNotifier(() => undefined)],
    });
    ok(await as("carol", "printer on 3rd floor jams"));
    const scheduler = new SlaScheduler(desk, new SlaRules(desk.settings.sla!), clock);
    clock.set(Date.parse("2026-11-24T12:00:00Z"));
    await scheduler.tick();
    const warned = await db.selectFrom("outbox").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    clock.set(Date.parse("2026-11-24T13:01:00Z"));
    expect(await scheduler.tick()).toBe(1);
    const rows = await db
      .selectFrom("outbox")
      .select(["platform", "kind", "target", "payload"])
      .where("id", ">", warned.id)
      .where("kind", "=", "notice")
      .orderBy("id")
      .execute();
    const text = "SLA breached: #1 missed its first-response target (due 13:00); slack:U0LEAD, please step in. Priority raised to P2.";
    expect(rows.map((r) => ({ platform: r.platform, target: r.target, payload: JSON.parse(r.payload) }))).toEqual([
      { platform: "slack", target: "notice:U0LEAD", payload: { ticket: 1, text, to: "U0LEAD" } },
      { platform: "slack", target: "notice:C0ESCALATE", payload: { ticket: 1, text, to: "C0ESCALATE" } },
      { platform: "teams", target: "19:escalate@thread.tacv2", payload: { ticket: 1, text } },
    ]);
  });
});
