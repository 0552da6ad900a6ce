// Incident commands: declare, update, resolve, link, subscribe. Status updates reach status channels
// (ctx.broadcast) and every affected requester (a change on each linked ticket), in one transaction.
import { appendAudit } from "../../store/audit.js";
import type { Queryable } from "../../store/database.js";
import type { IncidentRow } from "./tables.js";
import {
  countTicketsOfIncident,
  incidentById,
  incidentOfTicket,
  insertIncident,
  insertUpdate,
  linkTicket,
  openIncidents,
  setIncidentStatus,
  statusChannels,
  subscribeChannel,
  ticketsOfIncident,
  unlinkTicket,
  unsubscribeChannel,
  updatesOf,
} from "./repository.js";
import { ticketByNumber } from "../../store/tickets.js";
import { breaks } from "../../core/batches.js";
import { duplicatesOf } from "../triage/repository.js";
import type { Ctx, Outcome } from "../../core/desk.js";
import { DeskError, invalid } from "../../core/errors.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { incidentName, type Incident, type IncidentAction, type IncidentStatus, type IncidentView, type Severity } from "./model.js";

export function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity as Severity,
    status: r.status as IncidentStatus,
    service: r.service,
    originTicketId: r.origin_ticket_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
  };
}

/** Takes the command's transaction, or the connection when read outside a command (an adapter drawing a card). */
export async function incidentView(ctx: { trx: Queryable }, r: IncidentRow): Promise<IncidentView> {
  const updates = await updatesOf(ctx.trx, r.id);
  const last = updates.at(-1);
  const author = last ? await ctx.trx.selectFrom("people").select("display_name").where("id", "=", last.author_id).executeTakeFirst() : undefined;
  return {
    incident: toIncident(r),
    latest: last ? { status: last.status as IncidentStatus, body: last.body, author: author?.display_name ?? "someone", at: last.created_at } : null,
    ticketCount: await countTicketsOfIncident(ctx.trx, r.id),
  };
}

export async function runIncident(ctx: Ctx, a: IncidentAction): Promise<Outcome> {
  switch (a.kind) {
    case "declare":
      return declare(ctx, a.title, a.severity ?? "SEV2", a.fromTicket);
    case "update":
      return update(ctx, a.id, a.message, a.status);
    case "resolve":
      return resolveIncident(ctx, a.id, a.message);
    case "show": {
      const r = await load(ctx, a.id);
      return { ok: true, kind: "incident", text: await describeIncident(ctx, r) };
    }
    case "list": {
      const open = await openIncidents(ctx.trx);
      const lines = await Promise.all(open.map(async (r) => `  ${oneLine(await incidentView(ctx, r))}`));
      return {
        ok: true,
        kind: "incident",
        text: open.length ? [`${open.length} open incident${open.length === 1 ? "" : "s"}:`, ...lines].join("\n") : "No open incidents.",
      };
    }
    case "link":
      return link(ctx, a.ticket, a.id);
    case "unlink": {
      ctx.require("update_incident", "take tickets out of incidents");
      const t = await ctx.load(a.ticket);
      const id = await incidentOfTicket(ctx.trx, t.number);
      if (id === undefined) throw invalid(`#${t.number} is not part of an incident.`);
      await unlinkTicket(ctx.trx, t.number);
      await ctx.record.announce(t, "incident_unlinked", `${ctx.actor.name} took #${t.number} out of ${incidentName(id)}`, {
        action: "incident_unlink",
        field: "incident",
        reason: incidentName(id),
      });
      return { ok: true, kind: "incident", text: `#${t.number} is no longer part of ${incidentName(id)}.` };
    }
    case "subscribe":
    case "unsubscribe":
      return subscription(ctx, a.kind, a.channel);
  }
}

async function load(ctx: Ctx, id: number): Promise<IncidentRow> {
  const r = await incidentById(ctx.trx, id);
  if (!r) throw new DeskError("TICKET_NOT_FOUND", `There is no incident ${incidentName(id)}.`);
  return r;
}

function oneLine(v: IncidentView): string {
  const i = v.incident;
  return `${incidentName(i.id)} [${i.severity} ${i.status}] ${i.title} · ${v.ticketCount} ticket${v.ticketCount === 1 ? "" : "s"}`;
}

async function describeIncident(ctx: Ctx, r: IncidentRow): Promise<string> {
  const v = await incidentView(ctx, r);
  const updates = await updatesOf(ctx.trx, r.id);
  const tickets = await ticketsOfIncident(ctx.trx, r.id);
  return [
    oneLine(v),
    ...(r.service ? [`  service ${r.service}`] : []),
    ...updates.map((u) => `  ${new Date(u.created_at).toISOString().slice(11, 16)} ${u.status}: ${u.body}`),
    `  tickets: ${tickets.length ? tickets.map((n) => `#${n}`).join(", ") : "none"}`,
  ].join("\n");
}

async function auditIncident(ctx: Ctx, action: string, r: IncidentRow, to: string, reason?: string): Promise<void> {
  await appendAudit(ctx.trx, [
    {
      at: ctx.now,
      ticket_id: null,
      actor_id: ctx.actor.id,
      platform: ctx.actor.platform,
      action,
      field: incidentName(r.id),
      from_value: null,
      to_value: to,
      reason: reason ?? null,
    },
  ]);
}

async function tell(ctx: Ctx, r: IncidentRow, kind: "declared" | "updated" | "resolved", summary: string): Promise<void> {
  const channels = (await statusChannels(ctx.trx)).map((c) => ({ platform: c.platform, channel: c.channel }));
  await ctx.broadcast({ kind, view: await incidentView(ctx, r), summary, channels });
}

async function declare(ctx: Ctx, title: string, severity: Severity, fromTicket?: number): Promise<Outcome> {
  ctx.require("declare_incident", "declare incidents");
  let origin: Ticket | undefined;
  if (fromTicket !== undefined) {
    origin = await ctx.load(fromTicket);
    if (!isOpen(origin.status)) throw new DeskError("INVALID_TRANSITION", `#${origin.number} is ${origin.status}; declare the incident from an open ticket.`);
    const already = await incidentOfTicket(ctx.trx, origin.number);
    if (already !== undefined) throw new DeskError("INVALID_TRANSITION", `#${origin.number} is already part of ${incidentName(already)}.`);
  }
  const name = title.trim() || origin?.title || "";
  if (!name) throw invalid("The incident needs a title.", "title");
  const r = await insertIncident(ctx.trx, {
    title: name,
    severity,
    service: origin?.service ?? null,
    originTicketId: origin?.number ?? null,
    declaredBy: ctx.actor.id,
    at: ctx.now,
  });
  await insertUpdate(ctx.trx, { incidentId: r.id, authorId: ctx.actor.id, status: "investigating", body: `Investigating: ${name}`, at: ctx.now });
  await auditIncident(ctx, "incident_declare", r, "investigating", severity);
  let joined = 0;
  if (origin) {
    await attach(ctx, origin, r, `declared from #${origin.number}`);
    // The tickets agents linked as duplicates of the origin are the same problem: their requesters hear the incident too.
    for (const d of await duplicatesOf(ctx.trx, origin.number, ["linked"])) {
      const dup = await ticketByNumber(ctx.trx, d.ticket_id);
      if (!dup || !isOpen(dup.status) || (await incidentOfTicket(ctx.trx, dup.number)) !== undefined) continue;
      await attach(ctx, dup, r, `duplicate of #${origin.number}`);
      joined++;
    }
  }
  await tell(ctx, r, "declared", `${ctx.actor.name} declared ${incidentName(r.id)} (${severity}): ${name}`);
  const also = joined ? ` ${joined} linked duplicate${joined === 1 ? "" : "s"} of #${origin!.number} joined it.` : "";
  return {
    ok: true,
    kind: "incident",
    text: `Declared ${incidentName(r.id)} [${severity} investigating] ${name}${origin ? ` from #${origin.number}` : ""}.${also}`,
  };
}

/**
 * Links a ticket and tells its requester where things stand. `auto`: the desk matched it at intake (no one
 * linked it by hand), so it "joined" and the requester hears it as a fact rather than a likelihood.
 */
export async function attach(ctx: Ctx, t: Ticket, r: IncidentRow, reason: string, auto = false): Promise<void> {
  await linkTicket(ctx.trx, { ticketId: t.number, incidentId: r.id, by: auto ? null : ctx.actor.id, reason, at: ctx.now });
  const v = await incidentView(ctx, r);
  const status = v.latest ? `${v.latest.status}: ${v.latest.body}` : r.status;
  const name = `${incidentName(r.id)} (${r.title})`;
  await ctx.record.announce(
    t,
    "incident_linked",
    `#${t.number} ${auto ? "joined" : "is part of"} ${name}: ${reason}`,
    { action: "incident_link", field: "incident", to: incidentName(r.id), reason },
    undefined,
    `${auto ? "This is" : "This looks like"} part of a known outage, ${name}; you are not alone. Current status: ${status}. You will get every update here.`,
  );
}

async function link(ctx: Ctx, ticket: number, id: number): Promise<Outcome> {
  ctx.require("update_incident", "link tickets to incidents");
  if (!(id > 0)) throw invalid("Say which incident: its number, like INC-3.");
  const t = await ctx.load(ticket);
  const r = await load(ctx, id);
  if (r.status === "resolved") throw new DeskError("INVALID_TRANSITION", `${incidentName(id)} is resolved; link tickets to an open incident.`);
  const already = await incidentOfTicket(ctx.trx, ticket);
  if (already === id) throw new DeskError("INVALID_TRANSITION", `#${ticket} is already part of ${incidentName(id)}.`);
  if (already !== undefined) throw new DeskError("INVALID_TRANSITION", `#${ticket} is part of ${incidentName(already)}; unlink it first: unlink ${ticket}.`);
  if (!isOpen(t.status)) throw new DeskError("INVALID_TRANSITION", `#${ticket} is ${t.status}; reopen it first: reopen ${ticket} <why>.`);
  await attach(ctx, t, r, `linked by ${ctx.actor.name}`);
  return { ok: true, kind: "incident", text: `#${ticket} is now part of ${incidentName(id)}.` };
}

async function openLinkedTickets(ctx: Ctx, id: number): Promise<Ticket[]> {
  const out: Ticket[] = [];
  const pause = breaks();
  for (const n of await ticketsOfIncident(ctx.trx, id)) {
    await pause();
    const t = await ticketByNumber(ctx.trx, n);
    if (t && isOpen(t.status)) out.push(t);
  }
  return out;
}

async function update(ctx: Ctx, id: number, message: string, status?: IncidentStatus): Promise<Outcome> {
  ctx.require("update_incident", "post incident updates");
  const before = await load(ctx, id);
  if (before.status === "resolved") throw new DeskError("INVALID_TRANSITION", `${incidentName(id)} is resolved; declare a new incident if it is back.`);
  if (status === "resolved") return resolveIncident(ctx, id, message);
  const next = status ?? (before.status as IncidentStatus);
  await insertUpdate(ctx.trx, { incidentId: id, authorId: ctx.actor.id, status: next, body: message, at: ctx.now });
  const r = await setIncidentStatus(ctx.trx, id, next, ctx.now);
  await auditIncident(ctx, "incident_update", r, next, message);
  await tell(ctx, r, "updated", `${incidentName(id)} ${next}: ${message}`);
  const tickets = await openLinkedTickets(ctx, id);
  const pause = breaks();
  for (const t of tickets) {
    await pause();
    await ctx.record.announce(
      t,
      "incident_update",
      `${incidentName(id)} ${next}: ${message}`,
      { action: "incident_update", field: "incident", to: next, reason: message },
      undefined,
      `Update on ${incidentName(id)} (${r.title}), ${next}: ${message}`,
    );
  }
  return {
    ok: true,
    kind: "incident",
    text: `Posted to ${incidentName(id)} (${next}); ${tickets.length} requester${tickets.length === 1 ? "" : "s"} and every status channel will hear it.`,
  };
}

async function resolveIncident(ctx: Ctx, id: number, message: string): Promise<Outcome> {
  ctx.require("update_incident", "resolve incidents");
  const before = await load(ctx, id);
  if (before.status === "resolved") throw new DeskError("INVALID_TRANSITION", `${incidentName(id)} is already resolved.`);
  await insertUpdate(ctx.trx, { incidentId: id, authorId: ctx.actor.id, status: "resolved", body: message, at: ctx.now });
  const r = await setIncidentStatus(ctx.trx, id, "resolved", ctx.now);
  await auditIncident(ctx, "incident_resolve", r, "resolved", message);
  await tell(ctx, r, "resolved", `${incidentName(id)} resolved: ${message}`);
  const tickets = await openLinkedTickets(ctx, id);
  const pause = breaks();
  for (const t of tickets) {
    await pause();
    await ctx.record.change(
      t,
      { status: "resolved", resolution: message, resolved_at: ctx.now },
      "resolved",
      `${ctx.actor.name} resolved #${t.number} with ${incidentName(id)}`,
      {
        reason: `${incidentName(id)} resolved`,
        comment: { body: message, internal: false },
        requesterMessage: `${incidentName(id)} (${r.title}) is resolved: ${message}. Is it working for you again? If not, reopen your ticket.`,
      },
    );
  }
  return { ok: true, kind: "incident", text: `Resolved ${incidentName(id)} and its ${tickets.length} open ticket${tickets.length === 1 ? "" : "s"}.` };
}

async function subscription(ctx: Ctx, kind: "subscribe" | "unsubscribe", channel?: string): Promise<Outcome> {
  ctx.require("update_incident", "choose status channels");
  if (!channel)
    throw invalid(`Say "incident ${kind}" in the Slack or Teams channel that should ${kind === "subscribe" ? "get" : "stop getting"} status updates.`);
  const platform = ctx.actor.platform;
  if (kind === "subscribe") {
    const added = await subscribeChannel(ctx.trx, { platform, channel, by: ctx.actor.id, at: ctx.now });
    return { ok: true, kind: "incident", text: added ? "This channel will get every incident's status updates." : "This channel already gets status updates." };
  }
  const removed = await unsubscribeChannel(ctx.trx, platform, channel);
  return { ok: true, kind: "incident", text: removed ? "This channel will no longer get status updates." : "This channel was not getting status updates." };
}
