import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../src/core/clock.js";
import type { Actor, Command } from "../../src/core/commands.js";
import { filesDirBeside, standardCapabilities } from "../../src/capabilities/index.js";
import { Capabilities } from "../../src/core/capability.js";
import { Desk, type Capability, type Outcome } from "../../src/core/desk.js";
import type { Notifier } from "../../src/core/notify.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { parseSettings } from "../../src/settings.js";
import { openDatabase, type Db } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";

export const EXAMPLE_SETTINGS = "deskhand.example.yaml";

export function exampleSettings(): DeskSettings {
  return parseSettings(readFileSync(EXAMPLE_SETTINGS, "utf8"), EXAMPLE_SETTINGS);
}

/** The standard capabilities without a desk: their grammar and card buttons, for tests of parsing and clicks. */
export function capabilitiesOf(settings: DeskSettings = exampleSettings()): Capabilities {
  return new Capabilities(standardCapabilities(settings));
}

export function tempDbPath(name = "desk.db"): string {
  return join(mkdtempSync(join(tmpdir(), "deskhand-")), name);
}

/** A new open ticket's row as written straight to the table (no desk, no hooks): benchmarks and store tests. */
export function plainTicketRow(title: string, at: number, sourceKind = "test", description = "") {
  return {
    title,
    description,
    type: "incident",
    impact: "medium",
    urgency: "medium",
    priority: "P3",
    status: "new",
    requester_id: 1,
    tags: "[]",
    source_kind: sourceKind,
    created_at: at,
    updated_at: at,
  };
}

export interface TestDesk {
  desk: Desk;
  db: Db;
  clock: ManualClock;
  path: string;
  /** Runs a command as a console user ("operator" is an admin, "ana" and "bob" agents, anyone else a requester). */
  as(user: string, command: Command | string): Promise<Outcome>;
}

/** A desk as `npm start` assembles it (every standard capability), on a fresh SQLite file with the real migrations. */
/** `sla: true` adds SLA clocks (off by default so other tests' audit trails stay as the core writes them). */
export async function makeDesk(
  opts: { settings?: DeskSettings; notifiers?: Notifier[]; path?: string; capabilities?: Capability[]; sla?: boolean } = {},
): Promise<TestDesk> {
  const path = opts.path ?? tempDbPath();
  const { db } = openDatabase(path);
  await migrateToLatest(db);
  const clock = new ManualClock();
  const settings = opts.settings ?? exampleSettings();
  const desk = new Desk({
    db,
    clock,
    settings,
    notifiers: opts.notifiers ?? [],
    capabilities: opts.capabilities ?? standardCapabilities(opts.sla ? settings : { ...settings, sla: undefined }, clock, { filesDir: filesDirBeside(path) }),
  });
  return {
    desk,
    db,
    clock,
    path,
    as: (user, command) => desk.handle({ actor: consoleUser(user), command: typeof command === "string" ? desk.parse(command) : command }),
  };
}

export function consoleUser(name: string): Actor {
  return { platform: "console", userId: name, displayName: name };
}

/** The outcome's text, failing the test when the desk refused. */
export function ok(o: Outcome): Extract<Outcome, { ok: true }> {
  if (!o.ok) throw new Error(`expected success, got ${o.code}: ${o.text}`);
  return o;
}

export function refused(o: Outcome): Extract<Outcome, { ok: false }> {
  if (o.ok) throw new Error(`expected a refusal, got: ${o.text}`);
  return o;
}

export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ["tickets", "comments", "audit_events", "outbox", "people", "receipts"] as const) {
    const r = await db.selectFrom(t).select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}
