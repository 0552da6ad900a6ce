// The approvals capability: verbs, buttons, card part, form fields and hooks (hooks.ts) and its timers job (timers.ts).
import type { Capability } from "../../core/capability.js";
import type { DeskSettings } from "../../core/settings.js";
import { approvalsHooks } from "./hooks.js";
import { approvalsJob } from "./timers.js";

export function approvalsCapability(settings: DeskSettings): Capability {
  return { ...approvalsHooks(settings), jobs: [approvalsJob()] };
}
