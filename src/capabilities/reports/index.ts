// The reports capability: `report` and `export` (hooks.ts) and, when the settings ask for one, the digest job (digest.ts).
import type { Capability } from "../../core/capability.js";
import type { DeskSettings } from "../../core/settings.js";
import { digestJob } from "./digest.js";
import { reportsHooks } from "./hooks.js";

export function reportsCapability(settings: DeskSettings, opts: { outDir?: string } = {}): Capability {
  const digest = settings.reports?.digest;
  return { ...reportsHooks(opts), jobs: digest ? [digestJob(digest)] : [] };
}
