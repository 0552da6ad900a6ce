// Triage on arrival (issue #5): one Triage capability per desk; it trains on the desk's resolved tickets at
// start-up (its start hook), or the first time it is used, and then learns from every agent's correction.
import type { DeskSettings } from "../../core/settings.js";
import { Triage } from "./triage.js";

export { Triage } from "./triage.js";
export { TRIAGE_VERBS } from "./view.js";

/** The triage capability (its card fields and verbs are the Triage object's). */
export function triageCapability(settings: DeskSettings): Triage {
  return new Triage(settings);
}
