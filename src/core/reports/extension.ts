// `report [7d|30d|90d] [team]` (figures and a chart) and `export [range]` (tickets as CSV), for agents.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "../commands.js";
import type { Ctx, Extension, Outcome } from "../desk.js";
import { invalid } from "../errors.js";
import { registerVerb } from "../grammar.js";
import type { Db } from "../../store/connection.js";
import { can } from "../roles/permissions.js";
import type { DeskSettings } from "../settings.js";
import { reportOffThread, ticketsCsvOffThread } from "./compute.js";
import { dayKey, type Figures, type Spread } from "./figures.js";

export const REPORTS = "reports";
const DAY = 86_400_000;
const RANGES: Record<string, number> = { "7d": 7, "30d": 30, "90d": 90 };
const MAX_EXPORT_DAYS = 366;

const cap = (verb: string, text: string): Command => ({ kind: "capability", capability: REPORTS, verb, text });

export function duration(ms: number | null): string {
  if (ms === null) return "n/a";
  const m = ms / 60_000;
  if (m < 60) return `${Math.round(m)} min`;
  if (m < 48 * 60) return `${(m / 60).toFixed(1)} h`;
  return `${(m / 1440).toFixed(1)} d`;
}

const pct = (r: number | null) => (r === null ? "n/a" : `${(r * 100).toFixed(1)}%`);
const sp = (s: Spread) => `median ${duration(s.medianMs)}, p90 ${duration(s.p90Ms)} (${s.count} ticket${s.count === 1 ? "" : "s"})`;

export function reportText(f: Figures, tz: string): string {
  const r = f.range;
  const b = f.backlog;
  return [
    `Report: last ${r.days} days (${dayKey(r.from, tz)} to ${dayKey(r.to - 1, tz)}), ${r.team ?? "all teams"}`,
    `  Opened: ${f.created}`,
    `  Backlog: ${b.open} open, median age ${duration(b.medianAgeMs)}, oldest ${duration(b.oldestAgeMs)} (${b.buckets.map((x) => `${x.label} ${x.count}`).join(", ")})`,
    `  Time to first action: ${sp(f.timeToFirstAction)}`,
    `  Time to acknowledge: ${sp(f.timeToAcknowledge)}`,
    `  Time to resolve: ${sp(f.timeToResolve)}, waiting on requesters excluded`,
    `  SLA breaches: ${f.sla.breached} of ${f.sla.measured} clocks (${pct(f.sla.rate)})`,
    `  Reopened: ${f.reopenRate.reopened} of ${f.reopenRate.resolved} resolved (${pct(f.reopenRate.rate)})`,
    `  Duplicates: ${f.duplicateRate.duplicates} of ${f.duplicateRate.created} (${pct(f.duplicateRate.rate)})`,
    `  Deflected by an article: ${f.deflectionRate.deflected} of ${f.created} (${pct(f.deflectionRate.rate)}; ${f.deflectionRate.offered} offered one)`,
    `  Closed with no human touch: ${f.noHumanTouch.untouched} of ${f.noHumanTouch.closed} (${pct(f.noHumanTouch.rate)})`,
    `  Satisfaction: ${f.csat.average === null ? "no ratings" : `${f.csat.average.toFixed(1)} / 5 from ${f.csat.count} rating${f.csat.count === 1 ? "" : "s"}`}`,
    `  By category: ${f.volumeByCategory.map((c) => `${c.category} ${c.count}`).join(", ") || "none"}`,
    `  Agents: ${f.agents.map((a) => `${a.name} ${a.open} open / ${a.resolved} resolved`).join("; ") || "none"}`,
  ].join("\n");
}

export function reportsExtension(opts: { outDir?: string } = {}): Extension {
  const outDir = resolve(opts.outDir ?? "data/reports");
  // Words that do not look like a range make a ticket ("report a broken printer"), as any other text would.
  registerVerb([{ verb: "report", form: "report [7d|30d|90d] [team]", says: "figures and a chart (agents)" }], (args, text) => (!args.length || /^\d+d$/i.test(args[0]!) ? cap("report", text) : undefined));
  registerVerb([{ verb: "export", form: "export [7d|30d|90d|YYYY-MM-DD..YYYY-MM-DD]", says: "tickets as CSV (agents)" }], (args, text) => (args.length <= 1 && (!args.length || /^(\d+d|\d{4}-.*\.\..*)$/i.test(args[0]!)) ? cap("export", text) : undefined));

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
      if (team && !settings.teams.some((t) => t.name.toLowerCase() === team.toLowerCase())) throw invalid(`There is no team "${team}"; teams: ${settings.teams.map((t) => t.name).join(", ")}.`);
      const teamName = team ? settings.teams.find((t) => t.name.toLowerCase() === team.toLowerCase())!.name : undefined;
      const range = { from: now - days * DAY, to: now, days, ...(teamName ? { team: teamName } : {}) };
      return (db) => reportOffThread(db, settings, range, now).then((r) => ({ kind: "report", key, days, ...r }));
    }
    const { from, to, label } = exportRange(words[0] ?? "30d", now);
    return (db) => ticketsCsvOffThread(db, from, to).then((r) => ({ kind: "export", label, ...r }));
  };

  return {
    name: REPORTS,
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
        return { ok: true, kind: "capability", text: `${reportText(r.figures, ctx.settings.timezone)}\nChart: ${path}`, files: [{ path, title: `Tickets, last ${r.days} days`, mime: "image/png" }] };
      }
      const path = write(`tickets-${r.label}-${stamp(ctx)}.csv`, r.csv);
      return { ok: true, kind: "capability", text: `Exported ${r.rows} ticket${r.rows === 1 ? "" : "s"} (${r.label}) to ${path}`, files: [{ path, title: `Tickets ${r.label}`, mime: "text/csv" }] };
    },
  };
}

type Prepared = { kind: "report"; key: string; days: number; figures: Figures; png: Buffer } | { kind: "export"; label: string; csv: string; rows: number };

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
