// At intake, a new ticket that matches an open incident joins it, and its requester hears the status at once.
import { incidentById, incidentOfTicket, openIncidents, ticketsOfIncident } from "./repository.js";
import { ticketByNumber } from "../../store/tickets.js";
import type { Capability } from "../../core/capability.js";
import { INCIDENT_USAGE, parseIncidentCommand } from "./grammar.js";
import { attach, runIncident } from "./handlers.js";
import { matchIncident, type IncidentCandidate } from "./matching.js";
import { incidentName, parseIncidentId } from "./model.js";
import { isOpen } from "../../core/ticket.js";
import type { TicketSnapshot } from "../../core/views.js";

/** What a ticket's snapshot carries about its incident (snapshot.extras.incidents). */
export interface TicketIncident {
  id: number;
  title: string;
  status: string;
}

export const DECLARE_VERB = "declare_incident";
/** "Link to incident" on a ticket's card: the same command as `link N to incident I`. */
export const LINK_VERB = "link_incident";

/** The card shows the ticket's incident, or offers to declare one from it. */
function incidentCard(s: TicketSnapshot) {
  const inc = s.extras?.incidents as TicketIncident | null | undefined;
  if (inc) return { fields: [{ label: "Incident", value: `${incidentName(inc.id)} ${inc.title} (${inc.status})` }] };
  if (!isOpen(s.ticket.status)) return {};
  return {
    actions: [
      { verb: DECLARE_VERB, label: "Declare incident", ticketId: s.ticket.number, style: "danger" as const, typed: `incident from ${s.ticket.number}` },
      {
        verb: LINK_VERB,
        label: "Link to incident",
        ticketId: s.ticket.number,
        typed: `link ${s.ticket.number} to incident I`,
        input: { kind: "text" as const, label: "Which incident? Its number, like INC-3", maxLength: 20 },
      },
    ],
  };
}

export function incidentsCapability(): Capability {
  return {
    name: "incidents",
    verbs: [
      {
        usage: INCIDENT_USAGE.map((u) => ({ verb: "incident", ...u })),
        heading: "Incidents",
        words: ["incident", "incidents", "link", "unlink"],
        parse: (args, _text, { verb, after }) => parseIncidentCommand(verb, args, after),
      },
    ],
    actions: {
      [DECLARE_VERB]: (ticketId) => ({ kind: "incident", action: { kind: "declare", fromTicket: ticketId, title: "" } }),
      // No input yet: the adapter asks for it. A typed value that names no incident is refused by the command.
      [LINK_VERB]: (ticketId, input) =>
        input.trim() ? { kind: "incident", action: { kind: "link", ticket: ticketId, id: parseIncidentId(input.trim().split(/\s+/)[0]) ?? 0 } } : undefined,
    },
    card: incidentCard,
    runs: {
      kinds: ["incident"],
      run: (ctx, cmd) => {
        if (cmd.kind !== "incident") throw new Error(`incidents cannot run a ${cmd.kind} command`);
        return runIncident(ctx, cmd.action);
      },
    },
    async enrich(db, ticket): Promise<TicketIncident | null> {
      const id = await incidentOfTicket(db, ticket.number);
      const r = id === undefined ? undefined : await incidentById(db, id);
      return r ? { id: r.id, title: r.title, status: r.status } : null;
    },
    async afterChange(ctx, { kind, after }) {
      if (kind !== "created") return;
      const open = await openIncidents(ctx.trx);
      if (!open.length || (await incidentOfTicket(ctx.trx, after.number)) !== undefined) return;
      const candidates: IncidentCandidate[] = [];
      for (const r of open) {
        const titles: string[] = [];
        for (const n of (await ticketsOfIncident(ctx.trx, r.id)).slice(0, 20)) {
          const t = await ticketByNumber(ctx.trx, n);
          if (t) titles.push(t.title);
        }
        candidates.push({ id: r.id, title: r.title, service: r.service, ticketTitles: titles });
      }
      const match = matchIncident(after, candidates);
      if (!match) return;
      await attach(
        ctx,
        after,
        open.find((i) => i.id === match.id)!,
        match.reason,
        true,
      );
    },
  };
}
