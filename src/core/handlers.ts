// One function per command: check permission, check the lifecycle, change, answer.
import type { Actor, Command, CreateFields, ListScope, PersonRef, Source } from "./commands.js";
import type { Ctx, HistoryLine, Outcome } from "./context.js";
import { DeskError, forbidden, invalid } from "./errors.js";
import { personKey, toPerson, type Person } from "./people.js";
import { atLeast } from "./permissions.js";
import { insertTicket, listTickets, searchTickets } from "../store/tickets.js";
import { insertComment } from "../store/comments.js";
import { auditOfTicket } from "../store/audit.js";
import { personByHandle, personByPlatformId, upsertPerson } from "../store/people.js";
import { historyText, isNote } from "./history-text.js";
import { LIMITS, STATUS_LABEL, assertReopenable, assertTransition, isOpen, priorityOf, type Ticket } from "./ticket.js";
import { describe, describeList } from "./text.js";

export async function runCommand(ctx: Ctx, cmd: Command): Promise<Outcome> {
  switch (cmd.kind) {
    case "create":
      return create(ctx, cmd, cmd.source, cmd.onBehalfOf);
    case "form":
      ctx.require("create", "open tickets");
      return { ok: true, kind: "form", text: "Fill in the form to open a ticket.", form: ctx.capabilities.form(ctx.settings) };
    case "help":
      return { ok: true, kind: "help", text: cmd.unknown ? cmd.unknown : ctx.capabilities.help() };
    case "list":
      return list(ctx, cmd.scope);
    case "search":
      return search(ctx, cmd.words);
    case "show": {
      const t = await visible(ctx, cmd.number);
      const snapshot = await ctx.snapshot(t);
      return { ok: true, kind: "show", text: describe(snapshot), snapshot };
    }
    case "history":
      return history(ctx, cmd.number);
    case "claim":
      return claim(ctx, cmd.number, cmd.force === true);
    case "assign":
      return assign(ctx, cmd.number, cmd.assignee);
    case "priority": {
      ctx.require("change_priority", "change a ticket's priority");
      const t = await openTicket(ctx, cmd.number);
      if (t.priority === cmd.priority) throw new DeskError("INVALID_TRANSITION", `#${t.number} is already ${cmd.priority}.`);
      return done(ctx, "priority", await ctx.change(t, { priority: cmd.priority }, "priority", `${ctx.actor.name} set #${t.number} to ${cmd.priority}`));
    }
    case "status":
      return status(ctx, cmd.number, cmd.status);
    case "comment":
    case "note":
      return comment(ctx, cmd.number, cmd.body, cmd.kind === "note");
    case "resolve":
      return resolve(ctx, cmd.number, cmd.resolution);
    case "close": {
      const t = await ctx.load(cmd.number);
      ctx.require(t.requesterId === ctx.actor.id ? "close_own" : "close_any", "close other people's tickets");
      assertTransition(t.number, t.status, "closed");
      return done(ctx, "close", await ctx.change(t, { status: "closed", closed_at: ctx.now }, "closed", `${ctx.actor.name} closed #${t.number}`));
    }
    case "reopen":
      return reopen(ctx, cmd.number, cmd.reason);
    case "category":
      return category(ctx, cmd.number, cmd.category);
    case "capability":
      // The desk routes these to the capability that registered the verb; reaching here means none did.
      throw new DeskError("UNKNOWN_COMMAND", `"${cmd.capability} ${cmd.verb}" is not available on this desk.`);
    default:
      // A kind a capability declared (an incident's), on a desk without that capability.
      throw new DeskError("UNKNOWN_COMMAND", `"${cmd.kind}" is not available on this desk.`);
  }
}

function done(ctx: Ctx, kind: Command["kind"], snapshot: Awaited<ReturnType<Ctx["snapshot"]>>, text?: string): Outcome {
  return { ok: true, kind, text: text ?? describe(snapshot), snapshot };
}

async function create(ctx: Ctx, f: CreateFields, source?: Source, onBehalfOf?: Actor): Promise<Outcome> {
  ctx.require("create", "open tickets");
  const title = f.title.trim();
  const description = (f.description ?? "").trim();
  if (!title) throw invalid("The ticket needs a title.", "title");
  if (title.length > LIMITS.title)
    throw invalid(`The title is ${title.length} characters; keep it to ${LIMITS.title} and put the details after " -- ".`, "title");
  if (description.length > LIMITS.description)
    throw invalid(`The description is ${description.length} characters; keep it to ${LIMITS.description}.`, "description");
  const settings = ctx.settings;
  if (f.category && !settings.categories.some((c) => c.name === f.category)) throw invalid(`There is no category "${f.category}".`, "category");
  const impact = f.impact ?? settings.defaults.impact;
  const urgency = f.urgency ?? settings.defaults.urgency;
  const category = f.category ?? null;
  const team = settings.categories.find((c) => c.name === category)?.team ?? settings.services.find((s) => s.name === f.service)?.team ?? null;
  // Raised from someone else's message: its author asked for help, so they are the requester.
  const requester =
    onBehalfOf && !(onBehalfOf.platform === ctx.actor.platform && onBehalfOf.userId === ctx.actor.userId)
      ? toPerson(await upsertPerson(ctx.trx, onBehalfOf, ctx.now))
      : ctx.actor;
  const ticket = await insertTicket(ctx.trx, {
    title,
    description,
    type: f.type ?? settings.defaults.type,
    category,
    service: f.service ?? null,
    impact,
    urgency,
    priority: priorityOf(settings.priorityMatrix, impact, urgency),
    status: "new",
    requester_id: requester.id,
    assignee_id: null,
    team,
    tags: JSON.stringify(f.tags ?? []),
    source_kind: source?.kind ?? ctx.actor.platform,
    source_link: source?.link ?? null,
    source_ref: source?.ref ?? null,
    resolution: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
  });
  const forWhom = requester.id === ctx.actor.id ? "" : ` for ${requester.name}`;
  const onBehalf = forWhom ? `; raised by ${ctx.actor.name} on behalf of ${requester.name}` : "";
  const snapshot = await ctx.announce(ticket, "created", `${ctx.actor.name} opened #${ticket.number}${forWhom}: ${ticket.title}`, {
    action: "create",
    field: "status",
    to: "new",
    reason: `priority ${ticket.priority} from impact ${impact} x urgency ${urgency}${onBehalf}`,
  });
  const told = ctx.told.length ? `\n${ctx.told.join("\n")}` : "";
  return { ok: true, kind: "create", text: `Opened ${describe(snapshot)}${told}`, snapshot };
}

async function list(ctx: Ctx, requested?: ListScope): Promise<Outcome> {
  const agent = atLeast(ctx.role, "agent");
  const scope = requested ?? (agent ? "open" : "mine");
  if (scope !== "mine" && !agent)
    throw forbidden(
      `Only agents can list ${scope === "queue" ? "the queue" : scope === "all" ? "all tickets" : "the open tickets"}; you are a requester. Try: list mine.`,
    );
  const orderFirst = ctx.capabilities.listOrder;
  const tickets =
    scope === "mine"
      ? [
          ...(await listTickets(ctx.trx, { requesterId: ctx.actor.id, openOnly: true, orderFirst })),
          ...(agent ? await listTickets(ctx.trx, { assigneeId: ctx.actor.id, openOnly: true, orderFirst }) : []),
        ]
      : await listTickets(ctx.trx, { openOnly: scope !== "all", unassigned: scope === "queue", orderFirst });
  const unique = [...new Map(tickets.map((t) => [t.number, t])).values()];
  const snapshots = await Promise.all(unique.map((t) => ctx.snapshot(t)));
  return { ok: true, kind: "list", text: describeList(snapshots, scope), list: snapshots };
}

async function search(ctx: Ctx, words: string): Promise<Outcome> {
  const found = await searchTickets(ctx.trx, words, 50);
  const allowed = atLeast(ctx.role, "agent") ? found : found.filter((t) => t.requesterId === ctx.actor.id);
  const snapshots = await Promise.all(allowed.slice(0, 20).map((t) => ctx.snapshot(t)));
  return {
    ok: true,
    kind: "search",
    text: snapshots.length ? describeList(snapshots, `matching "${words}"`) : `No tickets match "${words}".`,
    list: snapshots,
  };
}

async function visible(ctx: Ctx, number: number): Promise<Ticket> {
  const t = await ctx.load(number);
  // An approver reads the request they decide on, whatever their role.
  if (t.requesterId !== ctx.actor.id && t.assigneeId !== ctx.actor.id && !atLeast(ctx.role, "agent") && !(await ctx.capabilities.mayRead(ctx, number)))
    throw forbidden(`#${number} is someone else's ticket; only agents can see it.`);
  return t;
}

/** A ticket that is still being worked; resolved and closed tickets must be reopened first. */
async function openTicket(ctx: Ctx, number: number): Promise<Ticket> {
  const t = await ctx.load(number);
  if (!isOpen(t.status)) throw new DeskError("INVALID_TRANSITION", `#${number} is ${STATUS_LABEL[t.status]}; reopen it first: reopen ${number} <why>.`);
  return t;
}

async function history(ctx: Ctx, number: number): Promise<Outcome> {
  await visible(ctx, number);
  const rows = await auditOfTicket(ctx.trx, number);
  const all: HistoryLine[] = rows.map((r) => ({
    at: r.at,
    actor: r.actor_name ?? "system",
    platform: r.platform,
    action: r.action,
    field: r.field,
    from: r.from_value,
    to: r.to_value,
    reason: r.reason,
  }));
  // A requester does not learn that an internal note exists.
  const lines = atLeast(ctx.role, "agent") ? all : all.filter((h) => !isNote(h));
  // Read by people on every platform: in words, local times, names (the audit trail keeps the raw values).
  const text = historyText(number, lines, { timezone: ctx.settings.timezone, names: await assigneeNames(ctx, lines) });
  return { ok: true, kind: "history", text, history: lines };
}

/** Display names of the people the history's assignee changes name ("console:ana" -> "ana"). */
async function assigneeNames(ctx: Ctx, lines: HistoryLine[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const key of new Set(lines.filter((h) => h.field === "assignee").flatMap((h) => [h.from, h.to]))) {
    const at = key?.indexOf(":") ?? -1;
    if (!key || at < 0) continue;
    const p = await personByPlatformId(ctx.trx, key.slice(0, at), key.slice(at + 1));
    if (p) names.set(key, p.display_name);
  }
  return names;
}

async function claim(ctx: Ctx, number: number, force: boolean): Promise<Outcome> {
  ctx.require("claim", "claim tickets");
  const t = await openTicket(ctx, number);
  if (t.assigneeId === ctx.actor.id) throw new DeskError("INVALID_TRANSITION", `#${number} is already yours.`);
  // Taking a ticket from a colleague is asked for by name, so a stale card or a wrong number takes nobody's work.
  if (t.assigneeId !== null && !force)
    throw new DeskError("INVALID_TRANSITION", `#${number} is with ${(await ctx.person(t.assigneeId)).name}; \`claim ${number} force\` to take it over.`);
  const changes = {
    assignee_id: ctx.actor.id,
    ...(t.status === "new" || t.status === "triaged" ? { status: "in_progress" } : {}),
    ...(t.firstResponseAt ? {} : { first_response_at: ctx.now }),
  };
  return done(ctx, "claim", await ctx.change(t, changes, "claimed", `${ctx.actor.name} claimed #${number}`));
}

async function assign(ctx: Ctx, number: number, ref: PersonRef): Promise<Outcome> {
  ctx.require("assign", "assign tickets");
  const t = await openTicket(ctx, number);
  const who = await resolvePerson(ctx, ref);
  if (!atLeast(ctx.roleOfPerson(who), "agent")) throw invalid(`${who.name} is not an agent, so cannot be assigned tickets.`, "assignee");
  if (t.assigneeId === who.id) throw new DeskError("INVALID_TRANSITION", `#${number} is already assigned to ${who.name}.`);
  const changes = { assignee_id: who.id, ...(t.status === "new" ? { status: "triaged" } : {}) };
  return done(ctx, "assign", await ctx.change(t, changes, "assigned", `${ctx.actor.name} assigned #${number} to ${who.name}`));
}

/** A mention carries a platform id; a typed handle is looked up, and configured agents are known before they first speak. */
async function resolvePerson(ctx: Ctx, ref: PersonRef): Promise<Person> {
  const platform = ctx.actor.platform;
  const userId = ref.id ?? ref.name ?? "";
  const found = ref.id ? await personByPlatformId(ctx.trx, platform, ref.id) : await personByHandle(ctx.trx, userId, platform);
  if (found) return toPerson(found);
  if (atLeast(ctx.roleOfPerson({ platform, userId, email: null, id: 0, name: userId, tz: null }), "agent")) {
    return toPerson(await upsertPerson(ctx.trx, { platform, userId, displayName: ref.name ?? userId }, ctx.now));
  }
  throw new DeskError("PERSON_NOT_FOUND", `I don't know @${ref.name ?? ref.id}. Assign to an agent of the desk.`);
}

async function status(ctx: Ctx, number: number, to: Ticket["status"]): Promise<Outcome> {
  ctx.require("change_status", "change a ticket's status");
  const t = await ctx.load(number);
  if (to === "resolved" && isOpen(t.status)) throw invalid(`Say how #${number} was resolved: resolve ${number} <resolution>.`, "status");
  assertTransition(number, t.status, to);
  const stamps = to === "closed" ? { closed_at: ctx.now } : {};
  return done(
    ctx,
    "status",
    await ctx.change(t, { status: to, ...stamps }, to === "closed" ? "closed" : "status", `${ctx.actor.name} moved #${number} to ${STATUS_LABEL[to]}`),
  );
}

async function comment(ctx: Ctx, number: number, body: string, internal: boolean): Promise<Outcome> {
  const text = body.trim();
  if (!text) throw invalid(`The ${internal ? "note" : "comment"} is empty.`, "body");
  if (text.length > LIMITS.comment) throw invalid(`The ${internal ? "note" : "comment"} is ${text.length} characters; keep it to ${LIMITS.comment}.`, "body");
  const t = await ctx.load(number);
  if (internal) ctx.require("note", "add internal notes");
  else ctx.require(t.requesterId === ctx.actor.id ? "comment_own" : "comment_any", "comment on other people's tickets");
  if (!internal && t.status === "closed") throw new DeskError("INVALID_TRANSITION", `#${number} is closed; reopen it first: reopen ${number} <why>.`);
  await insertComment(ctx.trx, { ticketId: number, authorId: ctx.actor.id, body: text, internal, at: ctx.now });
  const byAgent = atLeast(ctx.role, "agent") && t.requesterId !== ctx.actor.id;
  const changes: Record<string, unknown> = {};
  if (!internal && byAgent && !t.firstResponseAt) changes.first_response_at = ctx.now;
  // The requester answering a ticket that waits on them puts it back in the agents' hands.
  if (!internal && t.requesterId === ctx.actor.id && t.status === "waiting") changes.status = "in_progress";
  const kind = internal ? "noted" : "commented";
  const summary = `${ctx.actor.name} ${internal ? "added a note to" : "commented on"} #${number}`;
  const c = { body: text, internal };
  const snapshot = Object.keys(changes).length
    ? await ctx.change(t, changes, kind, summary, { comment: c, reason: internal ? "internal note" : "public comment" })
    : await ctx.announce(t, kind, summary, { action: internal ? "note" : "comment" }, c);
  return { ok: true, kind: internal ? "note" : "comment", text: `${internal ? "Note" : "Comment"} added to #${number}.`, snapshot };
}

async function resolve(ctx: Ctx, number: number, resolution: string): Promise<Outcome> {
  ctx.require("resolve", "resolve tickets");
  const text = resolution.trim();
  if (text.length > LIMITS.resolution) throw invalid(`The resolution is ${text.length} characters; keep it to ${LIMITS.resolution}.`, "resolution");
  const t = await ctx.load(number);
  assertTransition(number, t.status, "resolved");
  // The desk resolving by itself (an alert clearing) is neither a response nor an owner.
  const byPerson = ctx.actor.platform !== "system";
  const changes = {
    status: "resolved",
    resolution: text,
    resolved_at: ctx.now,
    ...(t.firstResponseAt || !byPerson ? {} : { first_response_at: ctx.now }),
    ...(t.assigneeId || !byPerson ? {} : { assignee_id: ctx.actor.id }),
  };
  return done(ctx, "resolve", await ctx.change(t, changes, "resolved", `${ctx.actor.name} resolved #${number}`, { comment: { body: text, internal: false } }));
}

async function reopen(ctx: Ctx, number: number, reason: string): Promise<Outcome> {
  const t = await ctx.load(number);
  ctx.require(t.requesterId === ctx.actor.id ? "reopen_own" : "reopen_any", "reopen other people's tickets");
  assertReopenable(number, t.status);
  const why = reason.trim().slice(0, LIMITS.comment);
  await insertComment(ctx.trx, { ticketId: number, authorId: ctx.actor.id, body: `Reopened: ${why}`, internal: false, at: ctx.now });
  const to = t.assigneeId ? "in_progress" : "triaged";
  // The old resolution did not hold: it is cleared, so no card or later close shows it as the answer
  // (its text stays in the conversation and the audit trail).
  return done(
    ctx,
    "reopen",
    await ctx.change(t, { status: to, resolution: null, resolved_at: null, closed_at: null }, "reopened", `${ctx.actor.name} reopened #${number}: ${why}`, {
      reason: why,
      comment: { body: `Reopened: ${why}`, internal: false },
    }),
  );
}

/** An agent sets or corrects the category; the team follows the category's team when it has one. */
async function category(ctx: Ctx, number: number, name: string): Promise<Outcome> {
  ctx.require("change_category", "set a ticket's category");
  const t = await openTicket(ctx, number);
  const wanted = name.trim().toLowerCase();
  const c = ctx.settings.categories.find((x) => x.name.toLowerCase() === wanted);
  if (!c) throw invalid(`There is no category "${name.trim()}". Categories: ${ctx.settings.categories.map((x) => x.name).join(", ")}.`, "category");
  const changes = { category: c.name, ...(c.team && c.team !== t.team ? { team: c.team } : {}) };
  if (t.category === c.name) throw new DeskError("INVALID_TRANSITION", `#${number} is already in ${c.name}.`);
  return done(
    ctx,
    "category",
    await ctx.change(t, changes, "category", `${ctx.actor.name} set #${number}'s category to ${c.name}`, {
      reason: t.category ? `corrected from ${t.category}` : "set by an agent",
    }),
  );
}

export { personKey };
