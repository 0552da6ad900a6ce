// No single command can take the desk down (issue 16, part 5): a capability's hook that throws fails that
// command alone. The person hears a clear refusal, nothing the command did stays, the failure is logged as
// one line, and the desk serves the next command. Every hook of every standard capability is tried.
import { describe, expect, it } from "vitest";
import type { Command } from "../../src/core/commands.js";
import { filesDirBeside, standardCapabilities } from "../../src/capabilities/index.js";
import { ManualClock } from "../../src/core/clock.js";
import { Desk, type Outcome } from "../../src/core/desk.js";
import { rateCommand } from "../../src/capabilities/satisfaction/index.js";
import { openDatabase } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { approvalSettings } from "../capabilities/approvals/setup.js";
import { consoleUser, counts, exampleSettings, ok, tempDbPath } from "../helpers/desk.js";

type Hook = "afterChange" | "enrich" | "command" | "prepare";
const HOOKS: Hook[] = ["afterChange", "enrich", "command", "prepare"];

/** The command that reaches each capability's own verbs, and who may run it. */
const VERBS: Record<string, [string, Command | string]> = {
  triage: ["ana", "triage 1"],
  knowledge: ["ana", "kb printer"],
  reports: ["ana", "report 7d"],
  satisfaction: ["carol", rateCommand(1, "4")!],
  outbox: ["operator", "outbox"],
  roles: ["operator", "role @ana"],
  audit: ["operator", "audit export 2026-01-01 2026-01-02"],
  approvals: ["ana", "approvals"],
};

/** Every standard capability, with approvals and SLA on, and a switch that makes one hook throw once. */
async function sabotagedDesk(capability: string, hook: Hook) {
  const settings = approvalSettings(exampleSettings());
  const clock = new ManualClock();
  const path = tempDbPath();
  const capabilities = standardCapabilities(settings, clock, { filesDir: filesDirBeside(path) });
  const target = capabilities.find((x) => x.name === capability)!;
  const armed = { on: false };
  const original = (target[hook] as (...a: unknown[]) => Promise<unknown>).bind(target);
  (target as unknown as Record<Hook, unknown>)[hook] = async (...a: unknown[]) => {
    if (armed.on) {
      armed.on = false;
      throw new TypeError(`${capability}.${hook} exploded`);
    }
    return original(...a);
  };
  const { db } = openDatabase(path);
  await migrateToLatest(db);
  const logs: string[] = [];
  const desk = new Desk({ db, clock, settings, capabilities, log: (m) => logs.push(m) });
  const as = (user: string, c: Command | string): Promise<Outcome> =>
    desk.handle({ actor: consoleUser(user), command: typeof c === "string" ? desk.parse(c) : c });
  return { desk, db, logs, armed, as };
}

const cases = standardCapabilities(approvalSettings(exampleSettings())).flatMap((x) =>
  HOOKS.filter((h) => typeof x[h] === "function").map((h) => [x.name, h] as const),
);

describe("a capability's hook that throws", () => {
  it("is tried for every capability the desk runs with", () => {
    expect(new Set(cases.map(([name]) => name))).toEqual(
      new Set(["triage", "sla", "incidents", "approvals", "knowledge", "reports", "roles", "alerts", "audit", "satisfaction", "outbox"]),
    );
  });

  it.each(cases)("%s.%s: that command is refused clearly, nothing it did stays, one log line, and the next command is served", async (capability, hook) => {
    const t = await sabotagedDesk(capability, hook);
    // A ticket to act on (resolved, so it can be rated), made before the hook is armed.
    ok(await t.as("carol", "printer on 3rd floor jams"));
    ok(await t.as("ana", "resolve 1 cleared the paper path"));
    const [user, command] = hook === "afterChange" ? ["carol", "vpn drops every ten minutes"] : hook === "enrich" ? ["ana", "show 1"] : VERBS[capability]!;
    const before = await counts(t.db);
    t.logs.length = 0;
    t.armed.on = true;
    const failed = await t.as(user, command);
    expect(t.armed.on).toBe(false); // the hook was reached
    expect(failed).toMatchObject({ ok: false, code: "COMMAND_FAILED" });
    const ref = /\(ref ([a-z0-9]+)\)\.$/.exec((failed as { text: string }).text)?.[1];
    expect((failed as { text: string }).text).toBe(
      `That failed on the desk's side, and nothing was changed. Try again later; if it keeps failing, tell the desk's admins (ref ${ref}).`,
    );
    expect(await counts(t.db)).toEqual(before);
    expect(t.logs).toHaveLength(1);
    expect(t.logs[0]).toMatch(new RegExp(`^command .+ by console:${user} failed \\(ref ${ref}\\): TypeError: ${capability}\\.${hook} exploded \\(at .+\\)$`));
    // The desk goes on: the same command, the hook no longer throwing, is served.
    const next = await t.as(user, command);
    expect(next.ok || (next as { code: string }).code !== "COMMAND_FAILED").toBe(true);
    await t.db.destroy();
  });

  it("in a batch of commands committed together, fails its own command only", async () => {
    const t = await sabotagedDesk("triage", "afterChange");
    t.armed.on = true;
    const outcomes = await Promise.all(["printer jams", "vpn drops", "mouse is dead"].map((text, i) => t.as(`user${i}`, text)));
    expect(outcomes.map((o) => o.ok)).toEqual([false, true, true]);
    expect((await t.db.selectFrom("tickets").select("title").orderBy("id").execute()).map((r) => r.title)).toEqual(["vpn drops", "mouse is dead"]);
    await t.db.destroy();
  });
});
