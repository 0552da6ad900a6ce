// Socket Mode: with SLACK_APP_TOKEN set, the adapter opens a connection through apps.connections.open (at
// SLACK_API_URL) and takes slash commands, interactions and events over it, acking each envelope.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SlackHandle } from "../../adapters/slack/app.js";
import { HttpServer } from "../../src/http/server.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { FakeSocketMode } from "../fakes/slack-socket.js";
import { makeDesk, type TestDesk } from "../helpers/desk.js";
import { AGENTS, REQUESTER, TRIAGE, addPeople, blockAction, slackSettings, slashCommand, startSlackApp } from "./harness.js";
import { committed } from "./durable.js";

let fake: FakeSlackApi;
let socket: FakeSocketMode;
let desk: TestDesk;
let slack: SlackHandle;
let http: HttpServer;
let port: number;

beforeEach(async () => {
  fake = await new FakeSlackApi().start();
  addPeople(fake);
  socket = await new FakeSocketMode().start();
  fake.socketUrl = socket.url;
  desk = await makeDesk({ settings: slackSettings() });
  http = new HttpServer();
  port = await http.listen(0, "127.0.0.1");
  slack = await startSlackApp(desk, http, fake, { config: { appToken: "xapp-1-A0001-test", triageChannel: TRIAGE } });
  await socket.connection();
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await slack.stop();
  await socket.stop();
  await http.close();
  await fake.stop();
  await desk.db.destroy();
});

const settle = async () => {
  await slack.idle();
  await slack.outbox.drainAll();
  await slack.idle();
};

describe("Socket Mode", () => {
  it("connects through apps.connections.open at SLACK_API_URL with the app token, and not over HTTP", async () => {
    expect(fake.of("apps.connections.open")).toHaveLength(1);
    const events = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "{}" });
    expect(events.status).toBe(404);
  });

  it("a slash command over the socket is acked and makes a ticket; a click and an @mention work the same way", async () => {
    const ack = await socket.send(
      "slash_commands",
      slashCommand("printer on floor 3 is jammed", { user: REQUESTER, userName: "rita", responseUrl: fake.responseUrl(1), triggerId: "1.1.trigger1" }),
    );
    expect(ack.envelope_id).toBe("env-1");
    await settle();
    const [t] = await desk.db.selectFrom("tickets").selectAll().execute();
    expect(t).toMatchObject({ id: 1, title: "printer on floor 3 is jammed", status: "new" });
    const ref = await desk.db.selectFrom("ticket_links").select("ref").where("role", "=", "card").executeTakeFirstOrThrow();
    const [channel, ts] = ref.ref.split(":");
    expect(channel).toBe(TRIAGE);
    const claim = blockAction(
      AGENTS.ana,
      { type: "button", action_id: "ticket.claim.1", value: JSON.stringify({ ticket: 1, verb: "claim" }), text: { type: "plain_text", text: "Claim" } },
      { channel: TRIAGE, ts: ts! },
    );
    await socket.send("interactive", claim);
    await settle();
    expect(await desk.db.selectFrom("tickets").select(["status"]).where("id", "=", 1).executeTakeFirstOrThrow()).toEqual({ status: "in_progress" });

    const at = "1700002000.000100";
    await socket.send("events_api", {
      token: "verification-token",
      team_id: "T0001",
      api_app_id: "A0001",
      event: { type: "app_mention", channel: "CGENERAL", user: REQUESTER, text: "<@UBOT> vpn drops every few minutes", ts: at, event_ts: at, team: "T0001" },
      type: "event_callback",
      event_id: "EvSocket1",
      event_time: 1700002000,
      authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    await settle();
    expect((await desk.db.selectFrom("tickets").select("title").orderBy("id").execute()).map((r) => r.title)).toEqual([
      "printer on floor 3 is jammed",
      "vpn drops every few minutes",
    ]);
    expect(socket.acks.map((a) => a.envelope_id)).toEqual(["env-1", "env-2", "env-3"]);
  });

  it("an envelope is acked only once its work is committed: a slash command's answer is in the ack, an event is in the inbox", async () => {
    // A slow capability: an ack sent before the commit would arrive before the ticket is in the file.
    desk.desk.addCapability({ name: "slow", afterChange: () => new Promise((r) => setTimeout(r, 300)) });
    const ack = await socket.send(
      "slash_commands",
      slashCommand("badge reader dead", { user: REQUESTER, userName: "rita", responseUrl: fake.responseUrl(2), triggerId: "2.1.trigger2" }),
    );
    expect(committed(desk.path, "SELECT id, title FROM tickets")).toEqual([{ id: 1, title: "badge reader dead" }]);
    expect(ack.payload).toEqual({ response_type: "ephemeral", text: expect.stringMatching(/^Opened #1 /) });
    const at = "1700002100.000100";
    await socket.send("events_api", {
      token: "verification-token",
      team_id: "T0001",
      api_app_id: "A0001",
      event: { type: "message", channel: "DREQ", channel_type: "im", user: REQUESTER, text: "mouse is dead", ts: at, event_ts: at, team: "T0001" },
      type: "event_callback",
      event_id: "EvSocket2",
      event_time: 1700002100,
      authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    expect(committed(desk.path, "SELECT key FROM inbox")).toEqual([{ key: "evt:EvSocket2" }]);
    await settle();
    expect(committed(desk.path, "SELECT title FROM tickets ORDER BY id")).toEqual([{ title: "badge reader dead" }, { title: "mouse is dead" }]);
  });
});
