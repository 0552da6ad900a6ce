import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ManualClock } from "../../src/core/clock.js";
import type { Actor, Command } from "../../src/core/commands.js";
import { filesDirBeside, standardExtensions } from "../../src/core/capabilities.js";
import { Desk, type Extension, type Outcome } from "../../src/core/desk.js";
import type { Notifier } from "../../src/core/notify.js";
import type { DeskSettings } from "../../src/core/settings.js";
import { parseSettings } from "../../src/settings.js";
import { openDatabase, type Db } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";

export const EXAMPLE_SETTINGS = "deskhand.example.yaml";

export function exampleSettings(): DeskSettings {
  return parseSettings(readFileSync(EXAMPLE_SETTINGS, "utf8"), EXAMPLE_SETTINGS);
}

export function tempDbPath(name = "desk.db"): string {
  return join(mkdtempSync(join(tmpdir(), "deskhand-")), name);
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
export async function makeDesk(opts: { settings?: DeskSettings; notifiers?: Notifier[]; path?: string; extensions?: Extension[]; sla?: boolean } = {}): Promise<TestDesk> {
  const path = opts.path ?? tempDbPath();
  const { db } = openDatabase(path);
  await migrateToLatest(db);
  const clock = new ManualClock();
  const settings = opts.settings ?? exampleSettings();
  const desk = new Desk({ db, clock, settings, notifiers: opts.notifiers ?? [], extensions: opts.extensions ?? standardExtensions(opts.sla ? settings : { ...settings, sla: undefined }, clock, { filesDir: filesDirBeside(path) }) });
  const { parseCommand } = await import("../../src/core/grammar.js");
  return {
    desk,
    db,
    clock,
    path,
    as: (user, command) => desk.handle({ actor: consoleUser(user), command: typeof command === "string" ? parseCommand(command) : command }),
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
