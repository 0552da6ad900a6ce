// Charts as pictures, drawn on the server: Vega-Lite -> SVG (vega's headless renderer) -> PNG (resvg),
// with the DejaVu Sans font shipped as an npm package so text renders the same on every machine.
// Every panel puts this period beside the one before (for the backlog and the agents' load: now beside the
// moment this period began), and every number drawn comes from the ReportFigures the text report is written from.
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Attainment, ReportFigures, Spread } from "./figures.js";
import { duration, pct } from "./format.js";

const require = createRequire(import.meta.url);
const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");

export const THIS = "this period" as const;
export const BEFORE = "previous period" as const;
export const COLOURS = { this: "#4C78A8", before: "#BAB0AC", met: "#54A24B", breached: "#E45756", open: "#D8D8D8" };
const PERIOD_COLOUR = { scale: { domain: [THIS, BEFORE], range: [COLOURS.this, COLOURS.before] }, legend: null };
const MOST_CATEGORIES = 8;
const MOST_AGENTS = 10;

type Period = typeof THIS | typeof BEFORE;

/** Each panel's rows, as drawn. Exported so a test can hold each panel against the text report. */
export interface Panels {
  /** One bar per day of this period; the period before as a line over the same days (its day N over this day N). */
  days: { date: string; period: Period; count: number; day: string }[];
  categories: { category: string; period: Period; count: number }[];
  backlog: { age: string; period: Period; count: number }[];
  sla: { row: string; outcome: "met" | "breached" | "open"; count: number }[];
  times: { measure: string; period: Period; hours: number; label: string }[];
  satisfaction: { period: Period; average: number; label: string }[];
  agents: { agent: string; period: Period; open: number }[];
}

export function chartPanels(r: ReportFigures): Panels {
  const { current, previous, atStart } = r;
  const shift = current.range.to - current.range.from;
  const utcDay = (day: string, by: number) => new Date(Date.parse(`${day}T00:00:00Z`) + by).toISOString().slice(0, 10);
  const days: Panels["days"] = [
    ...current.volumeByDay.map((d) => ({ date: d.day, period: THIS, count: d.count, day: d.day })),
    ...previous.volumeByDay.map((d) => ({ date: utcDay(d.day, shift), period: BEFORE, count: d.count, day: d.day })),
  ];

  // The categories busiest this period (then the period before), each with both periods' counts.
  const before = new Map(previous.volumeByCategory.map((c) => [c.category, c.count]));
  const now = new Map(current.volumeByCategory.map((c) => [c.category, c.count]));
  const names = [...new Set([...current.volumeByCategory, ...previous.volumeByCategory].map((c) => c.category))]
    .sort((a, b) => (now.get(b) ?? 0) - (now.get(a) ?? 0) || (before.get(b) ?? 0) - (before.get(a) ?? 0) || a.localeCompare(b))
    .slice(0, MOST_CATEGORIES);
  const categories = names.flatMap((category) => [
    { category, period: THIS, count: now.get(category) ?? 0 },
    { category, period: BEFORE, count: before.get(category) ?? 0 },
  ]);

  const backlog = current.backlog.buckets.flatMap((b, i) => [
    { age: b.label, period: THIS, count: b.count },
    { age: b.label, period: BEFORE, count: atStart.backlog.buckets[i]!.count },
  ]);

  const attained = (row: string, a: Attainment) => (["met", "breached", "open"] as const).map((outcome) => ({ row, outcome, count: a[outcome] }));
  const sla = [
    ...attained("Response (this)", r.sla.current.firstResponse),
    ...attained("Response (before)", r.sla.previous.firstResponse),
    ...attained("Resolution (this)", r.sla.current.resolution),
    ...attained("Resolution (before)", r.sla.previous.resolution),
  ];

  const time = (measure: string, period: Period, ms: number | null) => ({ measure, period, hours: (ms ?? 0) / 3_600_000, label: duration(ms) });
  const spreadRows = (what: string, cur: Spread, prev: Spread) => [
    time(`${what}, median`, THIS, cur.medianMs),
    time(`${what}, median`, BEFORE, prev.medianMs),
    time(`${what}, p90`, THIS, cur.p90Ms),
    time(`${what}, p90`, BEFORE, prev.p90Ms),
  ];
  const times = [
    ...spreadRows("First action", current.timeToFirstAction, previous.timeToFirstAction),
    ...spreadRows("Resolve", current.timeToResolve, previous.timeToResolve),
  ];

  const rated = (period: Period, c: { count: number; average: number | null }) => ({
    period,
    average: c.average ?? 0,
    label: c.average === null ? "no ratings" : `${c.average.toFixed(1)} / 5 (${c.count})`,
  });
  const satisfaction = [rated(THIS, current.csat), rated(BEFORE, previous.csat)];

  // Open tickets per agent now and when the period began, for the agents holding the most now (then before).
  const openNow = new Map(current.agents.map((a) => [a.name, a.open]));
  const openBefore = new Map(atStart.agents.map((a) => [a.name, a.open]));
  const agentNames = [...new Set([...openNow.keys(), ...openBefore.keys()])]
    .filter((n) => (openNow.get(n) ?? 0) + (openBefore.get(n) ?? 0) > 0)
    .sort((a, b) => (openNow.get(b) ?? 0) - (openNow.get(a) ?? 0) || (openBefore.get(b) ?? 0) - (openBefore.get(a) ?? 0) || a.localeCompare(b))
    .slice(0, MOST_AGENTS);
  const agents = agentNames.flatMap((agent) => [
    { agent, period: THIS, open: openNow.get(agent) ?? 0 },
    { agent, period: BEFORE, open: openBefore.get(agent) ?? 0 },
  ]);
  return { days, categories, backlog, sla, times, satisfaction, agents };
}

/** Date ticks that never crowd: every day for a week, then every 5th, 7th or 14th day as the range grows. */
function dayTicks(days: string[]): number[] {
  const step = days.length <= 10 ? 1 : days.length <= 35 ? 5 : days.length <= 63 ? 7 : 14;
  return days.filter((_, i) => i % step === 0).map((d) => Date.parse(`${d}T00:00:00Z`));
}

/** Each panel keeps its own colours: the SLA panel colours outcomes, the others the two periods. */
const OWN_COLOURS = { scale: { color: "independent" as const }, legend: { color: "independent" as const } };
/** Grouped horizontal bars are sized by their bars, so each period's bar stays inside its row. */
const ROW = { step: 13, for: "offset" as const };
/** An axis over nothing but zeros still reads 0 to 1, not a single "0.000000". */
const emptyScale = (values: number[]) => (values.some((v) => v > 0) ? {} : { scale: { domain: [0, 1] } });
const count = (title: string | null) => ({ field: "count", type: "quantitative" as const, title, axis: { tickMinStep: 1, format: "d" } });
const period = { field: "period", type: "nominal" as const, ...PERIOD_COLOUR };
const offset = { field: "period", type: "nominal" as const, sort: [THIS, BEFORE], title: null };

export function reportSpec(r: ReportFigures): TopLevelSpec {
  const f = r.current;
  const p = chartPanels(r);
  const title = `Tickets, last ${f.range.days} days${f.range.team ? ` (${f.range.team})` : ""}`;
  const thisDays = p.days.filter((d) => d.period === THIS).map((d) => d.date);
  const firstDay = (rows: { day: string; period: Period }[], which: Period) => rows.find((d) => d.period === which)?.day ?? "";
  const lastDay = (rows: { day: string; period: Period }[], which: Period) => rows.filter((d) => d.period === which).at(-1)?.day ?? "";
  const subtitle = `Blue: this period (${firstDay(p.days, THIS)} to ${lastDay(p.days, THIS)}). Grey: the ${f.range.days} days before (${firstDay(p.days, BEFORE)} to ${lastDay(p.days, BEFORE)}); for the backlog and agents, when this period began.`;
  const dateAxis = {
    field: "date",
    type: "temporal" as const,
    timeUnit: "utcyearmonthdate" as const,
    title: null,
    axis: { values: dayTicks(thisDays), format: "%d %b", labelAngle: 0, labelFlush: false, labelOverlap: "greedy", grid: false },
  };

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle, fontSize: 16, subtitleFontSize: 11, subtitleColor: "#444444", anchor: "start" },
    background: "white",
    padding: 16,
    spacing: 28,
    resolve: OWN_COLOURS,
    config: {
      font: "DejaVu Sans",
      axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 180 },
      title: { fontSize: 13, anchor: "start" },
      view: { stroke: null },
    },
    vconcat: [
      {
        resolve: OWN_COLOURS,
        hconcat: [
          {
            title: "Opened per day",
            width: 540,
            height: 190,
            data: { values: p.days },
            encoding: { x: dateAxis, y: { ...count("tickets"), ...emptyScale(p.days.map((d) => d.count)) }, color: period },
            layer: [
              { transform: [{ filter: { field: "period", equal: THIS } }], mark: { type: "bar", color: COLOURS.this } },
              {
                transform: [{ filter: { field: "period", equal: BEFORE } }],
                mark: { type: "line", color: COLOURS.before, strokeWidth: 2, point: { color: COLOURS.before, size: 18 } },
              },
            ],
          },
          {
            title: p.categories.length ? "Opened by category" : { text: "Opened by category", subtitle: "(none)" },
            width: 300,
            height: ROW,
            data: { values: p.categories },
            mark: { type: "bar" },
            encoding: { y: { field: "category", type: "nominal", sort: null, title: null }, yOffset: offset, x: count("tickets"), color: period },
          },
        ],
      },
      {
        resolve: OWN_COLOURS,
        hconcat: [
          {
            title: "Backlog by age (open tickets)",
            width: 300,
            height: 170,
            data: { values: p.backlog },
            mark: { type: "bar" },
            encoding: {
              x: { field: "age", type: "ordinal", sort: null, title: null, axis: { labelAngle: 0 } },
              xOffset: offset,
              y: { ...count("open tickets"), ...emptyScale(p.backlog.map((b) => b.count)) },
              color: period,
            },
          },
          {
            title: {
              text: "SLA attainment (clocks of tickets opened)",
              subtitle: `met ${pct(r.sla.current.firstResponse.rate)} / ${pct(r.sla.current.resolution.rate)} this period (response / resolution)`,
            },
            width: 220,
            height: 170,
            data: { values: p.sla },
            mark: { type: "bar" },
            encoding: {
              y: { field: "row", type: "nominal", sort: null, title: null },
              x: {
                field: "count",
                type: "quantitative",
                stack: "zero",
                title: "clocks",
                axis: { tickMinStep: 1, format: "d" },
                ...emptyScale(p.sla.map((x) => x.count)),
              },
              color: {
                field: "outcome",
                type: "nominal",
                title: null,
                scale: { domain: ["met", "breached", "open"], range: [COLOURS.met, COLOURS.breached, COLOURS.open] },
                legend: { orient: "bottom", direction: "horizontal" },
              },
              order: { field: "outcome", sort: "descending" },
            },
          },
          {
            title: "Satisfaction (average of 5)",
            width: 170,
            height: 170,
            data: { values: p.satisfaction },
            encoding: {
              x: {
                field: "period",
                type: "nominal",
                sort: [THIS, BEFORE],
                title: null,
                axis: { labelAngle: 0, labelExpr: "datum.value === 'this period' ? 'this' : 'previous'" },
              },
              y: { field: "average", type: "quantitative", title: null, scale: { domain: [0, 5] } },
            },
            layer: [
              { mark: { type: "bar" }, encoding: { color: period } },
              { mark: { type: "text", dy: -8, fontSize: 11 }, encoding: { text: { field: "label" } } },
            ],
          },
        ],
      },
      {
        resolve: OWN_COLOURS,
        hconcat: [
          {
            title: "Time to first action and to resolve (hours)",
            width: 360,
            height: ROW,
            data: { values: p.times },
            encoding: {
              y: { field: "measure", type: "nominal", sort: null, title: null },
              yOffset: offset,
              x: { field: "hours", type: "quantitative", title: "hours", axis: { format: "~r" }, ...emptyScale(p.times.map((x) => x.hours)) },
            },
            layer: [
              { mark: { type: "bar" }, encoding: { color: period } },
              { mark: { type: "text", align: "left", dx: 3, fontSize: 10 }, encoding: { text: { field: "label" } } },
            ],
          },
          {
            title: p.agents.length ? "Open tickets per agent" : { text: "Open tickets per agent", subtitle: "(nobody holds an open ticket)" },
            width: 360,
            height: ROW,
            data: { values: p.agents },
            mark: { type: "bar" },
            encoding: {
              y: { field: "agent", type: "nominal", sort: null, title: null },
              yOffset: offset,
              x: { field: "open", type: "quantitative", title: "open tickets", axis: { tickMinStep: 1, format: "d" } },
              color: period,
            },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}

export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }, fitTo: { mode: "zoom", value: 1.5 } })
    .render()
    .asPng();
  return Buffer.from(png);
}
