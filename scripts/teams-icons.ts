// Draws the Teams app icons (run once; the PNGs are committed): `npx tsx scripts/teams-icons.ts`.
// color.png: 192x192, the accent colour with a white ticket; outline.png: 32x32, a white ticket outline on
// a transparent background (Teams' rules for the two icons).
import { writeFileSync } from "node:fs";
import { encodePng, type Rgba } from "./png.js";

export const ACCENT: Rgba = [59, 91, 219, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** A ticket: a rectangle with a round notch cut in each short side. */
function inTicket(x: number, y: number, size: number, inset: number): boolean {
  const left = inset;
  const right = size - inset;
  const top = size * 0.3;
  const bottom = size * 0.7;
  if (x < left || x >= right || y < top || y >= bottom) return false;
  const r = size * 0.08;
  const cy = size / 2;
  return Math.hypot(x + 0.5 - left, y + 0.5 - cy) > r && Math.hypot(x + 0.5 - right, y + 0.5 - cy) > r;
}

export function colorIcon(): Buffer {
  const size = 192;
  return encodePng(size, size, (x, y) => (inTicket(x, y, size, 36) ? WHITE : ACCENT));
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => {
    const inside = inTicket(x, y, size, 3);
    const edge =
      inside &&
      [
        [-1, 0],
        [1, 0],
        [0, -1],
        [0, 1],
      ].some(([dx, dy]) => !inTicket(x + dx!, y + dy!, size, 3));
    return edge ? WHITE : CLEAR;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync("manifests/teams/color.png", colorIcon());
  writeFileSync("manifests/teams/outline.png", outlineIcon());
  console.log("wrote manifests/teams/color.png and outline.png");
}
