import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { PassThrough } from "node:stream";
import SQLite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runConsole } from "../../../adapters/console/console.js";
import { AUDIT_COLUMNS } from "../../../src/capabilities/audit/export.js";
import { counts, exampleSettings, makeDesk, ok, refused } from "../../helpers/desk.js";

const DAY = 86_400_000;

/** A desk whose trail spans three days: Nov 1 (before the range), Nov 2 and Nov 3 (in it), Nov 4 (after). */
async function deskWithTrail(settings = exampleSettings()) {
  const d = await makeDesk({ settings });
  d.clock.set(Date.UTC(2026, 10, 1, 12));
  ok(await d.as("carol", 'wifi down, "urgent", on floor 2'));
  d.clock.set(Date.UTC(2026, 10, 2, 9));
  ok(await d.as("ana", "claim 1"));
  ok(await d.as("ana", "priority 1 P1"));
  d.clock.set(Date.UTC(2026, 10, 3, 23, 59));
  ok(await d.as("ana", "comment 1 =1+1, checking the access point\nsecond line"));
  ok(await d.as("ana", "resolve 1 rebooted the AP"));
  d.clock.set(Date.UTC(2026, 10, 4, 0, 0));
  ok(await d.as("carol", "close 1"));
  return d;
}

/** RFC 4180, as an auditor's tool reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      rows.push([...row, cell]);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

/** What an auditor recomputes: sha256 over [prev_hash, at_ms, ticket_id, actor_id, platform, action, field, from, to, reason]. */
function rehash(r: Record<string, unknown>): string {
  const n = (v: unknown) => (v === "" || v === null || v === undefined ? null : Number(v));
  const s = (v: unknown) => (v === "" || v === null || v === undefined ? null : String(v));
  return createHash("sha256")
    .update(
      JSON.stringify([
        r.prev_hash ?? "",
        Number(r.at_ms),
        n(r.ticket_id),
        n(r.actor_id),
        r.platform,
        r.action,
        s(r.field),
        s(r.from_value),
        s(r.to_value),
        s(r.reason),
      ]),
    )
    .digest("hex");
}

describe("audit export", () => {
  it("writes the range's events as CSV with the chain columns, each row verifiable by an auditor", async () => {
    const d = await deskWithTrail();
    const o = ok(await d.as("lee", "audit export 2026-11-02 2026-11-03 csv"));
    const file = o.files![0]!;
    expect(file).toMatchObject({ mime: "text/csv", title: "Audit trail 2026-11-02..2026-11-03" });
    const all = await d.db
      .selectFrom("audit_events")
      .selectAll()
      .where("at", ">=", Date.UTC(2026, 10, 2))
      .where("at", "<", Date.UTC(2026, 10, 4))
      .orderBy("id")
      .execute();
    expect(o.text).toBe(`Exported ${all.length} audit events (2026-11-02..2026-11-03) as CSV to ${basename(file.path)}. Every event's hash checks out.`);
    const [header, ...rows] = parseCsv(readFileSync(file.path, "utf8"));
    expect(header).toEqual([...AUDIT_COLUMNS]);
    const recs = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    // Nov 2 and 3, both whole days: the claim, priority, comment and resolve, not the creation or the closing.
    expect(recs.map((r) => Number(r.id))).toEqual(all.map((e) => e.id));
    expect(recs.length).toBeGreaterThan(3);
    expect(recs.every((r) => r.at! >= "2026-11-02T00:00:00.000Z" && r.at! < "2026-11-04T00:00:00.000Z")).toBe(true);
    const priority = recs.find((r) => r.action === "priority")!;
    expect(priority).toMatchObject({
      ticket_id: "1",
      actor: "console:ana",
      actor_name: "ana",
      field: "priority",
      to_value: "P1",
      at: "2026-11-02T09:00:00.000Z",
    });
    // Values are as stored (a comment starting "=" is not altered), so every hash recomputes and links to the previous row.
    for (const [i, r] of recs.entries()) {
      expect(rehash(r)).toBe(r.hash);
      if (i > 0) expect(r.prev_hash).toBe(recs[i - 1]!.hash);
    }
    const before = await d.db
      .selectFrom("audit_events")
      .select("hash")
      .where("id", "=", Number(recs[0]!.id) - 1)
      .executeTakeFirstOrThrow();
    expect(recs[0]!.prev_hash).toBe(before.hash);
  });

  it("writes JSON Lines with the same records", async () => {
    const d = await deskWithTrail();
    const o = ok(await d.as("operator", "audit export 2026-11-01 2026-11-04 jsonl"));
    expect(o.files![0]!.mime).toBe("application/x-ndjson");
    const lines = readFileSync(o.files![0]!.path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const total = await d.db.selectFrom("audit_events").selectAll().execute();
    expect(lines).toHaveLength(total.length);
    expect(Object.keys(lines[0]!)).toEqual([...AUDIT_COLUMNS]);
    expect(lines[0]).toMatchObject({ action: "create", ticket_id: 1, actor: "console:carol", prev_hash: "" });
    for (const l of lines) expect(rehash(l)).toBe(l.hash);
  });

  it("takes ISO times with a zone as exact bounds", async () => {
    const d = await deskWithTrail();
    const o = ok(await d.as("lee", "audit export 2026-11-03T23:00Z 2026-11-04T00:00:00+00:00 jsonl"));
    const actions = readFileSync(o.files![0]!.path, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { action: string }).action);
    // The comment and resolution at 23:59 are in; the closing at 00:00 (the end, exclusive) and the claim are not.
    expect(new Set(actions)).toEqual(new Set(["comment", "resolved"]));
  });

  it("says so when a row in the range no longer matches its hash", async () => {
    const d = await deskWithTrail();
    const raw = new SQLite(d.path);
    raw.exec("DROP TRIGGER audit_events_no_update");
    const edited = raw.prepare("SELECT id FROM audit_events WHERE action = 'priority' AND to_value = 'P1'").get() as { id: number };
    raw.prepare("UPDATE audit_events SET to_value = 'P4' WHERE id = ?").run(edited.id);
    raw.close();
    const o = ok(await d.as("lee", "audit export 2026-11-01 2026-11-04"));
    expect(o.text).toContain(`WARNING: 1 event does not match its hash (first: event ${edited.id}); run npm run audit:verify.`);
  });

  it("refuses a reversed range, one too large, dates that are not dates, and a wrong format, changing nothing", async () => {
    const d = await deskWithTrail();
    const before = await counts(d.db);
    const no = async (line: string) => {
      const r = refused(await d.as("lee", line));
      expect(r.code).toBe("INVALID_INPUT");
      return r.text;
    };
    expect(await no("audit export 2026-11-30 2026-11-01")).toBe("The range is reversed: 2026-11-30 is after 2026-11-01; write the earlier date first.");
    expect(await no("audit export 2025-01-01 2026-01-02")).toBe(
      "The range covers 367 days; one export may cover at most 366 (audit.export_max_days). Export it in parts.",
    );
    expect(await no("audit export 2026-02-30 2026-03-01")).toBe('"2026-02-30" is not a date that exists.');
    expect(await no("audit export yesterday today")).toBe(
      '"yesterday" is not a date: write YYYY-MM-DD (a whole UTC day) or an ISO time with its zone, such as 2026-11-24T15:00Z.',
    );
    expect(await no("audit export 2026-11-01T10:00 2026-11-02")).toMatch(/^"2026-11-01T10:00" is not a date/);
    expect(await no("audit export 2026-11-01 2026-11-02 xlsx")).toBe('The format must be csv or jsonl (got "xlsx").');
    expect(await no("audit export 2026-11-01")).toBe(
      "Give the first and last day of the export. Usage: audit export <from> <to> [csv|jsonl], dates as YYYY-MM-DD, e.g. audit export 2026-11-01 2026-11-30 csv.",
    );
    expect(await counts(d.db)).toMatchObject({ audit_events: before.audit_events, tickets: before.tickets });
  });

  it("a configured cap (audit.export_max_days) limits the range", async () => {
    const d = await deskWithTrail({ ...exampleSettings(), audit: { exportMaxDays: 2 } });
    ok(await d.as("lee", "audit export 2026-11-01 2026-11-02"));
    expect(refused(await d.as("lee", "audit export 2026-11-01 2026-11-03")).text).toBe(
      "The range covers 3 days; one export may cover at most 2 (audit.export_max_days). Export it in parts.",
    );
  });

  it("requesters and agents are refused and told who may", async () => {
    const d = await deskWithTrail();
    expect(refused(await d.as("carol", "audit export 2026-11-01 2026-11-02")).text).toBe(
      "Only leads and admins can export the audit trail; you are a requester.",
    );
    expect(refused(await d.as("ana", "audit export 2026-11-01 2026-11-02")).text).toBe("Only leads and admins can export the audit trail; you are an agent.");
    // "audit" not followed by "export" is a ticket like any other text.
    expect(ok(await d.as("carol", "audit of laptops for the finance team")).kind).toBe("create");
  });

  it("through the console: the path of the file is printed and the file is there", async () => {
    const d = await deskWithTrail();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (c) => (printed += c));
    const done = runConsole(d.desk, { input, output, interactive: false, user: "lee" });
    input.end("audit export 2026-11-01 2026-11-04 jsonl\nhistory 1\n");
    await done;
    // The console, on the server itself, names the file once, by where it is.
    const path = /as JSONL to (\/\S+\.jsonl)\. /.exec(printed)?.[1];
    expect(printed).not.toContain("File:");
    expect(path && existsSync(path)).toBe(true);
    expect(printed).toMatch(/History of #1 \(times in Europe\/London\):\n {2}Sun 1 Nov 12:00 {2}carol opened it: status new/);
    expect(printed).toMatch(/Mon 2 Nov 09:00 {2}ana changed the priority: priority P2 -> P1/);
    expect(Date.UTC(2026, 10, 4) - Date.UTC(2026, 10, 1)).toBe(3 * DAY);
  });
});
