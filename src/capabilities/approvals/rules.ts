// Pure approval rules: which policy a ticket falls under, who approves it, and what the votes add up to.
import { TZDate } from "@date-fns/tz";
import type { DeskSettings } from "../../core/settings.js";
import type { Ticket } from "../../core/ticket.js";
import type { ApprovalPolicy, ApprovalRule, ApprovalSettings } from "./settings.js";

export type Verdict = "approved" | "rejected" | "pending";

/** The first policy naming the ticket's type or category. */
export function matchPolicy(a: ApprovalSettings, t: Pick<Ticket, "type" | "category">): ApprovalPolicy | undefined {
  return a.policies.find((p) => p.types.includes(t.type) || (t.category !== null && p.categories.includes(t.category)));
}

/** The category's approvers, else the service's, else the policy's, else the fallback list. */
export function approversFor(a: ApprovalSettings, p: ApprovalPolicy, t: Pick<Ticket, "category" | "service">): string[] {
  const lists = [
    t.category ? a.approvers.categories[t.category] : undefined,
    t.service ? a.approvers.services[t.service] : undefined,
    p.approvers,
    a.approvers.fallback,
  ];
  const found = lists.find((l) => l && l.length) ?? [];
  return found.filter((n, i) => found.findIndex((m) => m.toLowerCase() === n.toLowerCase()) === i);
}

/** Approvals needed out of `n` approvers. */
export function neededFor(rule: ApprovalRule, n: number): number {
  if (rule === "any") return Math.min(1, n);
  if (rule === "all") return n;
  return Math.floor(n / 2) + 1;
}

/**
 * Approved once enough approve; rejected once enough can no longer approve (so under `any` every approver
 * must reject, under `all` one rejection is enough, under `majority` a blocking minority). Votes from
 * names not on the list do not count.
 */
export function tally(rule: ApprovalRule, approvers: string[], votes: { approver: string; decision: string }[]): Verdict {
  const on = votes.filter((v) => approvers.includes(v.approver));
  const yes = on.filter((v) => v.decision === "approve").length;
  const no = on.filter((v) => v.decision === "reject").length;
  const need = neededFor(rule, approvers.length);
  if (yes >= need) return "approved";
  if (no > approvers.length - need) return "rejected";
  return "pending";
}

/** The names a person answers to in configuration: "slack:U1", and "email:x@y" when known. */
export function namesOf(p: { platform: string; userId: string; email?: string | null }): string[] {
  return [`${p.platform}:${p.userId}`.toLowerCase(), ...(p.email ? [`email:${p.email.toLowerCase()}`] : [])];
}

/** The configured name in `names` (as configured) that the person answers to. */
export function nameIn(names: string[], p: { platform: string; userId: string; email?: string | null }): string | undefined {
  const mine = namesOf(p);
  return names.find((n) => mine.includes(n.toLowerCase()));
}

/** Who an expired request escalates to: the approvals section's leads, else every configured lead. */
export function leadsOf(s: DeskSettings): string[] {
  return s.approvals?.leads.length ? s.approvals.leads : (s.roles.lead ?? []);
}

/**
 * "2026-12-01" (access ends as that day ends, in the desk's time zone) or "2026-12-01 18:00"; refuses
 * what is not a real date, or is not in the future. Returns the moment, or why not.
 */
export function parseUntil(text: string, now: number, tz: string): number | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return `"${text.trim()}" is not a date; write it YYYY-MM-DD or YYYY-MM-DD HH:MM.`;
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), m[4] === undefined ? undefined : Number(m[4]), Number(m[5] ?? 0)];
  const check = new Date(Date.UTC(y, mo, d));
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== d || (h !== undefined && (h > 23 || mi > 59))) return `"${text.trim()}" is not a real date.`;
  const at = h === undefined ? new TZDate(y, mo, d + 1, 0, 0, tz).getTime() : new TZDate(y, mo, d, h, mi, tz).getTime();
  if (at <= now) return `${text.trim()} has already passed; access must end in the future.`;
  return at;
}
