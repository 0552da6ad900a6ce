// The `approvals:` section of the settings file: which tickets need approval (by type and/or category),
// who approves them (per category or service, else the policy's list, else a fallback), the rule
// (any | all | majority), when unanswered approvers are reminded and when the request escalates to the leads.
import { z } from "zod";
import { durationSchema as duration } from "../sla/config.js";
import { TYPES, type TicketType } from "../../core/ticket.js";

export const RULES = ["any", "all", "majority"] as const;
export type ApprovalRule = (typeof RULES)[number];

/** People are named as roles are: "slack:U123", "teams:<aad object id>", "email:x@y" (console:<name> for the terminal). */
const approver = z
  .string()
  .regex(/^(slack|teams|console|email):\S+$/, 'expected "slack:<user id>", "teams:<aad object id>", "console:<name>" or "email:<address>"');

const policy = z
  .object({
    name: z.string().min(1),
    /** Tickets of these types need approval... */
    types: z.array(z.enum(TYPES)).default([]),
    /** ...and so do tickets in these categories. */
    categories: z.array(z.string().min(1)).default([]),
    rule: z.enum(RULES).default("any"),
    /** The policy's own approvers, used when the ticket's category or service names none. */
    approvers: z.array(approver).default([]),
  })
  .strict()
  .refine((p) => p.types.length + p.categories.length > 0, { message: "a policy needs types and/or categories to match", path: ["types"] });

export const approvalsSchema = z
  .object({
    /** Unanswered approvers are reminded once after this long ("4h", "30m", "1d"). */
    reminder_after: duration.default(4 * 3_600_000),
    /** After this long the request escalates to the leads, whose one decision then settles it. */
    expire_after: duration.default(24 * 3_600_000),
    /** Who an expired request escalates to; default: roles.lead. */
    leads: z.array(approver).default([]),
    approvers: z
      .object({
        categories: z.record(z.string(), z.array(approver)).default({}),
        services: z.record(z.string(), z.array(approver)).default({}),
        /** When neither the category, the service nor the policy names anyone. */
        fallback: z.array(approver).default([]),
      })
      .strict()
      .default({ categories: {}, services: {}, fallback: [] }),
    policies: z.array(policy).min(1, "list at least one policy"),
  })
  .strict()
  .refine((a) => a.reminder_after < a.expire_after, { message: "the reminder must come before the request expires", path: ["reminder_after"] });

export interface ApprovalPolicy {
  name: string;
  types: TicketType[];
  categories: string[];
  rule: ApprovalRule;
  approvers: string[];
}

export interface ApprovalSettings {
  reminder_after: number;
  expire_after: number;
  leads: string[];
  approvers: { categories: Record<string, string[]>; services: Record<string, string[]>; fallback: string[] };
  policies: ApprovalPolicy[];
}

/** Names that must exist elsewhere in the file: categories and services. */
export function approvalsCrossCheck(
  a: ApprovalSettings,
  known: { categories: string[]; services: string[] },
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  a.policies.forEach((p, i) =>
    p.categories.forEach((c, j) => {
      if (!known.categories.includes(c)) out.push({ path: ["approvals", "policies", i, "categories", j], message: `no category is named "${c}"` });
    }),
  );
  for (const c of Object.keys(a.approvers.categories))
    if (!known.categories.includes(c)) out.push({ path: ["approvals", "approvers", "categories", c], message: `no category is named "${c}"` });
  for (const s of Object.keys(a.approvers.services))
    if (!known.services.includes(s)) out.push({ path: ["approvals", "approvers", "services", s], message: `no service is named "${s}"` });
  return out;
}

declare module "../../core/settings.js" {
  interface DeskSettings {
    /** Which access and change requests need approval, by whom, and by which rule. */
    approvals?: ApprovalSettings;
  }
}
