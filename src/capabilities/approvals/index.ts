// The approvals capability: verbs, buttons, card part, form fields and hooks (extension.ts) and its timers job (timers.ts).
import type { Capability } from "../../core/capability.js";
import type { DeskSettings } from "../../core/settings.js";
import { approvalsExtension } from "./extension.js";
import { approvalsJob } from "./timers.js";

export function approvalsCapability(settings: DeskSettings): Capability {
  return { ...approvalsExtension(settings), jobs: [approvalsJob()] };
}
