// Teams adapter overhead: activities per second through POST /api/messages (the Agents SDK's CloudAdapter,
// the bot, the desk, the in-turn reply to a local fake Bot Connector) against a baseline doing the same
// work without the SDK (Desk.handle, then one plain POST of the reply to the same fake), in the same run.
// The adapter's figures include its checks (the activity's shape, escaping every card) and answering only
// after the commit.
import { startTeams } from "../adapters/teams/app.js";
import { ManualClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { HttpServer } from "../src/http/server.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { FakeBotConnector } from "../test/fakes/bot-connector.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";
import { timeIt, type Timing } from "./timing.js";

async function freshDesk() {
  const { db } = openDatabase(tempDbPath());
  await migrateToLatest(db);
  const clock = new ManualClock();
  const settings = exampleSettings();
  return {
    db,
    clock,
    desk: new Desk({ db, clock, settings: { ...settings, roles: { ...settings.roles, agent: [...(settings.roles.agent ?? []), "teams:aad-agent"] } } }),
  };
}

const from = (id: string) => ({ id: `29:${id}`, name: id, aadObjectId: `aad-${id}` });

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 300);
  const connector = new FakeBotConnector();
  const serviceUrl = await connector.start();
  const conversation = { conversationType: "personal", tenantId: "t1", id: "a:bench-chat" };
  const activity = (i: number, extra: Record<string, unknown>) => ({
    type: "message",
    id: `m${i}`,
    channelId: "msteams",
    serviceUrl,
    from: from("requester"),
    recipient: { id: "28:bot", name: "Deskhand" },
    conversation,
    ...extra,
  });

  // Baseline: the desk and one reply POST, no SDK.
  const a = await freshDesk();
  const baseline = await timeIt(n, async (i) => {
    await a.desk.handle({
      actor: { platform: "teams", userId: "aad-requester" },
      command: { kind: "create", title: `printer ${i} jams` },
      idempotencyKey: `b:${i}`,
    });
    await fetch(`${serviceUrl}v3/conversations/${encodeURIComponent(conversation.id)}/activities`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "ok" }),
    });
  });

  // The adapter: the same tickets opened by real-format activities, then claimed by Action.Execute invokes.
  const b = await freshDesk();
  const http = new HttpServer();
  const port = await http.listen(0, "127.0.0.1");
  const teams = await startTeams({
    desk: b.desk,
    config: { teams: { appType: "MultiTenant" } },
    http,
    clock: b.clock,
    log: () => undefined,
    outbox: { intervalMs: 3_600_000 },
  });
  teams.worker.stop();
  const post = async (body: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (r.status !== 200) throw new Error(`status ${r.status}`);
    await r.arrayBuffer();
  };
  const messages = await timeIt(n, (i) => post(activity(i, { text: `printer ${i} jams` })));
  const invokes = await timeIt(n, (i) =>
    post({
      ...activity(n + i, {}),
      type: "invoke",
      name: "adaptiveCard/action",
      from: from("agent"),
      value: { action: { type: "Action.Execute", verb: "claim", data: { verb: "claim", ticketId: i + 1 } }, trigger: "manual" },
    }),
  );
  const tickets = await b.db.selectFrom("tickets").select(b.db.fn.countAll<number>().as("n")).where("status", "=", "in_progress").executeTakeFirstOrThrow();
  if (Number(tickets.n) !== n) throw new Error(`expected ${n} claimed tickets, found ${tickets.n}`);

  await teams.stop();
  await http.close();
  await connector.close();
  await a.db.destroy();
  await b.db.destroy();

  const rows: [string, Timing][] = [
    ["Desk.handle + one reply POST (baseline)", baseline],
    ["message -> ticket through /api/messages", messages],
    ["Action.Execute claim through /api/messages", invokes],
  ];
  console.log(`${n} activities each, one at a time\n`);
  console.log("| path | activities/s | p50 ms | p99 ms | time vs baseline |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, t] of rows)
    console.log(`| ${name} | ${t.perSec.toFixed(0)} | ${t.p50.toFixed(2)} | ${t.p99.toFixed(2)} | ${(baseline.perSec / t.perSec).toFixed(2)}x |`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
