// What working out a role costs each command: the full lookup (admins' overrides, people linked by email,
// group directories answering from their caches) against the whole command it runs before, in the same run
// on a desk of `people` people (default 20,000, half with an email shared with a Slack account).
import { systemClock } from "../src/core/clock.js";
import { Desk } from "../src/core/desk.js";
import { type GroupDirectory, TtlCache } from "../src/capabilities/roles/groups.js";
import { openDatabase } from "../src/store/connection.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { exampleSettings, tempDbPath } from "../test/helpers/desk.js";
import { timeIt } from "./timing.js";

/** A directory answering from a warm cache, as the Slack one does between refreshes. */
function cachedDirectory(scheme: string, platform: string, members: Set<string>): GroupDirectory {
  const cache = new TtlCache<Set<string>>(3_600_000);
  return { scheme, platform, memberOf: async (userId, groups) => ((await cache.get("g", async () => members)).has(userId) ? groups : []) };
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 5000);
  const people = Number(args[1] ?? 20_000);
  const { db } = openDatabase(tempDbPath());
  await migrateToLatest(db);
  const s = exampleSettings();
  const settings = { ...s, roles: { ...s.roles, agent: [...(s.roles.agent ?? []), "slack-group:S0AGENTS", "teams-group:g-agents", "slack:U00001"] } };
  const desk = new Desk({ db, clock: systemClock, settings });
  desk.roles.addDirectory(cachedDirectory("slack-group", "slack", new Set(["U00002"])));
  desk.roles.addDirectory(cachedDirectory("teams-group", "teams", new Set(["aad-2"])));
  for (let i = 0; i < people; i += 500) {
    const rows = [];
    for (let j = i; j < Math.min(people, i + 500); j++)
      rows.push({
        platform: j % 2 ? "teams" : "slack",
        user_id: j % 2 ? `aad-${j}` : `U${String(j).padStart(5, "0")}`,
        display_name: `p${j}`,
        email: j % 4 < 2 ? `p${j >> 1}@example.com` : null,
        tz: null,
        created_at: 0,
      });
    await db.insertInto("people").values(rows).execute();
  }
  await desk.handle({ actor: { platform: "console", userId: "carol" }, command: { kind: "create", title: "printer jams" } });
  const slackAgent = { platform: "slack", userId: "U00001", email: "p0@example.com" };
  const linked = { platform: "teams", userId: "aad-1", email: "p0@example.com" };
  const command = await timeIt(n, () => desk.handle({ actor: linked, command: { kind: "show", number: 1 } }));
  const byId = await timeIt(n, () => desk.roles.resolve(db, { platform: "console", userId: "ana" }));
  const byEmail = await timeIt(n, () => desk.roles.resolve(db, linked));
  const withGroups = await timeIt(n, () => desk.roles.resolve(db, slackAgent));
  console.log(`${n} lookups each, ${people} people on the desk\n`);
  console.log("| step | per s | p50 ms | p99 ms | share of the command |");
  console.log("|---|---|---|---|---|");
  const rows = [
    ["Desk.handle(show) with its role lookup (baseline)", command],
    ["role lookup: configured id, no email", byId],
    ["role lookup: Teams person linked by email to a Slack agent", byEmail],
    ["role lookup: Slack person, two group directories (cached)", withGroups],
  ] as const;
  for (const [label, r] of rows)
    console.log(`| ${label} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${((r.p50 / command.p50) * 100).toFixed(0)}% |`);
  await db.destroy();
}
