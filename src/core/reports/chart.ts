// Charts as pictures, drawn on the server: Vega-Lite -> SVG (vega's headless renderer) -> PNG (resvg),
// with the DejaVu Sans font shipped as an npm package so text renders the same on every machine.
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Figures } from "./figures.js";

const require = createRequire(import.meta.url);
const FONT = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");

export function reportSpec(f: Figures): TopLevelSpec {
  const title = `Tickets, last ${f.range.days} days${f.range.team ? ` (${f.range.team})` : ""}`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, fontSize: 16 },
    background: "white",
    padding: 16,
    config: { font: "DejaVu Sans", axis: { labelFontSize: 11, titleFontSize: 12 }, bar: { color: "#4C78A8" } },
    hconcat: [
      {
        title: "Opened per day",
        width: 460,
        height: 220,
        data: { values: f.volumeByDay },
        mark: { type: "bar" },
        encoding: {
          x: { field: "day", type: "ordinal", title: null, axis: { labelAngle: -45 } },
          y: { field: "count", type: "quantitative", title: "tickets", axis: { tickMinStep: 1 } },
        },
      },
      {
        title: "By category",
        width: 260,
        height: 220,
        data: { values: f.volumeByCategory.slice(0, 10) },
        mark: { type: "bar", color: "#F58518" },
        encoding: {
          y: { field: "category", type: "nominal", sort: "-x", title: null },
          x: { field: "count", type: "quantitative", title: "tickets", axis: { tickMinStep: 1 } },
        },
      },
    ],
  };
}

export async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }, fitTo: { mode: "zoom", value: 1.5 } }).render().asPng();
  return Buffer.from(png);
}
