// One phrase book: the same change reads the same on Slack, Teams and the console. One desk runs the real Bolt
// app and the real Agents SDK adapter against their fake platform servers, and the console's notifier; three
// tickets, one per platform (requester and agents all on that platform), go through the same steps, and each
// step's sentences are checked where each platform delivered them: Slack DMs and the triage card's thread,
// Teams 1:1 chats and the card's reply chain, and what the console prints for a person.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConsoleNotifier, takeNotices } from "../../adapters/console/notifier.js";
import { teamsUser } from "../../adapters/teams/conversations.js";
import type { Actor, Command } from "../../src/core/commands.js";

import type { FakeBotConnector } from "../fakes/bot-connector.js";
import type { FakeSlackApi } from "../fakes/slack-api.js";
import { ok, type TestDesk } from "../helpers/desk.js";
import { AGENTS, TRIAGE, slackSettings } from "../slack/harness.js";
import { channelMention, install, personalMessage } from "../teams/flows.js";
import { AGENT, CHANNEL, PERSONAL, REQUESTER as TEAMS_REQUESTER, cardText, teamsSettings } from "../teams/harness.js";
import { twoPlatforms, type TwoPlatforms } from "./harness.js";

/** A second Teams agent, who speaks in the agents' channel. */
const LEE = { id: "29:1lee-ortiz-fake-teams-user", name: "Lee Ortiz", aadObjectId: "0c5bd2a4-6f8a-4d67-9a51-2f1c1e5b7a11" };

let t: TestDesk;
let slackApi: FakeSlackApi;
let connector: FakeBotConnector;
let both: TwoPlatforms;

beforeEach(async () => {
  const settings = teamsSettings(slackSettings());
  const slackUsers = {
    [AGENTS.ana]: { name: "ana", email: "ana@example.com" },
    [AGENTS.bob]: { name: "bob", email: "bob@example.com" },
    UREQ: { name: "rita", email: "rita@example.com" },
  };
  both = await twoPlatforms({
    settings: { ...settings, roles: { ...settings.roles, agent: [...(settings.roles.agent ?? []), `teams:${LEE.aadObjectId}`] } },
    slackUsers,
  });
  ({ t, slackApi, connector } = both);
  t.desk.addNotifier(new ConsoleNotifier());
});
afterEach(() => both.close());

const settle = () => both.settle();

/** One platform's people: the requester and two agents, as the desk sees them when they act. */
interface Side {
  /** Unlike the other platforms' titles, so triage finds no duplicates among the three tickets. */
  title: string;
  requester: Actor;
  /** Takes the ticket first. */
  a: Actor;
  /** Takes it over, then gives it back to `a`. */
  b: Actor;
}

const SIDES: Record<"slack" | "teams" | "console", Side> = {
  slack: {
    title: "printer on 3rd floor jams",
    requester: { platform: "slack", userId: "UREQ", displayName: "rita" },
    a: { platform: "slack", userId: AGENTS.ana, displayName: "ana" },
    b: { platform: "slack", userId: AGENTS.bob, displayName: "bob" },
  },
  teams: {
    title: "vpn drops every ten minutes",
    requester: { platform: "teams", userId: TEAMS_REQUESTER.aadObjectId, displayName: TEAMS_REQUESTER.name },
    a: { platform: "teams", userId: AGENT.aadObjectId, displayName: AGENT.name },
    b: { platform: "teams", userId: LEE.aadObjectId, displayName: LEE.name },
  },
  console: {
    title: "badge reader at door 4 rejects cards",
    requester: { platform: "console", userId: "carol", displayName: "carol" },
    a: { platform: "console", userId: "ana", displayName: "ana" },
    b: { platform: "console", userId: "bob", displayName: "bob" },
  },
};

const run = async (actor: Actor, command: Command | string) =>
  ok(await t.desk.handle({ actor, command: typeof command === "string" ? t.desk.parse(command) : command }));

/**
 * The steps every ticket goes through, and what each one tells the requester, the agent `a` and the agents'
 * channel, written once for all platforms: `{n}` is the ticket's number, `{a}` and `{b}` the agents' names,
 * `{title}` the ticket's. `aEverywhere`: `a` is told directly on every platform; otherwise only on the
 * console, which has no agents' channel where `a` would read it.
 */
const STEPS: { step: string; act: (s: Side, n: number) => Promise<unknown>; requester?: string; a?: string; aEverywhere?: boolean; thread: string }[] = [
  { step: "claim", act: (s, n) => run(s.a, `claim ${n}`), requester: "#{n} is now with {a} (in progress).", thread: "{a} claimed #{n}" },
  {
    step: "claim force",
    act: (s, n) => run(s.b, `claim ${n} force`),
    requester: "#{n} is now with {b} (in progress).",
    a: "{b} took over #{n}: {title}. It is no longer yours.",
    aEverywhere: true,
    thread: "{b} claimed #{n}",
  },
  {
    step: "assign",
    act: (s, n) => run(s.b, { kind: "assign", number: n, assignee: { id: s.a.userId } }),
    requester: "#{n} is now with {a} (in progress).",
    a: "{b} assigned #{n} to you: {title} (P3).",
    aEverywhere: true,
    thread: "{b} assigned #{n} to {a}",
  },
  {
    step: "public comment",
    act: (s, n) => run(s.b, `comment ${n} Tray 2 was empty`),
    requester: "{b} replied on #{n}:",
    a: "{b} replied on #{n}: Tray 2 was empty",
    thread: "{b} commented on #{n}:",
  },
  {
    step: "internal note",
    act: (s, n) => run(s.b, `note ${n} the fuser is old`),
    a: "{b} added an internal note to #{n}: the fuser is old",
    thread: "{b} added a note to #{n} (internal):",
  },
  { step: "priority", act: (s, n) => run(s.b, `priority ${n} P1`), thread: "{b} set #{n} to P1" },
  {
    step: "resolve",
    act: (s, n) => run(s.a, `resolve ${n} replaced the fuser`),
    requester: "#{n} is resolved: replaced the fuser",
    thread: "{a} resolved #{n}:",
  },
  {
    step: "reopen",
    act: (s, n) => run(s.b, `reopen ${n} jams again`),
    requester: "{b} reopened #{n} (in progress).",
    a: "{b} reopened #{n}: {title}.",
    thread: "{b} reopened #{n}: jams again",
  },
];

/** What each platform delivered since `mark`, as text to look in. */
interface Delivered {
  toRequester: string[];
  toA: string[];
  thread: string[];
}

async function delivered(platform: keyof typeof SIDES, n: number, since: { slack: number; teams: number }): Promise<Delivered> {
  const s = SIDES[platform];
  if (platform === "console") {
    return {
      toRequester: (await takeNotices(t.desk, s.requester.userId)).filter((x) => x.ticket === n).map((x) => x.text),
      toA: (await takeNotices(t.desk, s.a.userId)).filter((x) => x.ticket === n).map((x) => x.text),
      thread: [],
    };
  }
  if (platform === "slack") {
    const posts = slackApi.of("chat.postMessage").slice(since.slack);
    const to = (userId: string) => posts.filter((p) => [userId, `D${userId.slice(1)}`].includes(String(p.args.channel))).map((p) => String(p.args.text));
    return {
      toRequester: to(s.requester.userId),
      toA: to(s.a.userId),
      thread: posts.filter((p) => p.args.channel === TRIAGE && p.args.thread_ts).map((p) => String(p.args.text)),
    };
  }
  const sent = connector.sent().slice(since.teams);
  const chatOf = async (userId: string) => (await teamsUser(t.db, userId))?.personalConversationId ?? undefined;
  const aChat = await chatOf(s.a.userId);
  const cardsTo = (conversation: string | undefined) =>
    sent.filter((c) => conversation && c.conversationId === conversation && c.body?.attachments).map((c) => cardText(c.body.attachments[0].content));
  return {
    toRequester: cardsTo(PERSONAL),
    toA: cardsTo(aChat),
    thread: sent.filter((c) => c.conversationId?.startsWith(`${CHANNEL};messageid=`)).map((c) => String(c.body.text)),
  };
}

describe("one phrase book for every platform", () => {
  it("tells the same people the same sentences for the same change on Slack, Teams and the console", async () => {
    // One ticket per platform, opened by its requester there; each agent speaks once, so the desk knows them.
    const side = both.teamsSide();
    await install(side);
    await channelMention(side, "help", AGENT);
    await channelMention(side, "help", LEE);
    await personalMessage(side, SIDES.teams.title);
    await settle();
    const numbers = { teams: 1, slack: 0, console: 0 };
    numbers.slack = (await run(SIDES.slack.requester, `new ${SIDES.slack.title}`)).snapshot!.ticket.number;
    numbers.console = (await run(SIDES.console.requester, `new ${SIDES.console.title}`)).snapshot!.ticket.number;
    await settle();
    // What the console held for its people until now (the creation) is not what the steps below told them.
    for (const who of [SIDES.console.requester, SIDES.console.a]) await takeNotices(t.desk, who.userId);

    for (const step of STEPS) {
      const heard: Record<string, Delivered> = {};
      for (const platform of ["slack", "teams", "console"] as const) {
        const s = SIDES[platform];
        const n = numbers[platform];
        const since = { slack: slackApi.of("chat.postMessage").length, teams: connector.sent().length };
        await step.act(s, n);
        await settle();
        heard[platform] = await delivered(platform, n, since);
        const words = (template: string) =>
          template
            .replace(/\{n\}/g, String(n))
            .replace(/\{a\}/g, s.a.displayName!)
            .replace(/\{b\}/g, s.b.displayName!)
            .replace(/\{title\}/g, s.title);
        const where = `${step.step} on ${platform}`;

        // The requester: one message with the step's sentence, or none at all.
        if (step.requester) {
          expect(heard[platform]!.toRequester, where).toHaveLength(1);
          expect(heard[platform]!.toRequester[0], where).toContain(words(step.requester));
        } else expect(heard[platform]!.toRequester, where).toEqual([]);
        // Agent a: directly where nothing else tells them (the console has no agents' channel).
        if (step.a && (step.aEverywhere || platform === "console"))
          expect(
            heard[platform]!.toA.some((x) => x.includes(words(step.a!))),
            `${where}: ${JSON.stringify(heard[platform]!.toA)}`,
          ).toBe(true);
        else expect(heard[platform]!.toA, where).toEqual([]);
        // The agents' channel (Slack's triage thread, the Teams card's reply chain): the same line.
        if (platform !== "console")
          expect(
            heard[platform]!.thread.map((x) => x.split("\n")[0]),
            where,
          ).toEqual([words(step.thread)]);
      }
    }
  }, 120_000);
});
