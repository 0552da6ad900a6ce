// The reports capability: `report` and `export` (extension.ts) and, when the settings ask for one, the digest job (digest.ts).
import type { Capability } from "../../core/capability.js";
import type { DeskSettings } from "../../core/settings.js";
import { digestJob } from "./digest.js";
import { reportsExtension } from "./extension.js";

export function reportsCapability(settings: DeskSettings, opts: { outDir?: string } = {}): Capability {
  const digest = settings.reports?.digest;
  return { ...reportsExtension(opts), jobs: digest ? [digestJob(digest)] : [] };
}
