// `report [7d|30d|90d] [team]` (figures and a chart) and `export [range]` (tickets as CSV), for agents.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "../../core/commands.js";
import type { VerbSet } from "../../core/grammar.js";
import type { Capability } from "../../core/capability.js";
import type { Ctx, Outcome } from "../../core/context.js";
import { invalid } from "../../core/errors.js";
import type { Db } from "../../store/connection.js";
import { can } from "../../core/permissions.js";
import type { DeskSettings } from "../../core/settings.js";
import { reportOffThread, ticketsCsvOffThread } from "./compute.js";
import { dayKey, type Attainment, type Figures, type PeriodFigures, type ReportFigures, type Spread } from "./figures.js";
import { duration, pct, plural } from "./format.js";

export const REPORTS = "reports";
const DAY = 86_400_000;
const RANGES: Record<string, number> = { "7d": 7, "30d": 30, "90d": 90 };
const MAX_EXPORT_DAYS = 366;

const cap = (verb: string, text: string): Command => ({ kind: "capability", capability: REPORTS, verb, text });

export { duration };

const sp = (s: Spread) => `median ${duration(s.medianMs)}, p90 ${duration(s.p90Ms)} (${plural(s.count, "ticket")})`;
const attained = (a: Attainment) => `${a.met} met, ${a.breached} breached, ${a.open} still counting (${pct(a.rate)} met)`;
const ages = (b: { buckets: { label: string; count: number }[] }) => b.buckets.map((x) => `${x.label} ${x.count}`).join(", ");

/** The text report: each figure of this period, then the same figure for the period before (or when it began). */
export function reportText(r: ReportFigures, tz: string): string {
  const { current: f, previous: p, atStart } = r;
  const range = f.range;
  const before = `previous ${range.days} days`;
  const b = f.backlog;
  const csat = (c: Figures["csat"]) => (c.average === null ? "no ratings" : `${c.average.toFixed(1)} / 5 from ${plural(c.count, "rating")}`);
  const cats = (x: PeriodFigures) => x.volumeByCategory.map((c) => `${c.category} ${c.count}`).join(", ") || "none";
  return [
    `Report: last ${range.days} days (${dayKey(range.from, tz)} to ${dayKey(range.to - 1, tz)}), ${range.team ?? "all teams"}; each figure is followed by the ${before} (${dayKey(range.from - (range.to - range.from), tz)} to ${dayKey(range.from - 1, tz)})`,
    `  Opened: ${f.created}; ${before}: ${p.created}`,
    `  Backlog: ${b.open} open, median age ${duration(b.medianAgeMs)}, oldest ${duration(b.oldestAgeMs)} (${ages(b)}); when the period began: ${atStart.backlog.open} open (${ages(atStart.backlog)})`,
    `  Time to first action: ${sp(f.timeToFirstAction)}; ${before}: ${sp(p.timeToFirstAction)}`,
    `  Time to acknowledge: ${sp(f.timeToAcknowledge)}; ${before}: ${sp(p.timeToAcknowledge)}`,
    `  Time to resolve (waiting on requesters excluded): ${sp(f.timeToResolve)}; ${before}: ${sp(p.timeToResolve)}`,
    `  SLA first response: ${attained(r.sla.current.firstResponse)}; ${before}: ${attained(r.sla.previous.firstResponse)}`,
    `  SLA resolution: ${attained(r.sla.current.resolution)}; ${before}: ${attained(r.sla.previous.resolution)}`,
    `  Reopened: ${f.reopenRate.reopened} of ${f.reopenRate.resolved} resolved (${pct(f.reopenRate.rate)}); ${before}: ${p.reopenRate.reopened} of ${p.reopenRate.resolved} (${pct(p.reopenRate.rate)})`,
    `  Duplicates: ${f.duplicateRate.duplicates} of ${f.duplicateRate.created} (${pct(f.duplicateRate.rate)}); ${before}: ${p.duplicateRate.duplicates} of ${p.duplicateRate.created} (${pct(p.duplicateRate.rate)})`,
    `  Deflected by an article: ${f.deflectionRate.deflected} of ${f.created} (${pct(f.deflectionRate.rate)}; ${f.deflectionRate.offered} offered one); ${before}: ${p.deflectionRate.deflected} of ${p.created} (${pct(p.deflectionRate.rate)})`,
    `  Closed with no human touch: ${f.noHumanTouch.untouched} of ${f.noHumanTouch.closed} (${pct(f.noHumanTouch.rate)}); ${before}: ${p.noHumanTouch.untouched} of ${p.noHumanTouch.closed} (${pct(p.noHumanTouch.rate)})`,
    `  Satisfaction: ${csat(f.csat)}; ${before}: ${csat(p.csat)}`,
    `  By category: ${cats(f)}; ${before}: ${cats(p)}`,
    `  Agents: ${f.agents.map((a) => `${a.name} ${a.open} open / ${a.resolved} resolved`).join("; ") || "none"}; open when the period began: ${atStart.agents.map((a) => `${a.name} ${a.open}`).join(", ") || "none"}`,
  ].join("\n");
}

export function reportsHooks(opts: { outDir?: string } = {}): Capability {
  const outDir = resolve(opts.outDir ?? "data/files/reports");
  // Words that do not look like a range make a ticket ("report a broken printer"), as any other text would.
  const verbs: VerbSet[] = [
    {
      usage: [{ verb: "report", form: "report [7d|30d|90d] [team]", says: "figures and a chart (agents)" }],
      parse: (args, text) => (!args.length || /^\d+d$/i.test(args[0]!) ? cap("report", text) : undefined),
    },
    {
      usage: [{ verb: "export", form: "export [7d|30d|90d|YYYY-MM-DD..YYYY-MM-DD]", says: "tickets as CSV (agents)" }],
      parse: (args, text) => (args.length <= 1 && (!args.length || /^(\d+d|\d{4}-.*\.\..*)$/i.test(args[0]!)) ? cap("export", text) : undefined),
    },
  ];

  const write = (name: string, data: Buffer | string) => {
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, name);
    writeFileSync(path, data);
    return path;
  };
  const stamp = (ctx: Ctx) => `${new Date(ctx.now).toISOString().replace(/[:.]/g, "-")}-${Math.random().toString(36).slice(2, 6)}`;

  // The figures, chart and CSV are read in the reader thread before the command's transaction (prepare),
  // so neither the event loop nor the commands queued behind this one wait for them; the command then only
  // writes the file. A person who may not see reports is refused by command() before anything is read.
  const prepared = new WeakMap<Command, Promise<Prepared>>();
  const plan = (settings: DeskSettings, cmd: Extract<Command, { kind: "capability" }>, now: number): ((db: Db) => Promise<Prepared>) => {
    const words = (cmd.text ?? "").trim().split(/\s+/).filter(Boolean);
    if (cmd.verb === "report") {
      const key = (words[0] ?? "7d").toLowerCase();
      const days = RANGES[key];
      if (!days) throw invalid(`The range must be 7d, 30d or 90d (got "${words[0]}").`);
      const team = words.slice(1).join(" ") || undefined;
      if (team && !settings.teams.some((t) => t.name.toLowerCase() === team.toLowerCase()))
        throw invalid(`There is no team "${team}"; teams: ${settings.teams.map((t) => t.name).join(", ")}.`);
      const teamName = team ? settings.teams.find((t) => t.name.toLowerCase() === team.toLowerCase())!.name : undefined;
      const range = { from: now - days * DAY, to: now, days, ...(teamName ? { team: teamName } : {}) };
      return (db) => reportOffThread(db, settings, range, now).then((r) => ({ kind: "report", key, days, ...r }));
    }
    const { from, to, label } = exportRange(words[0] ?? "30d", now);
    return (db) => ticketsCsvOffThread(db, from, to).then((r) => ({ kind: "export", label, ...r }));
  };

  return {
    name: REPORTS,
    verbs,
    async prepare(desk, cmd, actor) {
      if (cmd.verb !== "report" && cmd.verb !== "export") return;
      if (!can(desk.roleOf(actor), "view_any")) return;
      let work: (db: Db) => Promise<Prepared>;
      try {
        work = plan(desk.settings, cmd, desk.clock.now());
      } catch {
        return; // bad arguments: command() says what is wrong
      }
      const pending = work(desk.db);
      pending.catch(() => {}); // awaited by command(); a refusal before that must not leave it unhandled
      prepared.set(cmd, pending);
    },
    async command(ctx, cmd): Promise<Outcome> {
      ctx.require("view_any", cmd.verb === "report" ? "see reports" : "export tickets");
      const ready = prepared.get(cmd) ?? plan(ctx.settings, cmd, ctx.now)(ctx.trx as never);
      prepared.delete(cmd);
      const r = await ready;
      if (r.kind === "report") {
        const path = write(`report-${r.key}-${stamp(ctx)}.png`, r.png);
        return {
          ok: true,
          kind: "capability",
          text: `${reportText(r.figures, ctx.settings.timezone)}\nChart: ${path}`,
          files: [{ path, title: `Tickets, last ${r.days} days`, mime: "image/png" }],
        };
      }
      const path = write(`tickets-${r.label}-${stamp(ctx)}.csv`, r.csv);
      return {
        ok: true,
        kind: "capability",
        text: `Exported ${r.rows} ticket${r.rows === 1 ? "" : "s"} (${r.label}) to ${path}`,
        files: [{ path, title: `Tickets ${r.label}`, mime: "text/csv" }],
      };
    },
  };
}

type Prepared =
  { kind: "report"; key: string; days: number; figures: ReportFigures; png: Buffer } | { kind: "export"; label: string; csv: string; rows: number };

/** "30d", or "2026-11-01..2026-11-23" (UTC days, both included). */
export function exportRange(text: string, now: number): { from: number; to: number; label: string } {
  const days = RANGES[text.toLowerCase()];
  if (days) return { from: now - days * DAY, to: now, label: text.toLowerCase() };
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (!m) throw invalid(`The range must be 7d, 30d, 90d or FROM..TO as YYYY-MM-DD..YYYY-MM-DD (got "${text}").`);
  const from = Date.parse(`${m[1]}T00:00:00Z`);
  const to = Date.parse(`${m[2]}T00:00:00Z`) + DAY;
  const real = (t: number, day: string) => !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
  if (!real(from, m[1]!) || !real(to - DAY, m[2]!)) throw invalid(`"${text}" has a date that does not exist.`);
  if (to <= from) throw invalid(`The range ${text} is reversed; write the earlier date first.`);
  if ((to - from) / DAY > MAX_EXPORT_DAYS) throw invalid(`The range ${text} is over ${MAX_EXPORT_DAYS} days; export it in parts.`);
  return { from, to, label: `${m[1]}..${m[2]}` };
}
