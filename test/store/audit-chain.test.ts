import { spawnSync } from "node:child_process";
import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { verifyChain } from "../../src/store/audit-chain.js";
import { makeDesk, ok } from "../helpers/desk.js";

async function deskWithHistory() {
  const d = await makeDesk();
  ok(await d.as("carol", "wifi down"));
  ok(await d.as("ana", "claim 1"));
  ok(await d.as("ana", "priority 1 P2"));
  ok(await d.as("ana", "resolve 1 rebooted the AP"));
  return d;
}

describe("audit trail", () => {
  it("refuses UPDATE and DELETE", async () => {
    const { path } = await deskWithHistory();
    const raw = new SQLite(path);
    expect(() => raw.prepare("UPDATE audit_events SET to_value = 'P4' WHERE id = 3").run()).toThrow("audit_events is append-only");
    expect(() => raw.prepare("DELETE FROM audit_events WHERE id = 3").run()).toThrow("audit_events is append-only");
    raw.close();
  });

  it("chains every event and verifies", async () => {
    const { db } = await deskWithHistory();
    const rows = await db.selectFrom("audit_events").selectAll().orderBy("id").execute();
    expect(rows.length).toBeGreaterThan(4);
    rows.forEach((r, i) => {
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.prev_hash).toBe(i === 0 ? "" : rows[i - 1]!.hash);
    });
    expect(await verifyChain(db)).toEqual({ ok: true, events: rows.length });
  });

  it("names the first edited event, even when the editor got past the trigger", async () => {
    const { db, path } = await deskWithHistory();
    const raw = new SQLite(path);
    raw.exec("DROP TRIGGER audit_events_no_update");
    raw.prepare("UPDATE audit_events SET to_value = 'P4' WHERE action = 'priority'").run();
    const edited = raw.prepare("SELECT id FROM audit_events WHERE action = 'priority'").get() as { id: number };
    raw.close();
    expect(await verifyChain(db)).toMatchObject({ ok: false, brokenAt: edited.id, ticketId: 1, why: expect.stringMatching(/edited/) });
  });

  it("notices a deleted event", async () => {
    const { db, path } = await deskWithHistory();
    const raw = new SQLite(path);
    raw.exec("DROP TRIGGER audit_events_no_delete");
    raw.prepare("DELETE FROM audit_events WHERE id = 2").run();
    raw.close();
    expect(await verifyChain(db)).toMatchObject({ ok: false, brokenAt: 3, why: expect.stringMatching(/removed or changed/) });
  });

  // Starts the real CLI twice (tsx compiling it): slow on a loaded machine.
  it("npm run audit:verify says intact, then names the broken event and exits 1", { timeout: 120_000 }, async () => {
    const { path } = await deskWithHistory();
    const run = () =>
      spawnSync(process.execPath, ["--import", "tsx", "src/store/audit-verify-cli.ts"], {
        encoding: "utf8",
        env: { ...process.env, DESKHAND_DB: path },
        timeout: 60_000,
      });
    const good = run();
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^audit trail intact: \d+ events/);
    const raw = new SQLite(path);
    raw.exec("DROP TRIGGER audit_events_no_update");
    raw.prepare("UPDATE audit_events SET reason = 'nothing to see' WHERE id = 4").run();
    raw.close();
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(
      /^audit trail BROKEN at event 4 \(ticket #1\): its content does not match its hash \(the row was edited\)\. 3 events before it verify\./,
    );
  });
});
