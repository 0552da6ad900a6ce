// The reports' long reads, as functions of (db, ...args) that the reader thread runs (src/store/reader-thread.ts):
// the figures and their chart for `report` and the digest, the CSV for `export`. They wrap figures.ts,
// chart.ts and export.ts unchanged.
import type { Db } from "../../store/connection.js";
import { readOffThread } from "../../store/reader-thread.js";
import type { DeskSettings } from "../../core/settings.js";
import { renderPng, reportSpec } from "./chart.js";
import { ticketsCsv } from "./export.js";
import { computeReportFigures, type ReportFigures, type Range } from "./figures.js";

const HERE = new URL("./compute.ts", import.meta.url);

export async function figuresAndChart(db: Db, settings: DeskSettings, range: Range, now: number): Promise<{ figures: ReportFigures; png: Uint8Array }> {
  const figures = await computeReportFigures(db, settings, range, now);
  return { figures, png: await renderPng(reportSpec(figures)) };
}

export async function ticketsCsvOf(db: Db, from: number, to: number): Promise<{ csv: string; rows: number }> {
  return ticketsCsv(db, from, to);
}

/** The figures and chart of a range, computed off the main thread. */
export async function reportOffThread(db: Db, settings: DeskSettings, range: Range, now: number): Promise<{ figures: ReportFigures; png: Buffer }> {
  const r = await readOffThread<{ figures: ReportFigures; png: Uint8Array }>(db, HERE, "figuresAndChart", [settings, range, now]);
  return { figures: r.figures, png: Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength) };
}

/** Tickets created in [from, to) as CSV, computed off the main thread. */
export function ticketsCsvOffThread(db: Db, from: number, to: number): Promise<{ csv: string; rows: number }> {
  return readOffThread(db, HERE, "ticketsCsvOf", [from, to]);
}
