// Triage's own verbs: accept a suggested category, link or refuse a duplicate, the incident offer,
// agents' shifts, accuracy figures, and a text view of a ticket's triage for the console.
import type { Command } from "../../core/commands.js";
import type { Ctx, Outcome } from "../../core/context.js";
import { DeskError, invalid, isDeskError } from "../../core/errors.js";
import { incidentOfTicket, incidentById } from "../incidents/repository.js";
import { personKey } from "../../core/people.js";
import { isOpen, type Ticket } from "../../core/ticket.js";
import { ticketView } from "../../core/views.js";
import { incidentName } from "../incidents/model.js";
import type { TriageSettings } from "./settings.js";
import * as store from "./repository.js";
import { counted, fieldText } from "../../core/text.js";

type Cap = Extract<Command, { kind: "capability" }>;

/** What triage's verbs need of the capability itself (the Triage class in triage.ts, which runs them). */
export interface TriageLearner {
  readonly conf: TriageSettings;
  readonly model: { examples: number };
  accepted(ctx: Ctx, t: Ticket, category: string): Promise<void>;
  assignOwner(ctx: Ctx, t: Ticket): Promise<void>;
}

/** A declared incident's name and title, which are public, when the ticket is part of one. */
export async function publicIncident(ctx: Ctx, ticket: number): Promise<string | undefined> {
  const id = await incidentOfTicket(ctx.trx, ticket);
  const r = id === undefined ? undefined : await incidentById(ctx.trx, id);
  return r ? `${incidentName(r.id)}: ${r.title}` : undefined;
}

export async function runTriageCommand(triage: TriageLearner, ctx: Ctx, cmd: Cap): Promise<Outcome> {
  ctx.require("assign", "triage tickets");
  const number = cmd.number;
  const need = () => {
    if (number === undefined) throw invalid(`Which ticket? Usage: ${cmd.verb} N.`);
    return number;
  };
  switch (cmd.verb) {
    case "show":
      return show(ctx, need());
    case "accept":
      return accept(triage, ctx, need());
    case "link":
      return link(ctx, need(), cmd.text);
    case "notdup":
      return notDuplicate(ctx, need());
    case "incident":
      return incidentOffer(ctx, need());
    case "shift":
      return shift(ctx, cmd.text ?? "");
    case "stats":
      return stats(triage, ctx);
  }
  throw new DeskError("UNKNOWN_COMMAND", `Triage has no verb "${cmd.verb}".`);
}

async function show(ctx: Ctx, number: number): Promise<Outcome> {
  const snapshot = await ctx.snapshot(await ctx.load(number));
  const view = ticketView(snapshot);
  const lines = [
    `Triage of #${number}:`,
    ...view.fields.map((f) => `  ${fieldText(f)}`),
    `  Commands: ${view.actions.map((a) => a.typed ?? a.label).join(" · ")}`,
  ];
  return { ok: true, kind: "capability", text: lines.join("\n"), snapshot };
}

async function accept(triage: TriageLearner, ctx: Ctx, number: number): Promise<Outcome> {
  const t = await ctx.load(number);
  const row = await store.triageOf(ctx.trx, number);
  if (!row?.category) throw invalid(`#${number} has no suggested category to accept; set one with: category ${number} <name>.`);
  if (row.outcome) throw new DeskError("INVALID_TRANSITION", `#${number}'s suggestion (${row.category}) was already ${row.outcome}.`);
  await store.setOutcome(ctx.trx, number, "accepted", null);
  await triage.accepted(ctx, t, row.category);
  if (t.category !== row.category) {
    const team = ctx.settings.categories.find((c) => c.name === row.category)?.team;
    await ctx.change(t, { category: row.category, ...(team ? { team } : {}) }, "triaged", `${ctx.actor.name} accepted ${row.category} for #${number}`, {
      reason: `suggestion accepted (${row.reason})`,
    });
    await triage.assignOwner(ctx, await ctx.load(number));
  }
  const snapshot = await ctx.snapshot(await ctx.load(number));
  return { ok: true, kind: "capability", text: `#${number} is in ${row.category}.`, snapshot };
}

async function link(ctx: Ctx, number: number, of?: string): Promise<Outcome> {
  const t = await ctx.load(number);
  const existing = await store.duplicateOf(ctx.trx, number);
  const originalId = of ? Number(of.replace(/^#/, "")) : existing?.original_id;
  if (!originalId || !Number.isInteger(originalId)) throw invalid(`#${number} has no suggested original; say which: duplicate ${number} of M.`);
  if (originalId === number) throw invalid(`#${number} cannot duplicate itself.`);
  const original = await ctx.load(originalId);
  const upstream = await store.duplicateOf(ctx.trx, originalId);
  if (upstream?.state === "linked") throw invalid(`#${originalId} is itself a duplicate of #${upstream.original_id}; link to #${upstream.original_id}.`);
  if (existing?.state === "linked" && existing.original_id === originalId)
    throw new DeskError("INVALID_TRANSITION", `#${number} is already linked to #${originalId}.`);
  if ((await store.duplicatesOf(ctx.trx, number, ["linked"])).length) throw invalid(`#${number} has duplicates of its own; link them to #${originalId} first.`);
  await store.saveDuplicate(ctx.trx, {
    ticket_id: number,
    original_id: originalId,
    score: existing?.score ?? 1,
    state: "linked",
    created_at: existing?.created_at ?? ctx.now,
    decided_at: ctx.now,
  });
  const snapshot = await ctx.announce(
    t,
    "duplicate_linked",
    `${ctx.actor.name} linked #${number} as a duplicate of #${originalId}`,
    { action: "triage", field: "duplicate_of", to: `#${originalId}`, reason: "linked by an agent" },
    undefined,
    await linkedMessage(ctx, originalId),
  );
  // Linked to an original that is already done: follow it now.
  if (!isOpen(original.status) && isOpen(t.status)) {
    const note = `Resolved with #${originalId}: ${original.resolution ?? "fixed"}`;
    await ctx.record.change(
      await ctx.load(number),
      { status: "resolved", resolution: note, resolved_at: ctx.now },
      "resolved",
      `#${number} resolved with its original #${originalId}`,
      { reason: `duplicate of #${originalId}`, comment: { body: note, internal: false } },
    );
  }
  return { ok: true, kind: "capability", text: `#${number} is linked as a duplicate of #${originalId}; it will close with it.`, snapshot };
}

async function notDuplicate(ctx: Ctx, number: number): Promise<Outcome> {
  const t = await ctx.load(number);
  const d = await store.duplicateOf(ctx.trx, number);
  if (!d || d.state === "rejected") throw new DeskError("INVALID_TRANSITION", `#${number} is not marked as a duplicate.`);
  await store.saveDuplicate(ctx.trx, { ...d, state: "rejected", decided_at: ctx.now });
  const snapshot = await ctx.announce(t, "duplicate_rejected", `${ctx.actor.name}: #${number} is not a duplicate of #${d.original_id}`, {
    action: "triage",
    field: "duplicate_of",
    reason: `not a duplicate of #${d.original_id} (agent)`,
  });
  return { ok: true, kind: "capability", text: `#${number} is not a duplicate of #${d.original_id}; noted.`, snapshot };
}

/** The offer's button: declares the incident from the original (issue #7's command) and links its duplicates to it. */
async function incidentOffer(ctx: Ctx, number: number): Promise<Outcome> {
  ctx.require("declare_incident", "declare incidents");
  const offer = await store.offerFor(ctx.trx, number);
  if (!offer) throw invalid(`No incident was offered for #${number}.`);
  if (offer.state !== "offered") throw new DeskError("INVALID_TRANSITION", `The incident from #${number} was already declared.`);
  const declared = await ctx.run({ kind: "incident", action: { kind: "declare", fromTicket: number, title: "" } });
  const id = await incidentOfTicket(ctx.trx, number);
  let linked = 0;
  if (declared.ok && id !== undefined) {
    for (const d of await store.duplicatesOf(ctx.trx, number, ["suggested", "linked"])) {
      // Linked duplicates joined with the declaration itself (incidents/handlers.ts declare).
      if ((await incidentOfTicket(ctx.trx, d.ticket_id)) === id) {
        linked++;
        continue;
      }
      try {
        await ctx.run({ kind: "incident", action: { kind: "link", ticket: d.ticket_id, id } });
        linked++;
      } catch (err) {
        // A duplicate already in another incident, or closed meanwhile, stays where it is.
        if (!isDeskError(err)) throw err;
      }
    }
  }
  await store.saveOffer(ctx.trx, number, offer.count, "declared", offer.created_at);
  // The declaration's own count of linked duplicates is part of this one.
  const said = declared.ok ? declared.text.replace(/ \d+ linked duplicates? of #\d+ joined it\.$/, "") : "";
  return { ok: true, kind: "capability", text: `${said} ${linked} duplicate${linked === 1 ? "" : "s"} of #${number} joined it.`.trim() };
}

async function shift(ctx: Ctx, arg: string): Promise<Outcome> {
  const on = /^on$/i.test(arg.trim()) ? true : /^off$/i.test(arg.trim()) ? false : undefined;
  if (on === undefined) throw invalid(`Say "shift on" or "shift off".`);
  await store.setShift(ctx.trx, personKey(ctx.actor).toLowerCase(), on, ctx.now);
  return {
    ok: true,
    kind: "capability",
    text: on ? `${ctx.actor.name} is on shift: new tickets may be assigned to you.` : `${ctx.actor.name} is off shift: no new tickets will be assigned to you.`,
  };
}

async function stats(triage: TriageLearner, ctx: Ctx): Promise<Outcome> {
  const s = await store.stats(ctx.trx);
  const decided = s.accepted + s.corrected;
  const acc = decided ? `${Math.round((s.accepted / decided) * 100)}%` : "n/a";
  const lines = [
    `Triage (${triage.conf.mode} mode, model trained on ${counted(triage.model.examples, "ticket")}):`,
    `  suggestions ${s.suggested}: accepted ${s.accepted}, corrected ${s.corrected}, not yet reviewed ${s.pending}; accuracy ${acc}`,
    ...s.bySource.map((b) => `  ${b.source}: accepted ${b.accepted}, corrected ${b.corrected}`),
  ];
  return { ok: true, kind: "capability", text: lines.join("\n") };
}

/** The requester of a linked duplicate hears that it joins another report: its number, not its title (triage.ts sameProblemMessage). */
async function linkedMessage(ctx: Ctx, originalId: number): Promise<string> {
  const incident = await publicIncident(ctx, originalId);
  return `Your ticket is linked to #${originalId}${incident ? ` (${incident})` : ""}, the same problem reported by others; you will hear here when it is fixed.`;
}
