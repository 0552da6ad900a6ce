// The weekly digest, scheduled with a ManualClock: not before its time, once at it, not again after a restart,
// and delivered through the outbox to Slack (the upload flow) and Teams (a card), each through its fake server.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SlackHandle } from "../../../adapters/slack/app.js";
import { startTeams, type TeamsHandle } from "../../../adapters/teams/app.js";
import { DigestScheduler, lastDue } from "../../../src/capabilities/reports/digest.js";
import type { DigestSettings } from "../../../src/capabilities/reports/settings.js";
import { HttpServer } from "../../../src/http/server.js";
import { parseSettings } from "../../../src/settings.js";
import { FakeBotConnector } from "../../fakes/bot-connector.js";
import { FakeSlackApi } from "../../fakes/slack-api.js";
import { makeDesk, type TestDesk } from "../../helpers/desk.js";
import { slackSettings, startSlackApp } from "../../slack/harness.js";
import { install } from "../../teams/flows.js";
import { CHANNEL, cardText, expectValidCard, type Harness as TeamsHarness } from "../../teams/harness.js";

const DIGEST: DigestSettings = { every: "weekly", day: "monday", time: "09:00", tz: "Europe/Paris", slack_channel: "CDIGEST", teams_channel: CHANNEL };
/** Monday 30 November 2026, 09:00 in Paris (08:00 UTC). */
const DUE = Date.UTC(2026, 10, 30, 8, 0);

let t: TestDesk;
let http: HttpServer;
let slackApi: FakeSlackApi;
let connector: FakeBotConnector;
let slack: SlackHandle;
let teams: TeamsHandle;
let base: string;

async function startPlatforms(desk: TestDesk) {
  slack = await startSlackApp(desk, http, slackApi);
  teams = await startTeams({
    desk: desk.desk,
    config: { teams: { appType: "MultiTenant" }, publicUrl: base },
    http,
    clock: desk.clock,
    log: () => undefined,
    outbox: { intervalMs: 60_000, backoffMs: 5 },
  });
}
async function stopPlatforms() {
  await slack.stop();
  await teams.stop();
}

beforeEach(async () => {
  slackApi = await new FakeSlackApi().start();
  connector = new FakeBotConnector();
  await connector.start();
  t = await makeDesk({ settings: { ...slackSettings(), reports: { digest: DIGEST } } });
  http = new HttpServer();
  base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  await startPlatforms(t);
  // The app is installed in the Teams channel the digest goes to (that is how the bot can reach it).
  await install({
    connector,
    post: async (a: Record<string, unknown>) =>
      fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(a) }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      })),
  } as unknown as TeamsHarness);
});
afterEach(async () => {
  expect(slackApi.violations).toEqual([]);
  await stopPlatforms();
  await http.close();
  await slackApi.stop();
  await connector.close();
  await t.db.destroy();
});

const digestRows = () => t.db.selectFrom("outbox").selectAll().where("key", "like", "digest:%").orderBy("id").execute();
async function deliver() {
  for (let i = 0; i < 3; i++) {
    await slack.outbox.drainAll();
    await teams.worker.drainAll();
  }
}

describe("weekly digest", () => {
  it("finds the latest Monday 09:00 in the digest's zone", () => {
    expect(lastDue(DIGEST, "Europe/Paris", DUE)).toBe(DUE);
    expect(lastDue(DIGEST, "Europe/Paris", DUE - 1)).toBe(DUE - 7 * 86_400_000);
    expect(lastDue(DIGEST, "Europe/Paris", DUE + 3 * 86_400_000)).toBe(DUE);
    expect(lastDue({ ...DIGEST, every: "daily" }, "Europe/Paris", DUE + 86_400_000 - 1)).toBe(DUE);
    // Across the spring clock change: 09:00 Paris is 07:00 UTC in summer.
    expect(lastDue(DIGEST, "Europe/Paris", Date.UTC(2027, 3, 5, 12))).toBe(Date.UTC(2027, 3, 5, 7));
  });

  it("is not sent before its time, is sent once at it to both platforms, and not again after a restart", async () => {
    // Last week's tickets: two opened, one resolved.
    t.clock.set(DUE - 3 * 86_400_000);
    await t.as("carol", "printer on 3rd floor jams");
    await t.as("dave", "vpn drops every few minutes");
    await t.as("ana", "resolve 1 Cleared the paper path");
    const scheduler = new DigestScheduler(t.desk, DIGEST, t.clock);

    t.clock.set(DUE - 60_000);
    expect(await scheduler.tick()).toBe(false);
    expect(await digestRows()).toEqual([]);

    t.clock.set(DUE);
    expect(await scheduler.tick()).toBe(true);
    expect(await scheduler.tick()).toBe(false);
    const rows = await digestRows();
    expect(rows.map((r) => [r.platform, r.kind, r.key])).toEqual([
      ["slack", "file", "digest:weekly:2026-11-30:slack"],
      ["teams", "file", "digest:weekly:2026-11-30:teams"],
    ]);
    await deliver();
    expect((await digestRows()).map((r) => r.status)).toEqual(["sent", "sent"]);

    // Slack: the chart uploaded and shared in the digest channel, the figures as its comment.
    const [done] = slackApi.of("files.completeUploadExternal");
    expect(done!.args.channel_id).toBe("CDIGEST");
    expect(String(done!.args.initial_comment)).toMatch(
      /^IT Help Desk weekly digest\nReport: last 7 days \(2026-11-23 to 2026-11-29\), all teams; each figure is followed by the previous 7 days \(2026-11-16 to 2026-11-22\)\n {2}Opened: 2; previous 7 days: 0\n/,
    );
    const [upload] = [...slackApi.uploads.values()];
    expect(upload!.bytes!.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(JSON.parse(String(done!.args.files))).toEqual([{ id: upload!.id, title: "Tickets, week to 2026-11-29" }]);

    // Teams: a card in the channel with the figures and the chart, linked from our server.
    const posted = connector.sent().filter((c) => c.conversationId === CHANNEL && cardText(c.body.attachments?.[0]?.content).includes("weekly digest"));
    expect(posted).toHaveLength(1);
    const card = posted[0]!.body.attachments[0].content;
    expectValidCard(card);
    expect(cardText(card)).toContain("Opened: 2");
    const image = JSON.stringify(card).match(/"url":"(http:[^"]+\/files\/[A-Za-z0-9_-]{32})"/)![1]!;
    const png = await fetch(image);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await png.arrayBuffer()).equals(upload!.bytes!)).toBe(true);

    // A restart (a new desk and scheduler on the same database file) a few minutes later sends nothing more.
    await stopPlatforms();
    const again = await makeDesk({ settings: t.desk.settings, path: t.path });
    again.clock.set(DUE + 5 * 60_000);
    const restarted = new DigestScheduler(again.desk, DIGEST, again.clock);
    expect(await restarted.catchUp()).toBe(false);
    expect(await digestRows()).toHaveLength(2);
    await again.db.destroy();
    await startPlatforms(t);
  });

  it("one missed while the desk was down goes out at start within the grace; a long-missed one waits for next week", async () => {
    t.clock.set(DUE + 3 * 3_600_000);
    const late = new DigestScheduler(t.desk, DIGEST, t.clock);
    expect(await late.catchUp()).toBe(true);
    expect(await digestRows()).toHaveLength(2);

    t.clock.set(DUE + 7 * 86_400_000 + 13 * 3_600_000);
    expect(await late.tick()).toBe(false);
    t.clock.set(DUE + 14 * 86_400_000);
    expect(await late.tick()).toBe(true);
    expect((await digestRows()).map((r) => r.key)).toEqual([
      "digest:weekly:2026-11-30:slack",
      "digest:weekly:2026-11-30:teams",
      "digest:weekly:2026-12-14:slack",
      "digest:weekly:2026-12-14:teams",
    ]);
  });

  it("the settings file names a bad time, a missing destination or a bad zone by line", () => {
    const yaml = (digest: string) => `desk:\n  name: Test\nreports:\n  digest:\n${digest}`;
    expect(parseSettings(yaml('    day: friday\n    time: "16:30"\n    slack_channel: C0123ABCD\n'), "d.yaml").reports?.digest).toEqual({
      every: "weekly",
      day: "friday",
      time: "16:30",
      slack_channel: "C0123ABCD",
    });
    expect(() => parseSettings(yaml('    time: "9am"\n    slack_channel: C0123ABCD\n'), "d.yaml")).toThrow(
      /^d\.yaml:5: reports\.digest\.time: expected a 24-hour time such as "09:00"/,
    );
    expect(() => parseSettings(yaml("    day: monday\n"), "d.yaml")).toThrow(/^d\.yaml:5: reports\.digest: name slack_channel, teams_channel or both/);
    expect(() => parseSettings(yaml('    tz: Mars/Olympus\n    teams_channel: "19:abc@thread.tacv2"\n'), "d.yaml")).toThrow(
      /^d\.yaml:5: reports\.digest\.tz: "Mars\/Olympus" is not a time zone/,
    );
  });
});
