import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { rateCommand } from "../../../src/core/satisfaction/index.js";
import { deskTime, spread } from "../../../src/core/reports/figures.js";
import { exportRange } from "../../../src/core/reports/extension.js";
import { makeDesk, ok, refused, consoleUser } from "../../helpers/desk.js";

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** A week whose answers are worked out by hand below. */
async function seededWeek() {
  const d = await makeDesk();
  const step = async (when: string, user: string, cmd: Parameters<typeof d.as>[1]) => {
    d.clock.set(at(when));
    return ok(await d.as(user, cmd));
  };
  // Before the range: still open at report time (14 days old).
  await step("2026-11-10T09:00:00Z", "dave", { kind: "create", title: "old laptop request", category: "Hardware" });
  // #2: claimed after 30 min, waits 2 h on the requester, resolved, reopened next day, resolved again.
  await step("2026-11-17T10:00:00Z", "carol", { kind: "create", title: "wifi down in the lobby", category: "Network" });
  await step("2026-11-17T10:30:00Z", "ana", "claim 2");
  await step("2026-11-17T11:00:00Z", "ana", "status 2 waiting");
  await step("2026-11-17T13:00:00Z", "carol", "comment 2 it is the whole lobby");
  await step("2026-11-17T14:00:00Z", "ana", "resolve 2 rebooted the access point");
  await step("2026-11-18T09:00:00Z", "carol", "reopen 2 it dropped again");
  await step("2026-11-18T10:00:00Z", "ana", "resolve 2 replaced the access point");
  d.clock.set(at("2026-11-18T11:00:00Z"));
  ok(await d.desk.handle({ actor: consoleUser("carol"), command: rateCommand(2, "4")! }));
  // #3: a public reply after 20 min, resolved 2 h later.
  await step("2026-11-19T12:00:00Z", "dave", { kind: "create", title: "printer jams on 2nd floor", category: "Hardware" });
  await step("2026-11-19T12:20:00Z", "bob", "comment 3 on my way");
  await step("2026-11-19T14:20:00Z", "bob", "resolve 3 cleared the paper path");
  d.clock.set(at("2026-11-19T15:00:00Z"));
  ok(await d.desk.handle({ actor: consoleUser("dave"), command: rateCommand(3, "2")! }));
  // #4: an article answers it; the requester closes it themselves (no human touch, a deflection).
  await step("2026-11-20T07:00:00Z", "ana", "kb new VPN drops every few minutes -- Update the VPN client to 5.2.");
  await step("2026-11-20T08:00:00Z", "erin", { kind: "create", title: "vpn drops every few minutes", category: "Network" });
  await step("2026-11-20T08:05:00Z", "erin", "kb solved 4");
  // #5: open and untouched, 18 h old at report time.
  await step("2026-11-23T15:00:00Z", "carol", { kind: "create", title: "monitor flickers", category: "Hardware" });
  d.clock.set(at("2026-11-24T09:00:00Z"));
  return d;
}

describe("report figures", () => {
  it("median and p90, and desk time that leaves out waiting and resolved spells", () => {
    expect(spread([5, 1, 3])).toEqual({ count: 3, medianMs: 3, p90Ms: 5 });
    expect(spread([1, 2, 3, 4])).toMatchObject({ medianMs: 2.5, p90Ms: 4 });
    expect(spread([])).toEqual({ count: 0, medianMs: null, p90Ms: null });
    const ev = (h: number, to: string) => ({ ticket_id: 1, at: h * H, to_value: to });
    expect(deskTime(0, 10 * H, [ev(1, "waiting"), ev(3, "in_progress"), ev(4, "resolved"), ev(8, "in_progress"), ev(10, "resolved")])).toBe(1 * H + 1 * H + 2 * H);
  });

  it("answers every figure of a seeded week as computed by hand", async () => {
    const d = await seededWeek();
    const r = ok(await d.as("lee", "report 7d"));
    const lines = r.text.split("\n");
    expect(lines.slice(0, 15)).toEqual([
      "Report: last 7 days (2026-11-17 to 2026-11-24), all teams",
      "  Opened: 4",
      // #1 (14 days) and #5 (18 h) are open.
      "  Backlog: 2 open, median age 7.4 d, oldest 14.0 d (under 1 day 1, 1-3 days 0, 3-7 days 0, over 7 days 1)",
      // First actions: #2 claimed after 30 min, #3 answered after 20 min (#4, #5: none by an agent).
      "  Time to first action: median 25 min, p90 30 min (2 tickets)",
      "  Time to acknowledge: median 25 min, p90 30 min (2 tickets)",
      // #2: 10:00-11:00 and 13:00-14:00, then 09:00-10:00 after the reopen = 3 h; #3: 2 h 20 min; #4: 5 min.
      "  Time to resolve: median 2.3 h, p90 3.0 h (3 tickets), waiting on requesters excluded",
      "  SLA breaches: 0 of 0 clocks (n/a)",
      "  Reopened: 1 of 3 resolved (33.3%)",
      "  Duplicates: 0 of 4 (0.0%)",
      "  Deflected by an article: 1 of 4 (25.0%; 1 offered one)",
      "  Closed with no human touch: 1 of 3 (33.3%)",
      "  Satisfaction: 3.0 / 5 from 2 ratings",
      "  By category: Hardware 2, Network 2",
      "  Agents: ana 0 open / 1 resolved; bob 0 open / 1 resolved",
      expect.stringMatching(/^Chart: .*report-7d-.*\.png$/),
    ]);
    expect(r.ok && r.files?.[0]).toMatchObject({ mime: "image/png" });
  });

  it("draws the chart as a PNG that decodes to the expected size", async () => {
    const d = await seededWeek();
    const r = ok(await d.as("ana", "report 30d Network"));
    expect(r.text).toMatch(/^Report: last 30 days \(2026-10-25 to 2026-11-24\), Network\n  Opened: 2\n/);
    const png = PNG.sync.read(readFileSync(r.files![0]!.path));
    // Two panels (460 + 260 wide, 220 high) with axes, titles and padding, zoomed 1.5x.
    expect(png.width).toBeGreaterThan(1100);
    expect(png.width).toBeLessThan(1600);
    expect(png.height).toBeGreaterThan(400);
    expect(png.height).toBeLessThan(700);
    // The bars are drawn: pixels of the day bars' colour (#4C78A8) and the category bars' (#F58518).
    const count = (r: number, g: number, b: number) => {
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) n++;
      return n;
    };
    expect(count(0x4c, 0x78, 0xa8)).toBeGreaterThan(100);
    expect(count(0xf5, 0x85, 0x18)).toBeGreaterThan(100);
  });

  it("exports tickets as CSV, quoting what needs quoting", async () => {
    const d = await seededWeek();
    ok(await d.as("carol", { kind: "create", title: '=HYPERLINK("x") and "quotes", commas' }));
    const r = ok(await d.as("ana", "export 2026-11-17..2026-11-24"));
    expect(r.text).toMatch(/^Exported 5 tickets \(2026-11-17\.\.2026-11-24\) to .*\.csv$/);
    const csv = readFileSync(r.files![0]!.path, "utf8").split("\r\n");
    expect(csv[0]).toBe("number,title,type,category,service,impact,urgency,priority,status,requester,assignee,team,tags,source,source_link,created_at,first_response_at,resolved_at,closed_at,resolution");
    expect(csv[1]).toBe("2,wifi down in the lobby,incident,Network,,medium,medium,P3,resolved,carol,ana,Network,,console,,2026-11-17T10:00:00.000Z,2026-11-17T10:30:00.000Z,2026-11-18T10:00:00.000Z,,replaced the access point");
    expect(csv[5]).toContain(`"'=HYPERLINK(""x"") and ""quotes"", commas"`);
  });

  it("refuses requesters and bad ranges clearly", async () => {
    const d = await makeDesk();
    expect(refused(await d.as("carol", "report")).text).toBe("Only agents can see reports; you are a requester.");
    expect(refused(await d.as("ana", "report 7d Plumbing")).text).toBe('There is no team "Plumbing"; teams: Service Desk, Network.');
    expect(refused(await d.as("ana", "report 12d")).text).toBe('The range must be 7d, 30d or 90d (got "12d").');
    expect(refused(await d.as("ana", "export 2026-11-20..2026-11-01")).text).toBe("The range 2026-11-20..2026-11-01 is reversed; write the earlier date first.");
    expect(refused(await d.as("ana", "export 2024-01-01..2026-01-01")).text).toBe("The range 2024-01-01..2026-01-01 is over 366 days; export it in parts.");
    expect(() => exportRange("2026-02-30..2026-03-01", 0)).toThrow('"2026-02-30..2026-03-01" has a date that does not exist.');
    // Words that are not a range make a ticket, as any other text.
    expect(ok(await d.as("carol", "report a broken printer")).text).toMatch(/^Opened #1 .* report a broken printer/);
  });
});
