// Triage on arrival (issue #5): one extension per desk; it trains on the desk's resolved tickets the
// first time it is used (the first command after start-up) and then learns from every agent's correction.
import type { DeskSettings } from "../../core/settings.js";
import { Triage } from "./extension.js";
import { registerTriageViews } from "./view.js";

export { Triage } from "./extension.js";
export { TRIAGE_VERBS } from "./view.js";

/** The triage extension, with its card fields and verbs registered. */
export function triageExtension(settings: DeskSettings): Triage {
  registerTriageViews();
  return new Triage(settings);
}
