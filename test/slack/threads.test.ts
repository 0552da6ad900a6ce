import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { counts } from "../helpers/desk.js";
import { AGENTS, REQUESTER, TRIAGE, startHarness, type Harness } from "./harness.js";

let h: Harness;
let card: { channel: string; ts: string };
let requester: { channel: string; ts: string };
let seq = 0;
/** What the card's thread holds once the ticket is open: triage files "vpn ..." under Network on arrival. */
const TRIAGED = "Triage put #1 in Network";

beforeEach(async () => {
  h = await startHarness();
  await h.command("vpn drops every ten minutes");
  await h.settle();
  const links = await h.db.selectFrom("ticket_links").select(["role", "ref"]).execute();
  const split = (r: string) => ({ channel: r.split(":")[0]!, ts: r.split(":")[1]! });
  card = split(links.find((l) => l.role === "card")!.ref);
  requester = split(links.find((l) => l.role === "requester")!.ref);
});
afterEach(async () => {
  expect(h.fake.violations).toEqual([]);
  await h.close();
});

/** A message event as the Events API delivers it (java-slack-sdk MessagePayload). */
const message = (user: string, where: { channel: string; ts: string }, text: string, extra: Record<string, unknown> = {}) => ({
  type: "message",
  client_msg_id: `m${++seq}`,
  channel: where.channel,
  channel_type: where.channel.startsWith("D") ? "im" : "channel",
  user,
  text,
  ts: `1700000900.${String(++seq).padStart(6, "0")}`,
  thread_ts: where.ts,
  team: "T0001",
  blocks: [],
  event_ts: `1700000900.${String(seq).padStart(6, "0")}`,
  ...extra,
});
const inThread = (w: { channel: string; ts: string }) =>
  h.fake
    .of("chat.postMessage")
    .filter((c) => c.args.channel === w.channel && c.args.thread_ts === w.ts)
    .map((c) => String(c.args.text));
const comments = () => h.db.selectFrom("comments").select(["body", "internal"]).orderBy("id").execute();

describe("ticket threads", () => {
  it("an agent's reply in the card's thread is a public comment relayed to the requester's thread, not echoed back", async () => {
    await h.event(message(AGENTS.ana, card, "Have you tried <https://vpn.example.com|the new client>?"));
    await h.settle();
    expect(await comments()).toEqual([{ body: "Have you tried the new client (https://vpn.example.com)?", internal: 0 }]);
    expect(inThread(requester).at(-1)).toBe("ana replied on #1:\n&gt; Have you tried the new client (https://vpn.example.com)?");
    expect(inThread(card)).toEqual([TRIAGED]);
    expect(h.fake.of("chat.update")).toHaveLength(1);
  });

  it("'note:' in the card's thread stays internal: the requester hears nothing", async () => {
    const before = inThread(requester).length;
    await h.event(message(AGENTS.ana, card, "note: user is on the old laptop image"));
    await h.settle();
    expect(await comments()).toEqual([{ body: "user is on the old laptop image", internal: 1 }]);
    expect(inThread(requester)).toHaveLength(before);
    expect(inThread(card)).toEqual([TRIAGED]);
  });

  it("the requester's reply in their thread is a comment relayed to the agents' thread", async () => {
    const before = inThread(requester).length;
    await h.event(message(REQUESTER, requester, "It happens on home wifi too"));
    await h.settle();
    expect(await comments()).toEqual([{ body: "It happens on home wifi too", internal: 0 }]);
    expect(inThread(card)).toEqual([TRIAGED, "rita commented on #1:\n&gt; It happens on home wifi too"]);
    expect(inThread(requester)).toHaveLength(before);
  });

  it("edits, bot messages and a retried event are not acted on again", async () => {
    const m = message(REQUESTER, requester, "Still broken");
    const id = "EvRETRY1";
    await h.event(m, { eventId: id });
    await h.event(m, { eventId: id, retryNum: 1 });
    await h.event(
      message(REQUESTER, requester, "", {
        subtype: "message_changed",
        message: { text: "Still broken!!", user: REQUESTER, ts: m.ts },
        previous_message: { text: "Still broken" },
        user: undefined,
      }),
    );
    await h.event(message("UOTHERBOT", card, "relay from another bot", { bot_id: "BOTHER", subtype: "bot_message" }));
    await h.event(message("UBOT", card, "our own relay", { bot_id: "BBOT" }));
    await h.settle();
    expect(await comments()).toEqual([{ body: "Still broken", internal: 0 }]);
    expect(inThread(card)).toEqual([TRIAGED, "rita commented on #1:\n&gt; Still broken"]);
  });

  it("a reply from someone who may not comment is answered only to them", async () => {
    const before = await counts(h.db);
    await h.event(message("USTRANGER", card, "me too"));
    await h.settle();
    expect((await counts(h.db)).comments).toBe(before.comments);
    expect(h.fake.of("chat.postEphemeral").map((c) => c.args)).toEqual([
      expect.objectContaining({
        user: "USTRANGER",
        channel: TRIAGE,
        thread_ts: card.ts,
        text: "Only agents can comment on other people's tickets; you are a requester.",
      }),
    ]);
  });
});
