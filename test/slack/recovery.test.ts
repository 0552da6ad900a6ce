// Slack after a kill: every outbox post carries its row key in message metadata; rows left in flight are
// looked for (conversations.history / .replies with include_all_metadata) and re-sent only if absent, and
// what a found message stands for (the triage card's ts, the incident status message) is recorded from it.
// The kill is simulated by a first life that queued the rows and left some `sending` with their call made
// (some of those posts reached the fake Slack, with their metadata), then a real start on the same file.
import { afterEach, describe, expect, it } from "vitest";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import { OUTBOX_EVENT_TYPE } from "../../adapters/slack/ids.js";
import { ManualClock } from "../../src/core/clock.js";
import type { Actor, Command } from "../../src/core/commands.js";
import { markCalled, markSending } from "../../src/store/outbox.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { makeDesk, ok, tempDbPath, capabilitiesOf } from "../helpers/desk.js";
import { AGENTS, REQUESTER, TRIAGE, slackSettings, startHarness, type Harness } from "./harness.js";

const caps = capabilitiesOf();

const ANA: Actor = { platform: "slack", userId: AGENTS.ana, displayName: "ana" };
const RITA: Actor = { platform: "slack", userId: REQUESTER, displayName: "rita" };
/** Where rita asked for #1: its confirmation is a reply in that thread. */
const ASKED = { channel: "CGENERAL", ts: "1700000000.000050" };
const STATUS = "CSTATUS";

let fake: FakeSlackApi;
let h: Harness | undefined;
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await h?.close();
  await fake.stop();
});

interface Killed {
  key: string;
  kind: string;
  target: string;
  /** Where the dead process's post landed, when it did. */
  landed?: string;
}

/** The process before the kill: queues the rows (no Slack adapter runs), then dies with some posts in flight. */
async function firstLife(path: string): Promise<{ killed: Killed[]; firstAttempt: number }> {
  const t = await makeDesk({ path, settings: slackSettings(), notifiers: [new SlackNotifier({ triageChannel: TRIAGE })] });
  const say = async (actor: Actor, command: Command | string, originRef?: string) =>
    ok(await t.desk.handle({ actor, command: typeof command === "string" ? caps.parse(command) : command, ...(originRef ? { originRef } : {}) }));
  await say(ANA, { kind: "incident", action: { kind: "subscribe", channel: STATUS } });
  await say(RITA, "vpn drops every hour", `${ASKED.channel}:${ASKED.ts}`);
  await say(RITA, "printer on fire");
  await say(ANA, "incident from 1");

  const first = async (kind: string, target: string) =>
    await t.db
      .selectFrom("outbox")
      .selectAll()
      .where("platform", "=", "slack")
      .where("kind", "=", kind)
      .where("target", "=", target)
      .orderBy("id")
      .executeTakeFirstOrThrow();
  const killed: Killed[] = [];
  // In flight at the kill, their calls made: three reached Slack (the answer was lost), two did not.
  const inFlight: [string, string, { channel: string; thread_ts?: string } | undefined][] = [
    ["card", "ticket:1", { channel: TRIAGE }],
    ["requester", "requester:1", { channel: ASKED.channel, thread_ts: ASKED.ts }],
    ["incident", `incident:${STATUS}`, { channel: STATUS }],
    ["card", "ticket:2", undefined],
    ["requester", "requester:2", undefined],
  ];
  for (const [kind, target, where] of inFlight) {
    const row = await first(kind, target);
    await markSending(t.db, row.id, t.clock.now());
    await markCalled(t.db, row.id, t.clock.now());
    const landed = where ? await postAsTheDeadProcess({ ...where, text: `${kind} for ${target}`, key: row.key }) : undefined;
    killed.push({ key: row.key, kind, target, ...(landed ? { landed } : {}) });
  }
  const firstAttempt = t.clock.now();
  await t.db.destroy();
  return { killed, firstAttempt };
}

/** The post the dead process made, as Slack received it (through the fake's real endpoint, so it is validated too). */
async function postAsTheDeadProcess(m: { channel: string; thread_ts?: string; text: string; key: string }): Promise<string> {
  const body = new URLSearchParams({
    channel: m.channel,
    text: m.text,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    metadata: JSON.stringify({ event_type: OUTBOX_EVENT_TYPE, event_payload: { key: m.key } }),
  });
  const r = (await (await fetch(`${fake.apiUrl}chat.postMessage`, { method: "POST", body, headers: { authorization: "Bearer xoxb-test" } })).json()) as {
    ok: boolean;
    channel: string;
    ts: string;
  };
  expect(r.ok).toBe(true);
  return `${r.channel}:${r.ts}`;
}

describe("Slack outbox after a kill", () => {
  it("finds the posts that landed (not re-sent; their card and status message refs recorded from them), re-sends the rest once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => new ManualClock().now(); // the desks' clock: message ts and the history window agree
    const path = tempDbPath();
    const { killed, firstAttempt } = await firstLife(path);
    const byKind = (kind: string, target: string) => killed.find((k) => k.kind === kind && k.target === target)!;
    const before = fake.calls.length;

    h = await startHarness({ path, fake });
    expect(h.logs).toContain("slack: 5 messages were in flight at the last stop; each is looked for in its channel and sent again only if absent");
    await h.settle();
    const calls = fake.calls.slice(before);

    // Every killed row is in Slack exactly once, and nothing else was posted twice either.
    for (const k of killed) expect(fake.history.withKey(k.key), `${k.kind} ${k.target}`).toHaveLength(1);
    const keys = fake.history.posted.map((p) => p.metadata?.event_payload.key);
    expect(keys.every((k) => typeof k === "string")).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    const postedNow = calls.filter((c) => c.method === "chat.postMessage");
    expect(postedNow.every((c) => JSON.parse(String(c.args.metadata)).event_type === OUTBOX_EVENT_TYPE)).toBe(true);
    for (const k of killed.filter((x) => x.landed)) expect(postedNow.some((c) => JSON.parse(String(c.args.metadata)).event_payload.key === k.key)).toBe(false);

    // The lookups: history for channel posts, replies for the thread reply, the DM found through conversations.open.
    const oldest = (c: { args: Record<string, unknown> }) => Number(c.args.oldest);
    const history = calls.filter((c) => c.method === "conversations.history");
    expect(history.map((c) => c.args.channel).sort()).toEqual(["CSTATUS", "CTRIAGE", "CTRIAGE", "DREQ"]);
    for (const c of history) {
      expect(c.args.include_all_metadata).toBe("true");
      expect(oldest(c)).toBeLessThan(firstAttempt / 1000);
      expect(oldest(c)).toBeGreaterThan(firstAttempt / 1000 - 600);
    }
    expect(calls.filter((c) => c.method === "conversations.replies").map((c) => [c.args.channel, c.args.ts, c.args.include_all_metadata])).toEqual([
      ["CGENERAL", ASKED.ts, "true"],
    ]);
    expect(calls.filter((c) => c.method === "conversations.open").map((c) => c.args.users)).toEqual([REQUESTER]);

    // What the found messages stand for is recorded from them: later changes update them in place.
    const links = await h.db.selectFrom("ticket_links").selectAll().where("platform", "=", "slack").orderBy("ticket_id").execute();
    expect(links.find((l) => l.ticket_id === 1 && l.role === "card")!.ref).toBe(byKind("card", "ticket:1").landed);
    expect(links.find((l) => l.ticket_id === 1 && l.role === "requester")!.ref).toBe(`${ASKED.channel}:${ASKED.ts}`);
    expect(links.find((l) => l.ticket_id === 2 && l.role === "requester")!.ref).toMatch(/^DREQ:/);
    const status = await h.db.selectFrom("incident_links").selectAll().executeTakeFirstOrThrow();
    expect(status.ref).toBe(byKind("incident", `incident:${STATUS}`).landed);
    expect(calls.filter((c) => c.method === "pins.add").map((c) => `${String(c.args.channel)}:${String(c.args.timestamp)}`)).toEqual([status.ref]);
    // A found card or status message is redrawn as things are now (later redraws were folded into its row).
    const updates = calls.filter((c) => c.method === "chat.update").map((c) => [`${String(c.args.channel)}:${String(c.args.ts)}`, String(c.args.text)]);
    expect(updates).toEqual(
      expect.arrayContaining([
        [byKind("card", "ticket:1").landed, expect.stringMatching(/^#1 vpn drops every hour — .*Incident: INC-1/)],
        [status.ref, expect.stringMatching(/^INC-1 vpn drops every hour: investigating/)],
      ]),
    );
    expect(updates.every(([ref]) => [byKind("card", "ticket:1").landed, status.ref].includes(ref))).toBe(true);

    const mark = fake.calls.length;
    await h.command("incident update 1 identified the VPN concentrator", AGENTS.ana);
    await h.settle();
    const after = fake.calls.slice(mark);
    expect(after.filter((c) => c.method === "chat.update" && c.args.channel === STATUS).map((c) => `${STATUS}:${String(c.args.ts)}`)).toEqual([status.ref]);
    expect(after.filter((c) => c.method === "chat.postMessage" && c.args.channel === STATUS)).toEqual([]);

    const rows = await h.db
      .selectFrom("outbox")
      .select(["key", "status", "recovery"])
      .where(
        "key",
        "in",
        killed.map((k) => k.key),
      )
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.key, [r.status, r.recovery]]))).toEqual(
      Object.fromEntries(killed.map((k) => [k.key, ["sent", k.landed ? "found" : "resent"]])),
    );
    const outbox = ok(await h.as("operator", "outbox")).text;
    expect(outbox).toContain("slack: 5 messages were in flight at a stop: 3 found already posted, not sent again; 2 not found, sent once");
  });

  it("a post whose answer was lost (HTTP 503 after Slack took it) is looked for before the retry, and posted once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => new ManualClock().now();
    h = await startHarness({ fake });
    fake.loseAnswer("chat.postMessage", 1);
    await h.command("printer on fire", REQUESTER);
    await h.settle();
    const card = await h.db.selectFrom("outbox").selectAll().where("kind", "=", "card").executeTakeFirstOrThrow();
    expect(card).toMatchObject({ status: "retrying", recovery: "lookup" });
    expect(fake.history.withKey(card.key)).toHaveLength(1); // Slack has it, though the bot never heard so

    h.clock.advance(60_000);
    await h.settle();
    expect(fake.history.withKey(card.key)).toHaveLength(1);
    expect(await h.db.selectFrom("outbox").select(["status", "recovery"]).where("id", "=", card.id).executeTakeFirstOrThrow()).toEqual({
      status: "sent",
      recovery: "found",
    });
    const link = await h.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow();
    expect(link.ref).toBe(`${TRIAGE}:${fake.history.withKey(card.key)[0]!.ts}`);
    expect(fake.of("conversations.history").map((c) => c.args.channel)).toEqual([TRIAGE]);
  });

  it("a post that times out (Slack took it, the answer never came in time) is looked for before the retry, and posted once", async () => {
    fake = await new FakeSlackApi().start();
    fake.tsClock = () => new ManualClock().now();
    h = await startHarness({ fake, callTimeoutMs: 300 });
    fake.answerDelayMs["chat.postMessage"] = 1500;
    await h.command("printer on fire", REQUESTER);
    await h.settle();
    delete fake.answerDelayMs["chat.postMessage"];
    const card = await h.db.selectFrom("outbox").selectAll().where("kind", "=", "card").executeTakeFirstOrThrow();
    expect(card).toMatchObject({ status: "retrying", recovery: "lookup" });
    expect(card.last_error).toMatch(/timeout/i);

    h.clock.advance(60_000);
    await h.settle();
    expect(fake.history.withKey(card.key)).toHaveLength(1);
    expect(await h.db.selectFrom("outbox").select(["status", "recovery"]).where("id", "=", card.id).executeTakeFirstOrThrow()).toEqual({
      status: "sent",
      recovery: "found",
    });
  });

  it("the fake Slack refuses malformed metadata (it is checked by hand: the 2021 spec predates it)", async () => {
    fake = await new FakeSlackApi().start();
    const body = new URLSearchParams({ channel: "C1", text: "hi", metadata: JSON.stringify({ event_type: "", payload: {} }) });
    const r = (await (await fetch(`${fake.apiUrl}chat.postMessage`, { method: "POST", body, headers: { authorization: "Bearer xoxb-test" } })).json()) as {
      ok: boolean;
      error: string;
    };
    expect(r).toMatchObject({ ok: false, error: "invalid_arguments" });
    expect(fake.violations).toEqual([
      "chat.postMessage: metadata.event_type must be a non-empty string",
      "chat.postMessage: metadata.event_payload must be an object",
      "chat.postMessage: metadata has unknown keys payload",
    ]);
    fake.violations.length = 0;
  });
});
