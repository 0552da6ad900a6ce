// The SLA capability: clocks, card fields and list order (hooks.ts) and its escalations job (scheduler.ts).
import type { Capability } from "../../core/capability.js";
import type { Clock } from "../../core/clock.js";
import type { DeskSettings } from "../../core/settings.js";
import { slaHooks } from "./hooks.js";
import { SlaRules } from "./rules.js";
import { slaJob } from "./scheduler.js";

export function slaCapability(opts: { settings: DeskSettings; clock: Clock }): Capability {
  const sla = opts.settings.sla;
  if (!sla) throw new Error("slaCapability needs an `sla:` section in the settings");
  return { ...slaHooks(opts), jobs: [slaJob(new SlaRules(sla))] };
}

/** The SLA's part of a snapshot (its extras), as the console draws it. */
export { SLA, type SlaExtras } from "./hooks.js";
