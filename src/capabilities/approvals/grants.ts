// Temporary access: "grant N until <date>" (or the access request's own "until" field) records when access
// must end; when it does, the assignee is reminded to revoke it, and the ticket cannot resolve or close
// until someone confirms the revocation ("revoked N" or the card's Access revoked button).
import { grantOf, markRevoked, markTimerFired, requestOf, saveGrant, setTimer } from "./repository.js";
import type { GrantRow } from "./tables.js";
import type { Ctx, Outcome } from "../../core/desk.js";
import type { Queryable } from "../../store/database.js";
import { DeskError, invalid } from "../../core/errors.js";
import { isOpen } from "../../core/ticket.js";
import { KIND } from "./model.js";
import { parseUntil } from "./rules.js";

/** A grant is in force once the request (if any) was approved, until someone confirms it revoked. */
export async function activeGrant(db: Queryable, ticketId: number): Promise<GrantRow | undefined> {
  const g = await grantOf(db, ticketId);
  if (!g || g.revoked_at !== null) return undefined;
  const req = await requestOf(db, ticketId);
  return !req || req.state === "approved" ? g : undefined;
}

export const untilText = (at: number) => `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** Refuses resolving or closing a ticket whose temporary access is not confirmed revoked. */
export async function guardClosing(ctx: Ctx, ticketId: number, to: string): Promise<void> {
  const g = await activeGrant(ctx.trx, ticketId);
  if (!g) return;
  const state = g.until <= ctx.now ? `ended at ${untilText(g.until)}` : `runs until ${untilText(g.until)}`;
  throw new DeskError(
    "INVALID_TRANSITION",
    `#${ticketId} cannot be ${to} yet: its temporary access ${state} and nobody has confirmed it revoked. Revoke the access, then say: revoked ${ticketId}. Nothing was changed.`,
  );
}

/** Records the end of access asked for at creation (before approval, so it only binds once approved). */
export async function recordRequestedUntil(ctx: Ctx, ticketId: number, text: string): Promise<void> {
  const until = parseUntil(text, ctx.now, ctx.settings.timezone);
  if (typeof until === "string") throw invalid(until, "accessUntil");
  await saveGrant(ctx.trx, { ticket_id: ticketId, until, granted_by: ctx.actor.id, granted_at: ctx.now });
  await setTimer(ctx.trx, { ticket_id: ticketId, kind: "revoke", due_at: until });
}

export async function grant(ctx: Ctx, number: number, text: string): Promise<Outcome> {
  ctx.require("change_status", "grant temporary access");
  const t = await ctx.load(number);
  if (!isOpen(t.status)) throw new DeskError("INVALID_TRANSITION", `#${number} is closed or resolved; reopen it before granting access. Nothing was changed.`);
  const req = await requestOf(ctx.trx, number);
  if (req && req.state !== "approved")
    throw new DeskError("INVALID_TRANSITION", `#${number} is not approved (${req.state}); access can be granted once it is. Nothing was changed.`);
  const words = text.trim().replace(/^until\s+/i, "");
  if (!words) throw invalid(`Until when? grant ${number} until YYYY-MM-DD.`, "until");
  const until = parseUntil(words, ctx.now, ctx.settings.timezone);
  if (typeof until === "string") throw invalid(until, "until");
  await saveGrant(ctx.trx, { ticket_id: number, until, granted_by: ctx.actor.id, granted_at: ctx.now });
  await setTimer(ctx.trx, { ticket_id: number, kind: "revoke", due_at: until });
  const summary = `${ctx.actor.name} granted temporary access on #${number} until ${untilText(until)}`;
  const snapshot = await ctx.announce(t, KIND.granted, summary, { action: "access_granted", field: "access_until", to: new Date(until).toISOString() });
  return {
    ok: true,
    kind: "capability",
    text: `${summary}. When it ends, the assignee is reminded to revoke it; #${number} cannot close until then.`,
    snapshot,
  };
}

export async function revoked(ctx: Ctx, number: number): Promise<Outcome> {
  ctx.require("change_status", "confirm access was revoked");
  const t = await ctx.load(number);
  const g = await grantOf(ctx.trx, number);
  if (!g) throw invalid(`#${number} has no temporary access to revoke; nothing was changed.`);
  if (g.revoked_at !== null)
    throw new DeskError(
      "INVALID_TRANSITION",
      `#${number}'s access was already confirmed revoked${g.revoked_by ? ` by ${(await ctx.person(g.revoked_by)).name}` : ""}; nothing was changed.`,
    );
  await markRevoked(ctx.trx, number, ctx.actor.id, ctx.now);
  // Revoked early: the reminder to revoke would be news to nobody.
  await markTimerFired(ctx.trx, { ticket_id: number, kind: "revoke" }, ctx.now);
  const summary = `${ctx.actor.name} confirmed the temporary access on #${number} is revoked`;
  const snapshot = await ctx.announce(t, KIND.revoked, summary, { action: "access_revoked", field: "access_until", to: "revoked" });
  return { ok: true, kind: "capability", text: `${summary}; it can now be resolved and closed.`, snapshot };
}
