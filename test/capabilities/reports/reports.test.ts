import { readFileSync } from "node:fs";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { rateCommand } from "../../../src/capabilities/satisfaction/index.js";
import { BEFORE, COLOURS, THIS, reportSpec } from "../../../src/capabilities/reports/chart.js";
import { computeFigures, computeReportFigures, computeStanding, deskTime, spread } from "../../../src/capabilities/reports/figures.js";
import { exportRange, reportText } from "../../../src/capabilities/reports/hooks.js";
import { makeDesk, ok, refused, consoleUser } from "../../helpers/desk.js";

const H = 3_600_000;
const DAY = 24 * H;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Every panel of the chart (a view with a data table), by title, wherever it sits in its rows. */
function panelsOf(spec: any): { title: string; values: unknown[]; spec: any }[] {
  if (spec.vconcat || spec.hconcat) return [...(spec.vconcat ?? []), ...(spec.hconcat ?? [])].flatMap(panelsOf);
  return [{ title: typeof spec.title === "string" ? spec.title : spec.title.text, values: spec.data.values, spec }];
}
const at = (iso: string) => Date.parse(iso);

/** A week whose answers are worked out by hand below. */
async function seededWeek(opts: { sla?: boolean } = {}) {
  const d = await makeDesk(opts);
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
    expect(deskTime(0, 10 * H, [ev(1, "waiting"), ev(3, "in_progress"), ev(4, "resolved"), ev(8, "in_progress"), ev(10, "resolved")])).toBe(
      1 * H + 1 * H + 2 * H,
    );
  });

  it("answers every figure of a seeded week, and of the week before, as computed by hand", async () => {
    const d = await seededWeek({ sla: true });
    const r = ok(await d.as("lee", "report 7d"));
    const lines = r.text.split("\n");
    expect(lines.slice(0, 17)).toEqual([
      "Report: last 7 days (2026-11-17 to 2026-11-24), all teams; each figure is followed by the previous 7 days (2026-11-10 to 2026-11-17)",
      // The week before holds #1 alone (opened 10 Nov 09:00, the first instant of that week).
      "  Opened: 4; previous 7 days: 1",
      // #1 (14 days) and #5 (18 h) are open; when the week began (17 Nov 09:00), #1 alone was, 7 days old.
      "  Backlog: 2 open, median age 7.4 d, oldest 14.0 d (under 1 day 1, 1-3 days 0, 3-7 days 0, over 7 days 1); when the period began: 1 open (under 1 day 0, 1-3 days 0, 3-7 days 0, over 7 days 1)",
      // First actions: #2 claimed after 30 min, #3 answered after 20 min (#4, #5: none by an agent). Nobody touched #1.
      "  Time to first action: median 25 min, p90 30 min (2 tickets); previous 7 days: median n/a, p90 n/a (0 tickets)",
      "  Time to acknowledge: median 25 min, p90 30 min (2 tickets); previous 7 days: median n/a, p90 n/a (0 tickets)",
      // #2: 10:00-11:00 and 13:00-14:00, then 09:00-10:00 after the reopen = 3 h; #3: 2 h 20 min; #4: 5 min.
      "  Time to resolve (waiting on requesters excluded): median 2.3 h, p90 3.0 h (3 tickets); previous 7 days: median n/a, p90 n/a (0 tickets)",
      // #2, #3 and #4 were answered and resolved or closed in time; #5 (opened Mon 15:00) has used 2.5 of its 4
      // business hours. #1 has waited two weeks: both its clocks are breached.
      "  SLA first response: 3 met, 0 breached, 1 still counting (100.0% met); previous 7 days: 0 met, 1 breached, 0 still counting (0.0% met)",
      "  SLA resolution: 3 met, 0 breached, 1 still counting (100.0% met); previous 7 days: 0 met, 1 breached, 0 still counting (0.0% met)",
      "  Reopened: 1 of 3 resolved (33.3%); previous 7 days: 0 of 0 (n/a)",
      "  Duplicates: 0 of 4 (0.0%); previous 7 days: 0 of 1 (0.0%)",
      "  Deflected by an article: 1 of 4 (25.0%; 1 offered one); previous 7 days: 0 of 1 (0.0%)",
      "  Closed with no human touch: 1 of 3 (33.3%); previous 7 days: 0 of 0 (n/a)",
      "  Satisfaction: 3.0 / 5 from 2 ratings; previous 7 days: no ratings",
      "  By category: Hardware 2, Network 2; previous 7 days: Hardware 1",
      "  Agents: ana 0 open / 1 resolved; bob 0 open / 1 resolved; open when the period began: none",
      expect.stringMatching(/^Chart: .*report-7d-.*\.png$/),
    ]);
    expect(r.ok && r.files?.[0]).toMatchObject({ mime: "image/png" });
  });

  it("reads the backlog and each agent's open tickets back from the audit trail at any moment, as they were", async () => {
    const d = await seededWeek({ sla: true });
    const settings = d.desk.settings;
    d.clock.advance(60_000);
    ok(await d.as("ana", "claim 5"));
    const now = d.clock.now() + 1;
    // Read back at now, the standing agrees with what the tickets say now.
    const current = await computeFigures(d.db, settings, { from: now - 7 * DAY, to: now, days: 7 }, now);
    const standing = await computeStanding(d.db, settings, { from: 0, to: now, days: 7 }, now);
    expect(standing.backlog).toEqual({ open: current.backlog.open, buckets: current.backlog.buckets });
    expect(standing.agents).toEqual(current.agents.filter((a) => a.open).map((a) => ({ name: a.name, open: a.open })));
    expect(standing.agents).toEqual([{ name: "ana", open: 1 }]);
    // On 17 Nov 12:00 #1 was open and #2 with ana, waiting (#3 did not exist yet); at 15:00 #2 was resolved;
    // on 18 Nov 09:30 it was reopened and with ana again.
    const at = (iso: string) => computeStanding(d.db, settings, { from: 0, to: 0, days: 7 }, Date.parse(iso));
    expect(await at("2026-11-17T12:00:00Z")).toMatchObject({ backlog: { open: 2 }, agents: [{ name: "ana", open: 1 }] });
    expect(await at("2026-11-17T15:00:00Z")).toMatchObject({ backlog: { open: 1 }, agents: [] });
    expect(await at("2026-11-18T09:30:00Z")).toMatchObject({ backlog: { open: 2 }, agents: [{ name: "ana", open: 1 }] });
    expect((await at("2026-11-19T12:00:00Z")).backlog.buckets).toEqual([
      { label: "under 1 day", count: 0 },
      { label: "1-3 days", count: 0 },
      { label: "3-7 days", count: 0 },
      { label: "over 7 days", count: 1 },
    ]);
  });

  it("draws each panel from the same figures as the text report", async () => {
    const d = await seededWeek({ sla: true });
    d.clock.advance(60_000);
    ok(await d.as("ana", "claim 5"));
    const answer = ok(await d.as("lee", "report 7d"));
    const now = d.clock.now();
    const figures = await computeReportFigures(d.db, d.desk.settings, { from: now - 7 * DAY, to: now, days: 7 }, now);
    // The command told exactly these figures...
    expect(answer.text.split("\nChart: ")[0]).toBe(reportText(figures, d.desk.settings.timezone));
    const line = (start: string) => answer.text.split("\n").find((l) => l.startsWith(`  ${start}`))!;
    const halves = (start: string) => line(start).split(/; previous 7 days: |; when the period began: |; open when the period began: /) as [string, string];
    const thisHalf = (start: string) => halves(start)[0];
    const beforeHalf = (start: string) => halves(start)[1];
    // ...and each panel of the chart drawn from them says the same.
    const spec = reportSpec(figures);
    const panel = <T>(title: string) => panelsOf(spec).find((p) => p.title === title)!.values as T[];
    const mine = <T extends { period: string }>(rows: T[]) => rows.filter((r) => r.period === THIS);
    const theirs = <T extends { period: string }>(rows: T[]) => rows.filter((r) => r.period === BEFORE);
    const numbers = (s: string) => [...s.matchAll(/(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));

    const days = panel<{ period: string; count: number }>("Opened per day");
    expect([sum(mine(days).map((x) => x.count)), sum(theirs(days).map((x) => x.count))]).toEqual(halves("Opened:").map((h) => numbers(h)[0]));
    expect(mine(days)).toHaveLength(7);
    expect(theirs(days)).toHaveLength(7);

    const cats = panel<{ period: string; category: string; count: number }>("Opened by category");
    const listed = (s: string) =>
      s
        .replace(/^ *By category: /, "")
        .split(", ")
        .filter((x) => x !== "none");
    expect(
      mine(cats)
        .filter((c) => c.count)
        .map((c) => `${c.category} ${c.count}`),
    ).toEqual(listed(thisHalf("By category")));
    expect(
      theirs(cats)
        .filter((c) => c.count)
        .map((c) => `${c.category} ${c.count}`),
    ).toEqual(listed(beforeHalf("By category")));

    const backlog = panel<{ period: string; age: string; count: number }>("Backlog by age (open tickets)");
    const buckets = (s: string) => /\(([^)]*)\)$/.exec(s)![1]!;
    expect(
      mine(backlog)
        .map((b) => `${b.age} ${b.count}`)
        .join(", "),
    ).toBe(buckets(thisHalf("Backlog")));
    expect(
      theirs(backlog)
        .map((b) => `${b.age} ${b.count}`)
        .join(", "),
    ).toBe(buckets(beforeHalf("Backlog")));

    const sla = panel<{ row: string; outcome: string; count: number }>("SLA attainment (clocks of tickets opened)");
    const outcomes = (row: string) => sla.filter((x) => x.row === row).map((x) => x.count);
    expect(outcomes("Response (this)")).toEqual(numbers(thisHalf("SLA first response")).slice(0, 3));
    expect(outcomes("Response (before)")).toEqual(numbers(beforeHalf("SLA first response")).slice(0, 3));
    expect(outcomes("Resolution (this)")).toEqual(numbers(thisHalf("SLA resolution")).slice(0, 3));
    expect(outcomes("Resolution (before)")).toEqual(numbers(beforeHalf("SLA resolution")).slice(0, 3));
    expect(sum(sla.filter((x) => x.row.endsWith("(this)") && x.outcome === "breached").map((x) => x.count))).toBe(figures.current.sla.breached);
    expect(sum(sla.filter((x) => x.row.endsWith("(this)")).map((x) => x.count))).toBe(figures.current.sla.measured);

    const times = panel<{ period: string; measure: string; label: string }>("Time to first action and to resolve (hours)");
    const spreadOf = (s: string) => /median (.+?), p90 (.+?) \(/.exec(s)!.slice(1, 3);
    const labels = (rows: { measure: string; label: string }[], what: string) => rows.filter((x) => x.measure.startsWith(what)).map((x) => x.label);
    expect(labels(mine(times), "First action")).toEqual(spreadOf(thisHalf("Time to first action")));
    expect(labels(theirs(times), "First action")).toEqual(spreadOf(beforeHalf("Time to first action")));
    expect(labels(mine(times), "Resolve")).toEqual(spreadOf(thisHalf("Time to resolve")));
    expect(labels(theirs(times), "Resolve")).toEqual(spreadOf(beforeHalf("Time to resolve")));

    const csat = panel<{ period: string; average: number; label: string }>("Satisfaction (average of 5)");
    const [average, , ratings] = numbers(thisHalf("Satisfaction"));
    expect(mine(csat)[0]).toMatchObject({ average, label: `${average!.toFixed(1)} / 5 (${ratings})` });
    expect(theirs(csat)[0]!.label).toBe(beforeHalf("Satisfaction"));

    const agents = panel<{ period: string; agent: string; open: number }>("Open tickets per agent");
    const heldNow = [...thisHalf("Agents").matchAll(/(\w+) (\d+) open/g)].filter((m) => m[2] !== "0").map((m) => `${m[1]} ${m[2]}`);
    expect(heldNow).toEqual(["ana 1"]);
    expect(
      mine(agents)
        .filter((a) => a.open)
        .map((a) => `${a.agent} ${a.open}`),
    ).toEqual(heldNow);
    expect(
      theirs(agents)
        .filter((a) => a.open)
        .map((a) => `${a.agent} ${a.open}`)
        .join(", ") || "none",
    ).toBe(beforeHalf("Agents"));
  });

  it("keeps date labels apart at 30 and 90 days", async () => {
    const d = await seededWeek();
    const now = d.clock.now();
    for (const days of [7, 30, 90]) {
      const spec = reportSpec(await computeReportFigures(d.db, d.desk.settings, { from: now - days * DAY, to: now, days }, now));
      const chart = panelsOf(spec).find((p) => p.title === "Opened per day")!;
      const ticks = chart.spec.encoding.x.axis.values as number[];
      // Each label ("17 Nov", about 40 px at 11 px DejaVu Sans) gets at least 60 px of the panel's width, level.
      const pxPerDay = chart.spec.width / days;
      const gaps = ticks.slice(1).map((t, i) => ((t - ticks[i]!) / DAY) * pxPerDay);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60);
      expect(ticks.length).toBeGreaterThanOrEqual(days === 7 ? 7 : 5);
      expect(chart.spec.encoding.x.axis.labelAngle).toBe(0);
    }
  });

  it("draws the chart as a PNG that decodes, with both periods and the SLA outcomes in it", async () => {
    const d = await seededWeek({ sla: true });
    const r = ok(await d.as("ana", "report 30d Network"));
    expect(r.text).toMatch(/^Report: last 30 days \(2026-10-25 to 2026-11-24\), Network; .*\n {2}Opened: 2; previous 30 days: 0\n/);
    const r7 = ok(await d.as("ana", "report 7d"));
    for (const file of [r.files![0]!.path, r7.files![0]!.path]) {
      const png = PNG.sync.read(readFileSync(file));
      // Three rows of panels (about 1350 x 800 before the 1.5x zoom), with titles, axes and padding.
      expect(png.width).toBeGreaterThan(1500);
      expect(png.width).toBeLessThan(2400);
      expect(png.height).toBeGreaterThan(900);
      expect(png.height).toBeLessThan(1600);
    }
    const png = PNG.sync.read(readFileSync(r7.files![0]!.path));
    const count = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) n++;
      return n;
    };
    // This period's bars, the previous period's, and the SLA panel's met and breached clocks are all drawn.
    for (const colour of [COLOURS.this, COLOURS.before, COLOURS.met, COLOURS.breached]) expect(count(colour)).toBeGreaterThan(100);
  });

  it("exports tickets as CSV, quoting what needs quoting", async () => {
    const d = await seededWeek();
    ok(await d.as("carol", { kind: "create", title: '=HYPERLINK("x") and "quotes", commas' }));
    const r = ok(await d.as("ana", "export 2026-11-17..2026-11-24"));
    expect(r.text).toMatch(/^Exported 5 tickets \(2026-11-17\.\.2026-11-24\) to .*\.csv$/);
    const csv = readFileSync(r.files![0]!.path, "utf8").split("\r\n");
    expect(csv[0]).toBe(
      "number,title,type,category,service,impact,urgency,priority,status,requester,assignee,team,tags,source,source_link,created_at,first_response_at,resolved_at,closed_at,resolution",
    );
    expect(csv[1]).toBe(
      "2,wifi down in the lobby,incident,Network,,medium,medium,P3,resolved,carol,ana,Network,,console,,2026-11-17T10:00:00.000Z,2026-11-17T10:30:00.000Z,2026-11-18T10:00:00.000Z,,replaced the access point",
    );
    expect(csv[5]).toContain(`"'=HYPERLINK(""x"") and ""quotes"", commas"`);
  });

  it("refuses requesters and bad ranges clearly", async () => {
    const d = await makeDesk();
    expect(refused(await d.as("carol", "report")).text).toBe("Only agents can see reports; you are a requester.");
    expect(refused(await d.as("ana", "report 7d Plumbing")).text).toBe('There is no team "Plumbing"; teams: Service Desk, Network.');
    expect(refused(await d.as("ana", "report 12d")).text).toBe('The range must be 7d, 30d or 90d (got "12d").');
    expect(refused(await d.as("ana", "export 2026-11-20..2026-11-01")).text).toBe(
      "The range 2026-11-20..2026-11-01 is reversed; write the earlier date first.",
    );
    expect(refused(await d.as("ana", "export 2024-01-01..2026-01-01")).text).toBe("The range 2024-01-01..2026-01-01 is over 366 days; export it in parts.");
    expect(() => exportRange("2026-02-30..2026-03-01", 0)).toThrow('"2026-02-30..2026-03-01" has a date that does not exist.');
    // Words that are not a range make a ticket, as any other text.
    expect(ok(await d.as("carol", "report a broken printer")).text).toMatch(/^Opened #1 .* report a broken printer/);
  });
});
