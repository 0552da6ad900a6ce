// A reopened ticket's old resolution did not hold: it leaves the ticket, so neither its cards nor `show` give it
// as the answer, even when the ticket is later closed without a new one. Its text stays in the history.
import { describe, expect, it } from "vitest";
import { card } from "../../adapters/slack/render.js";
import { ticketCard } from "../../adapters/teams/render.js";
import { ticketView } from "../../src/core/views.js";
import { checkSurface } from "../fakes/slack-blocks.js";
import { makeDesk } from "../helpers/desk.js";
import { consoleSession } from "../capabilities/sla/drive.js";
import { expectValidCard } from "../teams/harness.js";

type TestDesk = Awaited<ReturnType<typeof makeDesk>>;

/** The ticket as each platform draws it: the neutral card's fields, the Slack blocks and the Teams card, as text. */
async function cards(d: TestDesk) {
  const view = ticketView((await d.desk.snapshot(1))!);
  const slack = card(view);
  expect(checkSurface("message", slack.blocks)).toEqual([]);
  const teams = ticketCard(view);
  expectValidCard(teams);
  return { labels: view.fields.map((f) => f.label), slack: JSON.stringify(slack), teams: JSON.stringify(teams) };
}

describe("a reopened ticket's resolution", () => {
  it("leaves the card, `show` and the ticket; a later close does not bring it back; history keeps it", async () => {
    const d = await makeDesk();
    const c = consoleSession(d.desk);
    await c.say("as carol");
    expect(await c.say("printer on 3rd floor jams")).toContain("Opened #1");
    await c.say("as ana");
    await c.say("resolve 1 cleared the jam");
    expect(await c.say("show 1")).toContain("  resolution: cleared the jam");
    const resolved = await cards(d);
    expect(resolved.labels).toContain("Resolution");
    expect(resolved.slack).toContain("cleared the jam");
    expect(resolved.teams).toContain("cleared the jam");

    await c.say("as carol");
    expect(await c.say("reopen 1 it jams again")).toContain("[P3 in progress]");
    expect(await c.say("show 1")).not.toContain("resolution");
    const ticket = await d.db.selectFrom("tickets").select(["status", "resolution", "resolved_at"]).where("id", "=", 1).executeTakeFirstOrThrow();
    expect(ticket).toEqual({ status: "in_progress", resolution: null, resolved_at: null });
    const reopened = await cards(d);
    expect(reopened.labels).not.toContain("Resolution");

    // Closed without a new resolution: the card and `show` must not offer the one that failed as the answer.
    await c.say("as ana");
    expect(await c.say("close 1")).toContain("[P3 closed]");
    const shown = await c.say("show 1");
    expect(shown).toContain("[P3 closed]");
    expect(shown).not.toContain("cleared the jam");
    const closed = await cards(d);
    expect(closed.labels).not.toContain("Resolution");
    expect(closed.slack).not.toContain("cleared the jam");
    expect(closed.teams).not.toContain("cleared the jam");

    // Nothing is lost: the history says what the resolution was and that the reopen cleared it.
    const history = await c.say("history 1");
    expect(history).toMatch(/ana resolved it: .*resolution cleared the jam$/m);
    expect(history).toMatch(/carol reopened it: .*resolution cleared the jam -> none \(it jams again\)$/m);
    await c.end();
  });

  it("a second resolution is the one shown", async () => {
    const d = await makeDesk();
    const c = consoleSession(d.desk, "ana");
    await c.say("wifi drops in the lobby");
    await c.say("resolve 1 rebooted the access point");
    await c.say("reopen 1 it dropped again");
    await c.say("resolve 1 replaced the access point");
    const shown = await c.say("show 1");
    expect(shown).toContain("  resolution: replaced the access point");
    expect(shown).not.toContain("rebooted");
    const resolved = await cards(d);
    expect(resolved.slack).toContain("replaced the access point");
    expect(resolved.slack).not.toContain("rebooted");
    expect(resolved.teams).not.toContain("rebooted");
    await c.end();
  });
});
