// Persist, then acknowledge, through the real Bolt app: at the moment Slack gets its 200, what the request
// asked for (or, for an event, the raw request in the inbox) is already in the SQLite file, as another
// connection sees it. Also: the inbox's replay at start-up, Slack's retries, requests nobody handles, and the
// protocol checks made before Bolt (a date ahead of the clock, a repeated form field, entity-escaped text).
import { afterEach, describe, expect, it } from "vitest";
import { storeRequest } from "../../src/store/inbox.js";
import { slackSignature } from "../fakes/slack-sign.js";
import { AGENTS, REQUESTER, SECRET, blockAction, slashCommand, startHarness, viewSubmission, type Harness } from "./harness.js";
import { committed } from "./durable.js";

let h: Harness | undefined;
afterEach(async () => {
  expect(h?.fake.violations ?? []).toEqual([]);
  await h?.close();
  h = undefined;
});

let seq = 0;
const ts = () => `1700003000.${String(++seq).padStart(6, "0")}`;
const dm = (text: string, at = ts()) => ({ type: "message", channel: "DREQ", channel_type: "im", user: REQUESTER, text, ts: at, event_ts: at, team: "T0001" });
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const slash = (text: string, extra: Record<string, string> = {}) =>
  form({ ...slashCommand(text, { user: REQUESTER, userName: "rita", responseUrl: "http://127.0.0.1:9/respond/x", triggerId: `${++seq}.1.t` }), ...extra });

/** Every change takes `ms` inside its transaction: an ack sent before the commit would be seen before the row. */
function slowChanges(ms: number): void {
  h!.desk.addCapability({ name: "slow", afterChange: () => new Promise((r) => setTimeout(r, ms)) });
}

describe("the ack follows the commit", () => {
  it("a card click: the change is in the file when Slack hears 200", async () => {
    h = await startHarness();
    await h.as("rita", "printer jams");
    slowChanges(300);
    const r = await h.interact(blockAction(AGENTS.ana, { type: "button", action_id: "ticket.claim.1", value: JSON.stringify({ ticket: 1, verb: "claim" }) }));
    expect(r.status).toBe(200);
    expect(committed(h.path, "SELECT status FROM tickets")).toEqual([{ status: "in_progress" }]);
  });

  it("a modal submission: the ticket is in the file when Slack hears 200", async () => {
    h = await startHarness();
    slowChanges(300);
    const r = await h.interact(
      viewSubmission(
        REQUESTER,
        { callback_id: "ticket_form", private_metadata: "{}" },
        { title: { title: { type: "plain_text_input", value: "Badge reader broken" } } },
      ),
    );
    expect([r.status, r.body]).toEqual([200, ""]);
    expect(committed(h.path, "SELECT title FROM tickets")).toEqual([{ title: "Badge reader broken" }]);
  });

  it("an event: the raw event is in the inbox at the ack, worked after it, and a retry of it doubles nothing", async () => {
    h = await startHarness();
    const at = ts();
    const r = await h.event(dm("monitor flickers -- since the update", at), { eventId: "EvDurable1" });
    expect(r.status).toBe(200);
    const stored = committed<{ key: string; body: string }>(h.path, "SELECT key, body FROM inbox");
    expect(stored.map((s) => s.key)).toEqual(["evt:EvDurable1"]);
    expect(JSON.parse(stored[0]!.body)).toMatchObject({
      kind: "event",
      body: { event_id: "EvDurable1", event: { text: "monitor flickers -- since the update" } },
    });
    // Slack retries (it did not hear us in time, say): the same event_id, X-Slack-Retry-Num 1 and 2.
    expect((await h.event(dm("monitor flickers -- since the update", at), { eventId: "EvDurable1", retryNum: 1 })).status).toBe(200);
    await h.settle();
    expect((await h.event(dm("monitor flickers -- since the update", at), { eventId: "EvDurable1", retryNum: 2 })).status).toBe(200);
    await h.settle();
    expect(committed(h.path, "SELECT title, description FROM tickets")).toEqual([{ title: "monitor flickers", description: "since the update" }]);
    expect(committed(h.path, "SELECT key, done_at IS NOT NULL AS done FROM inbox")).toEqual([{ key: "evt:EvDurable1", done: 1 }]);
    expect(h.fake.of("chat.postMessage").filter((c) => String(c.args.text).includes("I opened #1:"))).toHaveLength(1);
  });

  it("channel chatter outside ticket threads is acknowledged and not stored", async () => {
    h = await startHarness();
    const at = ts();
    expect(
      (await h.event({ type: "message", channel: "CGENERAL", channel_type: "channel", user: REQUESTER, text: "lunch?", ts: at, event_ts: at })).status,
    ).toBe(200);
    await h.settle();
    expect(committed(h.path, "SELECT key FROM inbox")).toEqual([]);
  });

  it("a failing command is answered in the ack, and nothing of it is kept", async () => {
    h = await startHarness();
    h.desk.addCapability({
      name: "broken",
      async afterChange() {
        throw new Error("hook exploded");
      },
    });
    const r = await h.command("vpn drops");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).text).toMatch(/^That failed on the desk's side, and nothing was changed/);
    expect(committed(h.path, "SELECT id FROM tickets")).toEqual([]);
  });
});

describe("a desk too far behind to commit within the ack budget", () => {
  it("/ticket: a command that takes a while to commit (300 ms) is still answered in the ack, not held", async () => {
    h = await startHarness();
    slowChanges(300);
    const r = await h.command("scanner offline");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).text).toMatch(/^Opened #1 \[P3 new\] scanner offline/);
    expect(committed(h.path, "SELECT count(*) AS n FROM inbox")).toEqual([{ n: 0 }]);
  });

  it("/ticket: the raw request is committed ahead of the queue and acked with a holding answer; the answer follows", async () => {
    // A backlog of nine tickets' cards into one channel: paced at Slack's 1 a second it would take most of the test's time.
    h = await startHarness({ ackBudgetMs: 200, rateScale: 20 });
    slowChanges(150);
    // A backlog of about 1.2 s of commands ahead of the /ticket.
    const backlog = Array.from({ length: 8 }, (_, i) => h!.as("operator", `backlog ${i}`));
    const r = await h.command("projector has no signal");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ response_type: "ephemeral", text: "Got it. The desk is busy, so your answer follows here in a moment." });
    // Acked after the budget and the command running then, not after the whole backlog.
    expect(r.ms).toBeLessThan(700);
    await Promise.all(backlog);
    // At the ack the request itself is in the file (the ticket is still being made).
    expect(committed(h.path, "SELECT json_extract(body, '$.kind') AS kind, json_extract(body, '$.body.text') AS text FROM inbox")).toEqual([
      { kind: "slash", text: "projector has no signal" },
    ]);
    await h.settle();
    expect(committed(h.path, "SELECT title FROM tickets WHERE title NOT LIKE 'backlog%'")).toEqual([{ title: "projector has no signal" }]);
    expect(h.fake.of("response_url").map((c) => c.args)).toEqual([
      { response_type: "ephemeral", text: expect.stringMatching(/^Opened #\d+ \[P3 new\] projector has no signal/) },
    ]);
    expect(committed(h.path, "SELECT done_at IS NOT NULL AS done FROM inbox")).toEqual([{ done: 1 }]);
  });

  it("a click: held the same way, and applied once", async () => {
    // A backlog of nine tickets' cards into one channel: paced at Slack's 1 a second it would take most of the test's time.
    h = await startHarness({ ackBudgetMs: 200, rateScale: 20 });
    await h.as("rita", "printer jams");
    slowChanges(150);
    const backlog = Array.from({ length: 8 }, (_, i) => h!.as("operator", `backlog ${i}`));
    const r = await h.interact(blockAction(AGENTS.ana, { type: "button", action_id: "ticket.claim.1", value: JSON.stringify({ ticket: 1, verb: "claim" }) }));
    expect([r.status, r.body]).toEqual([200, ""]);
    expect(r.ms).toBeLessThan(700);
    expect(committed(h.path, "SELECT json_extract(body, '$.kind') AS kind FROM inbox")).toEqual([{ kind: "click" }]);
    await Promise.all(backlog);
    await h.settle();
    expect(committed(h.path, "SELECT status FROM tickets WHERE id = 1")).toEqual([{ status: "in_progress" }]);
    expect(committed(h.path, "SELECT count(*) AS n FROM audit_events WHERE action = 'claimed' AND field = 'assignee'")).toEqual([{ n: 1 }]);
    expect(committed(h.path, "SELECT done_at IS NOT NULL AS done FROM inbox")).toEqual([{ done: 1 }]);
  });
});

describe("the inbox at start-up", () => {
  it("works a held /ticket that a stop left unworked, and answers it through response_url", async () => {
    const first = await startHarness();
    const path = first.path;
    await first.close();
    const { openDatabase } = await import("../../src/store/connection.js");
    const { db } = openDatabase(path);
    const command = slashCommand("scanner &amp; fax offline", { user: REQUESTER, userName: "rita", responseUrl: "", triggerId: "77.1.held" });
    await storeRequest(db, { platform: "slack", key: "cmd:77.1.held", body: JSON.stringify({ kind: "slash", body: command }), at: Date.now() });
    await db.destroy();

    h = await startHarness({ path });
    // The response_url is the fake's (set now the fake is up): Slack's stays good for 30 minutes.
    await h.db
      .updateTable("inbox" as never)
      .set({ body: JSON.stringify({ kind: "slash", body: { ...command, response_url: h.fake.responseUrl("held") } }) } as never)
      .execute();
    expect(await h.slack.replayInbox()).toBe(1);
    await h.settle();
    expect(committed(path, "SELECT title FROM tickets")).toEqual([{ title: "scanner & fax offline" }]);
    expect(h.fake.of("response_url").map((c) => c.args.text)).toEqual([expect.stringMatching(/^Opened #1 /)]);
    expect(committed(path, "SELECT done_at IS NOT NULL AS done FROM inbox")).toEqual([{ done: 1 }]);
  });

  it("works an event that was acknowledged but not worked before a stop, once", async () => {
    const first = await startHarness();
    const path = first.path;
    const at = ts();
    await first.close();
    // The state a kill leaves right after the ack: the raw event stored, nothing else.
    const { openDatabase } = await import("../../src/store/connection.js");
    const { db } = openDatabase(path);
    const body = {
      token: "t",
      team_id: "T0001",
      api_app_id: "A0001",
      type: "event_callback",
      event_id: "EvReplay1",
      event_time: 1700003000,
      event: dm("keyboard missing keys", at),
    };
    await storeRequest(db, { platform: "slack", key: "evt:EvReplay1", body: JSON.stringify({ kind: "event", body }), at: Date.now() });
    await db.destroy();

    h = await startHarness({ path });
    expect(await h.slack.replayInbox()).toBe(1);
    await h.settle();
    expect(committed(path, "SELECT title FROM tickets")).toEqual([{ title: "keyboard missing keys" }]);
    expect(committed(path, "SELECT done_at IS NOT NULL AS done FROM inbox")).toEqual([{ done: 1 }]);
    expect(h.fake.of("chat.postMessage").filter((c) => c.args.channel === "DREQ" && c.args.thread_ts === at)).toHaveLength(1);
    // Replayed again (a second restart): nothing is left to work.
    expect(await h.slack.replayInbox()).toBe(0);
  });

  it("an event whose command committed but whose row was not finished acts once when replayed", async () => {
    h = await startHarness();
    await h.event(dm("docking station dead"), { eventId: "EvReplay2" });
    await h.settle();
    // The crash window between the command's commit and the row's finish.
    await h.db
      .updateTable("inbox" as never)
      .set({ done_at: null } as never)
      .execute();
    expect(await h.slack.replayInbox()).toBe(1);
    await h.settle();
    expect(committed(h.path, "SELECT title FROM tickets")).toEqual([{ title: "docking station dead" }]);
    expect(committed(h.path, "SELECT done_at IS NOT NULL AS done FROM inbox")).toEqual([{ done: 1 }]);
  });
});

describe("requests nobody here handles", () => {
  it("another app's slash command, an unknown shortcut, view_closed and an unknown modal are acked at once with nothing done", async () => {
    h = await startHarness();
    const user = { id: REQUESTER, username: "rita", name: "rita", team_id: "T0001" };
    const replies = [
      await h.post(slash("sunny?", { command: "/weather" }), "application/x-www-form-urlencoded"),
      await h.post(
        form({
          payload: JSON.stringify({
            type: "shortcut",
            token: "t",
            action_ts: "1.2",
            team: { id: "T0001", domain: "x" },
            user,
            callback_id: "someone_elses",
            trigger_id: "9.9.t",
          }),
        }),
        "application/x-www-form-urlencoded",
      ),
      await h.post(
        form({
          payload: JSON.stringify({
            type: "view_closed",
            team: { id: "T0001", domain: "x" },
            user,
            api_app_id: "A0001",
            view: { id: "VX", callback_id: "ticket_form", type: "modal", state: { values: {} } },
            is_cleared: false,
          }),
        }),
        "application/x-www-form-urlencoded",
      ),
      await h.interact(viewSubmission(REQUESTER, { callback_id: "not_ours" }, {})),
    ];
    expect(replies.map((r) => [r.status, r.body])).toEqual([
      [200, ""],
      [200, ""],
      [200, ""],
      [200, ""],
    ]);
    // At once: not after Bolt's 2.5 s wait for a listener that never comes.
    for (const r of replies) expect(r.ms).toBeLessThan(1500);
    await h.settle();
    expect(committed(h.path, "SELECT count(*) AS n FROM tickets")).toEqual([{ n: 0 }]);
    expect(h.logs.filter((l) => /error|unhandled/i.test(l))).toEqual([]);
  });
});

describe("protocol checks", () => {
  it("a signed request dated 6 minutes ahead (or behind) is refused with 401; 4 minutes ahead is within the window", async () => {
    h = await startHarness();
    const now = Math.floor(Date.now() / 1000);
    const at = async (offset: number) => {
      const body = slash(`printer ${offset}`);
      const stamp = now + offset;
      return (
        await h!.post(body, "application/x-www-form-urlencoded", {
          "x-slack-request-timestamp": String(stamp),
          "x-slack-signature": slackSignature(SECRET, stamp, body),
        })
      ).status;
    };
    expect([await at(6 * 60), await at(-6 * 60), await at(4 * 60)]).toEqual([401, 401, 200]);
    expect(committed(h.path, "SELECT title FROM tickets")).toEqual([{ title: "printer 240" }]);
  });

  it("a form with a repeated field gets a clear answer, not a TypeError, and does nothing", async () => {
    h = await startHarness();
    const twice = `${slash("printer jams")}&text=${encodeURIComponent("claim 1")}`;
    const r = await h.post(twice, "application/x-www-form-urlencoded");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      response_type: "ephemeral",
      text: 'The request was malformed: "text" was sent more than once. Nothing was done; please try again.',
    });
    const payloadTwice = `${form({ payload: "{}" })}&payload=%7B%7D`;
    const p = await h.post(payloadTwice, "application/x-www-form-urlencoded");
    expect([p.status, p.body]).toEqual([400, 'The request was malformed: "payload" was sent more than once. Nothing was done; please try again.']);
    // Unsigned, it is only a 401 like any unsigned request.
    const unsigned = await fetch(h.url, {
      method: "POST",
      body: twice,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)),
        "x-slack-signature": "v0=00",
      },
    });
    expect(unsigned.status).toBe(401);
    await h.settle();
    expect(committed(h.path, "SELECT count(*) AS n FROM tickets")).toEqual([{ n: 0 }]);
    expect(h.logs.some((l) => l.includes("TypeError"))).toBe(false);
  });

  it("stores /ticket text as typed: Slack's entities are decoded on the way in, escaped once on the way out; mentions stay mentions", async () => {
    h = await startHarness();
    // should_escape: true in the manifest, so Slack sends & < > as entities, and a mention as a token.
    const r = await h.command("Printer &amp; scanner show &lt;error 42&gt;");
    expect(JSON.parse(r.body).text).toContain("Printer &amp; scanner show &lt;error 42&gt;");
    expect(JSON.parse(r.body).text).not.toContain("&amp;amp;");
    await h.settle();
    expect(committed(h.path, "SELECT title FROM tickets")).toEqual([{ title: "Printer & scanner show <error 42>" }]);
    const card = h.fake.of("chat.postMessage").find((c) => c.args.channel === "CTRIAGE")!;
    expect(card.blocks![0]).toMatchObject({ type: "header", text: { type: "plain_text", text: "#1 Printer & scanner show <error 42>" } });
    expect(JSON.stringify(card.args)).not.toContain("&amp;amp;");
    await h.command(`assign 1 <@${AGENTS.bob}|bob>`, AGENTS.ana);
    await h.settle();
    const assignee = committed<{ user_id: string }>(h.path, "SELECT p.user_id FROM tickets t JOIN people p ON p.id = t.assignee_id");
    expect(assignee).toEqual([{ user_id: AGENTS.bob }]);
  });
});
