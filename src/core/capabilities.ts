// The capabilities a desk runs with, in one list, so the process and the tests assemble the same desk.
import type { Extension } from "./desk.js";
import { alertsExtension } from "./alerts/extension.js";
import { incidentsExtension } from "./incidents/extension.js";
import type { DeskSettings } from "./settings.js";
import { triageExtension } from "./triage/index.js";

export function standardExtensions(_settings: DeskSettings): Extension[] {
  return [incidentsExtension(), alertsExtension(), triageExtension(_settings)];
}
