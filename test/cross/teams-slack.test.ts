// One ticket core, two platforms: a ticket raised in Teams is claimed and resolved by an agent in Slack.
// The real Bolt app and the real Agents SDK adapter share one desk and one HTTP server, each talking to
// its own fake platform server.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeBotConnector } from "../fakes/bot-connector.js";
import type { FakeSlackApi } from "../fakes/slack-api.js";
import type { TestDesk } from "../helpers/desk.js";
import { AGENTS, TRIAGE, blockAction, interactionBody, signedPost, slackSettings, viewSubmission } from "../slack/harness.js";
import { install, personalMessage } from "../teams/flows.js";
import { CHANNEL, PERSONAL, cardText, expectValidCard, cardsIn } from "../teams/harness.js";
import { twoPlatforms, type TwoPlatforms } from "./harness.js";

let t: TestDesk;
let slackApi: FakeSlackApi;
let connector: FakeBotConnector;
let base: string;
let both: TwoPlatforms;
const teamsSide = () => both.teamsSide();
const settle = () => both.settle();

beforeEach(async () => {
  both = await twoPlatforms({ settings: slackSettings(), slackUsers: { [AGENTS.ana]: { name: "ana", email: "ana@example.com" } } });
  ({ t, slackApi, connector, base } = both);
});
afterEach(() => both.close());

const interact = (payload: Record<string, unknown>) => signedPost(`${base}/slack/events`, interactionBody(payload), "application/x-www-form-urlencoded");

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
    const where = {
      channel: TRIAGE,
      ts: String(
        (await t.db.selectFrom("ticket_links").select("ref").where("platform", "=", "slack").where("role", "=", "card").executeTakeFirstOrThrow()).ref.split(
          ":",
        )[1],
      ),
    };
    const button = (verb: string) => ({
      type: "button",
      action_id: `ticket.${verb}.1`,
      value: JSON.stringify({ ticket: 1, verb }),
      text: { type: "plain_text", text: verb },
    });

    // ana claims in Slack.
    expect((await interact(blockAction(AGENTS.ana, button("claim"), where))).status).toBe(200);
    await settle();
    const dms = () => connector.sent().filter((c) => c.conversationId === PERSONAL && c.body.attachments);
    expect(cardText(dms().at(-1)!.body.attachments[0].content)).toMatch(/#1 is now with \w*ana \(in progress\)\./);

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
