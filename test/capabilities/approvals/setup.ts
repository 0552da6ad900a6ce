// A desk with an approvals section: access requests need any one of ana/bob/carl, changes a majority,
// Network-category tickets all of them; lee is the lead an expired request escalates to.
import type { ApprovalRule } from "../../../src/capabilities/approvals/settings.js";
import type { DeskSettings } from "../../../src/core/settings.js";
import { exampleSettings, makeDesk, ok, type TestDesk } from "../../helpers/desk.js";

export const HOUR = 3_600_000;

export function approvalSettings(
  base: DeskSettings = exampleSettings(),
  approvers = ["console:ana", "console:bob", "console:carl"],
  rule: ApprovalRule = "any",
): DeskSettings {
  return {
    ...base,
    approvals: {
      reminder_after: 4 * HOUR,
      expire_after: 24 * HOUR,
      leads: ["console:lee"],
      approvers: { categories: {}, services: {}, fallback: approvers },
      policies: [
        { name: "access", types: ["access_request"], categories: [], rule, approvers: [] },
        { name: "changes", types: ["change"], categories: [], rule: "majority", approvers: [] },
      ],
    },
  };
}

export async function approvalDesk(rule: ApprovalRule = "any", approvers?: string[]): Promise<TestDesk> {
  return makeDesk({ settings: approvalSettings(exampleSettings(), approvers, rule) });
}

/** rita asks for access; returns the ticket number. */
export async function accessRequest(t: TestDesk, extra: Record<string, string> = {}): Promise<number> {
  const o = ok(
    await t.as("rita", { kind: "create", title: "Access to the finance share", description: "Read access for the audit", type: "access_request", ...extra }),
  );
  return o.snapshot!.ticket.number;
}
