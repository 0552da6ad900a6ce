// One desk, two platforms: the real Bolt app and the real Agents SDK adapter share one desk and one HTTP
// server, each talking to its own fake platform server (the setup of the tests in this folder).
import { expect } from "vitest";
import type { SlackHandle } from "../../adapters/slack/app.js";
import { startTeams, type TeamsHandle } from "../../adapters/teams/app.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { HttpServer } from "../../src/http/server.js";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { FakeSlackApi } from "../fakes/slack-api.js";
import { makeDesk, type TestDesk } from "../helpers/desk.js";
import { TRIAGE, startSlackApp } from "../slack/harness.js";
import type { Harness as TeamsHarness } from "../teams/harness.js";

export interface TwoPlatforms {
  t: TestDesk;
  http: HttpServer;
  slackApi: FakeSlackApi;
  connector: FakeBotConnector;
  slack: SlackHandle;
  teams: TeamsHandle;
  /** The shared server's base URL. */
  base: string;
  /** The pieces of the Teams test harness the Teams flows need, on the shared server. */
  teamsSide(): TeamsHarness;
  /** Waits for both adapters' after-ack work and drains both outboxes, a few rounds (a card before its thread). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** `slackUsers`: the people the fake Slack knows by id (users.info). */
export async function twoPlatforms(o: { settings: DeskSettings; slackUsers: Record<string, { name: string; email: string }> }): Promise<TwoPlatforms> {
  const slackApi = await new FakeSlackApi().start();
  for (const [id, u] of Object.entries(o.slackUsers)) slackApi.users.set(id, u);
  const connector = new FakeBotConnector();
  await connector.start();
  const t = await makeDesk({ settings: o.settings });
  const http = new HttpServer();
  const base = `http://127.0.0.1:${await http.listen(0, "127.0.0.1")}`;
  const log = () => undefined;
  const slack = await startSlackApp(t, http, slackApi, { config: { triageChannel: TRIAGE }, log });
  const teams = await startTeams({
    desk: t.desk,
    config: { teams: { appType: "MultiTenant" } },
    http,
    clock: t.clock,
    log,
    outbox: { intervalMs: 60_000, backoffMs: 5 },
  });
  return {
    t,
    http,
    slackApi,
    connector,
    slack,
    teams,
    base,
    teamsSide: () =>
      ({
        connector,
        post: async (activity: Record<string, unknown>) => {
          const res = await fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
          const text = await res.text();
          return { status: res.status, body: text ? JSON.parse(text) : undefined };
        },
      }) as unknown as TeamsHarness,
    async settle() {
      for (let i = 0; i < 4; i++) {
        await slack.idle();
        await slack.outbox.drainAll();
        await teams.worker.drainAll();
      }
    },
    async close() {
      expect(slackApi.violations).toEqual([]);
      await slack.stop();
      await teams.stop();
      await http.close();
      await slackApi.stop();
      await connector.close();
      await t.db.destroy();
    },
  };
}
