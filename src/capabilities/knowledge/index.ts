// The knowledge base: articles written by hand or from a resolution, searched with `kb`, and offered to a
// requester the moment they open a ticket ("This may help ... Solved it / Still need help").
import { incidentOfTicket } from "../incidents/repository.js";
import {
  articleById,
  decideOffer,
  insertArticle,
  markReviewed,
  offersOfTicket,
  recordOffers,
  searchArticles,
  staleArticles,
  usefulness,
} from "./repository.js";
import type { ArticleRow } from "./tables.js";
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import type { Ctx, Outcome } from "../../core/context.js";
import { DeskError, invalid } from "../../core/errors.js";
import { atLeast } from "../../core/permissions.js";
import { isOpen } from "../../core/ticket.js";
import type { ActionView, TicketSnapshot } from "../../core/views.js";
import { coverage, significantWords } from "../../core/words.js";
import { articleFromResolution, completeArticleBody, parseArticleJson, validateArticle } from "./form.js";
import { counted } from "../../core/text.js";

export const KB = "knowledge";
export const SOLVED_VERB = "kb_solved";
export const NOT_SOLVED_VERB = "kb_not_solved";

export interface KnowledgeOptions {
  /** Share of an article's title words a new ticket must contain to be offered it. */
  offerThreshold: number;
  maxOffers: number;
  staleDays: number;
}

export const DEFAULT_KNOWLEDGE: KnowledgeOptions = { offerThreshold: 0.5, maxOffers: 3, staleDays: 180 };

export const articleName = (id: number) => `KB-${id}`;
const parseArticleId = (t: string | undefined) => Number(/^(?:kb-?)?(\d{1,9})$/i.exec(t ?? "")?.[1]) || undefined;
const kb = (text: string): Command => ({ kind: "capability", capability: KB, verb: "kb", text });

const USAGE = [
  "kb <words>                 search the knowledge base",
  "kb new <title> -- <body>   write an article (agents)",
  "kb from N [<title> -- <body>]  an article from ticket N's resolution (agents)",
  "kb show A / kb review A    read an article / mark it reviewed",
  "kb stale                   articles nobody reviewed lately",
  "kb solved N / kb unsolved N  answer the article offered on your ticket N",
].join("\n  ");

/** The articles worth offering for a ticket's text, best first. */
export async function matchArticles(ctx: Pick<Ctx, "trx">, text: string, o: KnowledgeOptions): Promise<ArticleRow[]> {
  const words = significantWords(text);
  const found = await searchArticles(ctx.trx, text, 10);
  return found
    .map((a) => ({ a, c: coverage(words, significantWords(`${a.title} ${JSON.parse(a.tags).join(" ")}`)) }))
    .filter(({ c }) => c.share >= o.offerThreshold && c.shared >= 1)
    .sort((x, y) => y.c.share - x.c.share)
    .slice(0, o.maxOffers)
    .map(({ a }) => a);
}

function articleCard(s: TicketSnapshot) {
  const offers = s.extras?.[KB] as { id: number; title: string; outcome: string | null }[] | undefined;
  if (!offers?.length) return {};
  const said = (o: string | null) => (o === "solved" ? "solved it" : o === "not_solved" ? "still needs help" : "no answer yet");
  return { fields: [{ label: "Offered", value: offers.map((o) => `${articleName(o.id)} ${o.title} (${said(o.outcome)})`).join("; ") }] };
}

function offerButtons(ticketId: number): ActionView[] {
  return [
    { verb: SOLVED_VERB, label: "Solved it", ticketId, style: "primary" },
    { verb: NOT_SOLVED_VERB, label: "Still need help", ticketId },
  ];
}

export function knowledgeCapability(options: KnowledgeOptions = DEFAULT_KNOWLEDGE): Capability {
  return {
    name: KB,
    verbs: [{ usage: [{ verb: "kb", form: "kb <words> | new | from N | show A | stale", says: "the knowledge base" }], parse: (_args, text) => kb(text) }],
    actions: {
      [SOLVED_VERB]: (ticketId) => kb(`solved ${ticketId}`),
      [NOT_SOLVED_VERB]: (ticketId) => kb(`unsolved ${ticketId}`),
    },
    card: articleCard,
    async enrich(db, ticket) {
      const offers = await offersOfTicket(db, ticket.number);
      return offers.map((o) => ({ id: o.article_id, title: o.title, outcome: o.outcome }));
    },
    async afterChange(ctx, { kind, after }) {
      // Deflection is for people asking for help, at the moment they ask.
      if (kind !== "created" || after.requesterId !== ctx.actor.id || ctx.actor.platform === "system" || atLeast(ctx.role, "agent")) return;
      if ((await incidentOfTicket(ctx.trx, after.number)) !== undefined) return;
      const articles = await matchArticles(ctx, `${after.title} ${after.description}`, options);
      if (!articles.length) return;
      await recordOffers(
        ctx.trx,
        after.number,
        articles.map((a) => a.id),
        ctx.now,
      );
      const [top, ...more] = articles;
      const also = more.length ? ` Also: ${more.map((a) => `${articleName(a.id)} ${a.title}`).join("; ")}.` : "";
      await ctx.record.announce(
        after,
        "kb_offer",
        `Offered ${articles.map((a) => articleName(a.id)).join(", ")} to ${ctx.actor.name} on #${after.number}`,
        { action: "kb_offer", field: "articles", to: articles.map((a) => articleName(a.id)).join(",") },
        undefined,
        `This may help: ${articleName(top!.id)} ${top!.title}: ${firstLines(top!.body)}${also} Did it solve your problem?`,
        offerButtons(after.number),
      );
    },
    command: (ctx, cmd) => run(ctx, cmd.text ?? "", options),
  };
}

function firstLines(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  return text.length > 280 ? `${text.slice(0, 279)}…` : text;
}

async function run(ctx: Ctx, text: string, o: KnowledgeOptions): Promise<Outcome> {
  const [sub = "", ...rest] = text.trim().split(/\s+/);
  const tail = text.trim().replace(/^\S+\s*/, "");
  const ok = (t: string): Outcome => ({ ok: true, kind: "capability", text: t });
  switch (sub.toLowerCase()) {
    case "":
      return ok(`Knowledge base:\n  ${USAGE}`);
    case "new": {
      ctx.require("note", "write articles");
      // The form sends JSON (title, body, tags, category); typed, it is "<title> -- <body>".
      const form = parseArticleJson(tail);
      const [title, body] = form ? [form.title ?? "", form.body ?? ""] : splitArticle(tail);
      const a = await write(ctx, title, body, form?.category ?? null, null, form?.tags ?? []);
      return ok(`Saved ${articleName(a.id)} ${a.title}.`);
    }
    case "from": {
      ctx.require("note", "write articles");
      const n = Number(/^#?(\d+)$/.exec(rest[0] ?? "")?.[1]);
      if (!n) throw invalid("From which ticket? kb from N");
      const t = await ctx.load(n);
      if (isOpen(t.status) || !t.resolution) throw new DeskError("INVALID_TRANSITION", `#${n} has no resolution yet; resolve it first.`);
      const edited = tail.replace(/^\S+\s*/, "");
      const form = parseArticleJson(edited);
      const made = articleFromResolution(t, t.resolution);
      const [title, body] = form ? [form.title ?? made.title, form.body ?? made.body] : edited ? splitArticle(edited) : [made.title, made.body];
      const a = await write(ctx, title, body, form?.category ?? t.category, n, form?.tags ?? []);
      return ok(`Saved ${articleName(a.id)} ${a.title} from #${n}.`);
    }
    case "resolve": {
      // Resolve, then save the article from the resolution, in this one transaction: if the article is refused
      // the resolution is undone with it, and a retry of the request (same key) does both or neither.
      ctx.require("note", "write articles");
      const n = Number(/^#?(\d+)$/.exec(rest[0] ?? "")?.[1]);
      const json = tail.replace(/^\S+\s*/, "");
      const form = parseArticleJson(json);
      if (!n || !form) throw invalid("Which ticket, and which article? kb resolve N {json}");
      const resolution = String((JSON.parse(json) as { resolution?: unknown }).resolution ?? "");
      const resolved = await ctx.run({ kind: "resolve", number: n, resolution });
      if (!resolved.ok) return resolved;
      const t = await ctx.load(n);
      const a = await write(ctx, form.title ?? "", completeArticleBody(form.body ?? "", resolution), form.category ?? t.category, n, form.tags ?? []);
      return { ...resolved, text: `${resolved.text}\nSaved ${articleName(a.id)} ${a.title} from #${n}.` };
    }
    case "show": {
      const a = await load(ctx, rest[0]);
      const u = await usefulness(ctx.trx, a.id);
      return ok(
        `${articleName(a.id)} ${a.title}\n${a.body}\n  offered ${u.offered} · solved ${u.solved} · not solved ${u.notSolved} · last reviewed ${new Date(a.reviewed_at).toISOString().slice(0, 10)}`,
      );
    }
    case "review": {
      ctx.require("note", "review articles");
      const a = await load(ctx, rest[0]);
      await markReviewed(ctx.trx, a.id, ctx.now);
      return ok(`${articleName(a.id)} is marked reviewed.`);
    }
    case "stale": {
      ctx.require("note", "list stale articles");
      const stale = await staleArticles(ctx.trx, ctx.now - o.staleDays * 86_400_000);
      const mine = stale.filter((a) => a.author_id === ctx.actor.id);
      const list = [...mine, ...stale.filter((a) => a.author_id !== ctx.actor.id)];
      if (!list.length) return ok(`No article has gone ${o.staleDays} days without a review.`);
      return ok(
        [
          `${counted(list.length, "article")} not reviewed in ${o.staleDays} days${mine.length ? ` (${mine.length} of them yours)` : ""}:`,
          ...list.map(
            (a) =>
              `  ${articleName(a.id)} ${a.title} · reviewed ${new Date(a.reviewed_at).toISOString().slice(0, 10)}${a.author_id === ctx.actor.id ? " · yours" : ""}`,
          ),
        ].join("\n"),
      );
    }
    case "solved":
    case "unsolved":
      return answer(ctx, Number(/^#?(\d+)$/.exec(rest[0] ?? "")?.[1]), sub.toLowerCase() === "solved");
  }
  const found = await searchArticles(ctx.trx, text, 5);
  if (!found.length) return ok(`No article matches "${text.trim()}".`);
  return ok(
    [
      `${counted(found.length, "article")} for "${text.trim()}":`,
      ...found.map((a) => `  ${articleName(a.id)} ${a.title}: ${firstLines(a.body).slice(0, 120)}`),
    ].join("\n"),
  );
}

function splitArticle(text: string): [string, string] {
  const i = text.indexOf(" -- ");
  if (i < 0) throw invalid('Write the title, then " -- ", then the body: kb new VPN drops -- Update the client to 5.2.');
  return [text.slice(0, i).trim(), text.slice(i + 4).trim()];
}

async function write(ctx: Ctx, title: string, body: string, category: string | null, from: number | null, given: string[] = []): Promise<ArticleRow> {
  // The same checks as the forms', so a command typed or sent by a form is refused alike (naming the field).
  // A category is checked when someone chose it; one taken from the ticket (kb from N) is kept as it is.
  const checked = validateArticle(ctx.settings, { title, body, tags: given.join(","), category: from === null ? (category ?? undefined) : undefined });
  if (!checked.ok) {
    const [field, message] = Object.entries(checked.errors)[0]!;
    throw invalid(message!, field);
  }
  const tags = [...new Set([...checked.fields.tags, ...(body.match(/#([\p{L}\p{N}_-]+)/gu) ?? []).map((t) => t.slice(1).toLowerCase())])];
  title = checked.fields.title;
  body = checked.fields.body;
  const a = await insertArticle(ctx.trx, { title, body, tags, category, authorId: ctx.actor.id, sourceTicketId: from, at: ctx.now });
  const { appendAudit } = await import("../../store/audit.js");
  await appendAudit(ctx.trx, [
    {
      at: ctx.now,
      ticket_id: from,
      actor_id: ctx.actor.id,
      platform: ctx.actor.platform,
      action: "kb_write",
      field: "article",
      from_value: null,
      to_value: articleName(a.id),
      reason: title,
    },
  ]);
  return a;
}

async function load(ctx: Ctx, token: string | undefined): Promise<ArticleRow> {
  const id = parseArticleId(token);
  if (!id) throw invalid("Which article? e.g. KB-3");
  const a = await articleById(ctx.trx, id);
  if (!a) throw new DeskError("TICKET_NOT_FOUND", `There is no article ${articleName(id)}.`);
  return a;
}

/** The requester's answer: solved closes the ticket as self-served (a deflection); not solved carries on. */
async function answer(ctx: Ctx, number: number, solved: boolean): Promise<Outcome> {
  if (!number) throw invalid("Which ticket? kb solved N");
  const t = await ctx.load(number);
  if (t.requesterId !== ctx.actor.id && !atLeast(ctx.role, "agent"))
    throw new DeskError("FORBIDDEN", `Only the requester of #${number} can answer its article.`);
  const open = (await offersOfTicket(ctx.trx, number)).filter((x) => x.outcome === null);
  if (!open.length) throw new DeskError("INVALID_TRANSITION", `#${number} has no article waiting for an answer.`);
  if (solved) {
    if (!isOpen(t.status)) throw new DeskError("INVALID_TRANSITION", `#${number} is already ${t.status}.`);
    const top = open[0]!;
    for (const x of open) await decideOffer(ctx.trx, number, x.article_id, x.article_id === top.article_id ? "solved" : "not_solved", ctx.now);
    await ctx.record.change(
      t,
      { status: "closed", resolution: `Self-served with ${articleName(top.article_id)} ${top.title}`, resolved_at: ctx.now, closed_at: ctx.now },
      "deflected",
      `${ctx.actor.name} solved #${number} with ${articleName(top.article_id)}`,
      { reason: `deflected by ${articleName(top.article_id)}` },
    );
    return { ok: true, kind: "capability", text: `Glad it helped: #${number} is closed. If it comes back, reopen it.` };
  }
  for (const x of open) await decideOffer(ctx.trx, number, x.article_id, "not_solved", ctx.now);
  await ctx.record.announce(
    t,
    "kb_not_solved",
    `${ctx.actor.name} still needs help with #${number} after ${open.map((x) => articleName(x.article_id)).join(", ")}`,
    { action: "kb_answer", field: "articles", to: "not_solved" },
  );
  return { ok: true, kind: "capability", text: `Understood: #${number} stays with the agents.` };
}
