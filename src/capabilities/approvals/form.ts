// The ticket form's approval fields: a change request's risk, planned window, rollback plan and test
// evidence, and how long an access request's access is needed. Shown when the desk has an `approvals:`
// section; required for changes (a change without them cannot be judged), checked on every platform alike.
import type { CreateFields } from "../../core/commands.js";
import type { FormField, FormPart, FormValues } from "../../core/form.js";
import type { DeskSettings } from "../../core/settings.js";

declare module "../../core/commands.js" {
  /** What a create command carries for approvals (the card shows it to approvers). */
  interface CreateFields {
    /** A change request's risk, planned window, rollback plan and test evidence (approvers see them on the card). */
    risk?: string;
    window?: string;
    rollback?: string;
    evidence?: string;
    /** An access request's end of temporary access, "YYYY-MM-DD" (src/capabilities/approvals/grants.ts). */
    accessUntil?: string;
  }
}

const RISKS = ["low", "medium", "high"];

export function approvalFormFields(): FormField[] {
  return [
    {
      name: "risk",
      label: "Change risk (change requests)",
      kind: "select",
      required: false,
      options: RISKS.map((r) => ({ value: r, label: r[0]!.toUpperCase() + r.slice(1) })),
    },
    {
      name: "window",
      label: "Planned window (change requests)",
      kind: "text",
      required: false,
      maxLength: 200,
      placeholder: "e.g. 2026-12-05 22:00-23:00 UTC",
    },
    {
      name: "rollback",
      label: "Rollback plan (change requests)",
      kind: "multiline",
      required: false,
      maxLength: 3000,
      placeholder: "How the change is undone if it goes wrong",
    },
    {
      name: "evidence",
      label: "Test evidence (change requests)",
      kind: "multiline",
      required: false,
      maxLength: 3000,
      placeholder: "What was tested, where, with what result",
    },
    {
      name: "accessUntil",
      label: "Access needed until (access requests)",
      kind: "text",
      required: false,
      maxLength: 16,
      placeholder: "YYYY-MM-DD, for temporary access",
    },
  ];
}

type Extra = Pick<CreateFields, "risk" | "window" | "rollback" | "evidence" | "accessUntil">;

/** Checks the approval fields; `type` is the form's chosen type (changes need risk, window and rollback). */
export function validateApprovalFields(values: FormValues, type: string | undefined): { fields: Extra; errors: Partial<Record<keyof CreateFields, string>> } {
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const errors: Partial<Record<keyof CreateFields, string>> = {};
  const fields: Extra = {};
  const risk = str(values.risk).toLowerCase();
  if (risk && !RISKS.includes(risk)) errors.risk = "Risk must be low, medium or high.";
  else if (risk) fields.risk = risk;
  for (const [name, limit] of [
    ["window", 200],
    ["rollback", 3000],
    ["evidence", 3000],
  ] as const) {
    const v = str(values[name]);
    if (v.length > limit) errors[name] = `This is ${v.length} characters; keep it to ${limit}.`;
    else if (v) fields[name] = v;
  }
  if (type === "change") {
    if (!fields.risk && !errors.risk) errors.risk = "A change request needs its risk.";
    if (!fields.window && !errors.window) errors.window = "A change request needs its planned window.";
    if (!fields.rollback && !errors.rollback) errors.rollback = "A change request needs a rollback plan.";
  }
  const until = str(values.accessUntil);
  if (until && !/^\d{4}-\d{2}-\d{2}$/.test(until)) errors.accessUntil = "Write the date as YYYY-MM-DD.";
  else if (until) fields.accessUntil = until;
  return { fields, errors };
}

/** The form's approval fields, on a desk whose settings have an `approvals:` section. */
export const approvalForm: FormPart = {
  fields: (settings: DeskSettings) => (settings.approvals ? approvalFormFields() : []),
  validate: (settings, values, type) => (settings.approvals ? validateApprovalFields(values, type) : { fields: {}, errors: {} }),
};
