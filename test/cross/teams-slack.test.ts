// One ticket core, two platforms: a ticket raised in Teams is claimed and resolved by an agent in Slack.
// The real Bolt app and the real Agents SDK adapter share one desk and one HTTP server, each talking to
// its own fake platform server.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SlackHandle } from "../../adapters/slack/app.js";
import { startTeams, type TeamsHandle } from "../../adapters/teams/app.js";
import { HttpServer } from "../../src/http/server.js";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { makeDesk, type TestDesk } from "../helpers/desk.js";
import { AGENTS, TRIAGE, addPeople, blockAction, interactionBody, signedPost, slackSettings, startSlackApp, viewSubmission } from "../slack/harness.js";
import { install, personalMessage } from "../teams/flows.js";
import { CHANNEL, PERSONAL, cardText, expectValidCard, cardsIn, type Harness as TeamsHarness } from "../teams/harness.js";

let t: TestDesk;
let http: HttpServer;
let slackApi: FakeSlackApi;
let connector: FakeBotConnector;
let slack: SlackHandle;
let teams: TeamsHandle;
let base: string;

beforeEach(async () => {
  slackApi = await new FakeSlackApi().start();
  addPeople(slackApi);
  connector = new FakeBotConnector();
  await connector.start();
  t = await makeDesk({ settings: slackSettings() });
  http = new HttpServer();
  base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  slack = await startSlackApp(t, http, slackApi, { config: { triageChannel: TRIAGE } });
  teams = await startTeams({ desk: t.desk, config: { teams: { appType: "MultiTenant" } }, http, clock: t.clock, log: () => undefined, outbox: { intervalMs: 60_000, backoffMs: 5 } });
});
afterEach(async () => {
  expect(slackApi.violations).toEqual([]);
  await slack.stop();
  await teams.stop();
  await http.close();
  await slackApi.stop();
  await connector.close();
  await t.db.destroy();
});

/** The pieces of the Teams test harness the Teams flows need, on the shared server. */
function teamsSide(): TeamsHarness {
  return {
    connector,
    post: async (activity: Record<string, unknown>) => {
      const res = await fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
  } as unknown as TeamsHarness;
}

const interact = (payload: Record<string, unknown>) => signedPost(`${base}/slack/events`, interactionBody(payload), "application/x-www-form-urlencoded");

async function settle() {
  for (let i = 0; i < 4; i++) {
    await slack.idle();
    await slack.outbox.drainAll();
    await teams.worker.drainAll();
  }
}

describe("cross-platform tickets", () => {
  it("a ticket raised in Teams is claimed and resolved from Slack: the Teams requester hears each step in their chat, and both cards stay in step", async () => {
    const side = teamsSide();
    await install(side);
    await personalMessage(side, "Outlook will not sync my calendar");
    await settle();

    // Both agents' cards exist.
    const slackCard = slackApi.of("chat.postMessage").find((c) => c.args.channel === TRIAGE)!;
    expect(JSON.stringify(slackCard.blocks)).toContain("Outlook will not sync my calendar");
    const teamsCardPost = connector.sent().find((c) => c.conversationId === CHANNEL && c.body.attachments)!;
    expect(cardText(teamsCardPost.body.attachments[0].content)).toContain("#1 Outlook will not sync my calendar");
    const where = { channel: TRIAGE, ts: String((await t.db.selectFrom("ticket_links").select("ref").where("platform", "=", "slack").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(":")[1]) };
    const button = (verb: string) => ({ type: "button", action_id: `ticket.${verb}.1`, value: JSON.stringify({ ticket: 1, verb }), text: { type: "plain_text", text: verb } });

    // ana claims in Slack.
    expect((await interact(blockAction(AGENTS.ana, button("claim"), where))).status).toBe(200);
    await settle();
    const dms = () => connector.sent().filter((c) => c.conversationId === PERSONAL && c.body.attachments);
    expect(cardText(dms().at(-1)!.body.attachments[0].content)).toContain("ana is working on #1.");

    // ana resolves in Slack (the modal asks for the note).
    await interact(blockAction(AGENTS.ana, button("resolve"), where));
    await settle();
    const modal = slackApi.of("views.open").at(-1)!;
    await interact(viewSubmission(AGENTS.ana, modal.view!, { verb_input: { text: { type: "plain_text_input", value: "Re-added the shared calendar" } } }));
    await settle();

    const ticket = await t.db.selectFrom("tickets").selectAll().executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ status: "resolved", resolution: "Re-added the shared calendar", source_kind: "teams" });
    const resolution = dms().at(-1)!.body.attachments[0].content;
    expect(cardText(resolution)).toContain("#1 is resolved: Re-added the shared calendar");
    expect(JSON.stringify(resolution)).toContain('"verb":"rate"');

    // The Teams card was updated in place to the resolved state; so was the Slack card.
    const teamsUpdates = connector.sent().filter((c) => c.method === "PUT");
    expect(cardText(teamsUpdates.at(-1)!.body.attachments[0].content)).toContain("Status: resolved");
    expect(JSON.stringify(slackApi.of("chat.update").at(-1)!.blocks)).toContain("resolved");
    // Nobody on Slack is told about a Teams requester's ticket in a Slack DM.
    expect(slackApi.of("chat.postMessage").filter((c) => String(c.args.channel).startsWith("D"))).toEqual([]);
    for (const card of connector.calls.flatMap((c) => cardsIn(c.body))) expectValidCard(card);
  });
});
