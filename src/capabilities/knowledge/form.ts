// An article as a form (`kb new` with no text opens it; "Save as article" on the resolve form fills it from the
// resolution): its fields described once for every adapter, checked with per-field errors, and turned into
// the knowledge base's own command.
import type { Command } from "../../core/commands.js";
import type { DeskSettings } from "../../core/settings.js";
import { LIMITS } from "../../core/ticket.js";

export const ARTICLE_BODY_LIMIT = 20_000;
const TAG = /^[\p{L}\p{N}_-]{1,40}$/u;

export interface ArticleField {
  name: "title" | "body" | "tags" | "category";
  label: string;
  kind: "text" | "multiline" | "select";
  required: boolean;
  maxLength?: number;
  options?: { value: string; label: string }[];
  placeholder?: string;
}

export type ArticleValues = Partial<Record<ArticleField["name"], string | undefined>>;

export interface ArticleFields {
  title: string;
  body: string;
  tags: string[];
  category: string | null;
}

export function articleForm(settings: DeskSettings): ArticleField[] {
  return [
    { name: "title", label: "Title", kind: "text", required: true, maxLength: LIMITS.title, placeholder: "The problem, as people describe it" },
    { name: "body", label: "Body (Markdown)", kind: "multiline", required: true, maxLength: ARTICLE_BODY_LIMIT, placeholder: "What to do, step by step" },
    { name: "tags", label: "Tags", kind: "text", required: false, maxLength: 300, placeholder: "vpn, network" },
    ...(settings.categories.length
      ? [
          {
            name: "category" as const,
            label: "Category",
            kind: "select" as const,
            required: false,
            options: settings.categories.map((c) => ({ value: c.name, label: c.name })),
          },
        ]
      : []),
  ];
}

/** The values checked: the article, or what is wrong with each field. */
export function validateArticle(
  settings: DeskSettings,
  v: ArticleValues,
): { ok: true; fields: ArticleFields } | { ok: false; errors: Partial<Record<ArticleField["name"], string>> } {
  const errors: Partial<Record<ArticleField["name"], string>> = {};
  const title = (v.title ?? "").trim();
  const body = (v.body ?? "").trim();
  if (!title) errors.title = "The article needs a title.";
  else if (title.length > LIMITS.title) errors.title = `The title is ${title.length} characters; keep it to ${LIMITS.title}.`;
  if (!body) errors.body = "The article needs a body.";
  else if (body.length > ARTICLE_BODY_LIMIT) errors.body = `The body is ${body.length} characters; keep it to ${ARTICLE_BODY_LIMIT}.`;
  const tags = [
    ...new Set(
      (v.tags ?? "")
        .split(/[,\s]+/)
        .map((t) => t.replace(/^#/, "").toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = tags.find((t) => !TAG.test(t));
  if (bad) errors.tags = `"${bad}" is not a tag: use letters, digits, - and _, separated by commas.`;
  else if (tags.length > 10) errors.tags = `That is ${tags.length} tags; keep it to 10.`;
  const category = v.category?.trim() || null;
  if (category && !settings.categories.some((c) => c.name === category)) errors.category = `There is no category "${category}".`;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, fields: { title, body, tags, category } };
}

/**
 * Resolve + "Save as article" as one command: the ticket is resolved and the checked article saved from it in
 * one transaction, so neither happens without the other (an article that cannot be saved leaves the ticket open).
 */
export function resolveWithArticleCommand(number: number, resolution: string, article: ArticleFields): Command {
  return { kind: "capability", capability: "knowledge", verb: "kb", number, text: `resolve ${number} ${JSON.stringify({ ...article, resolution })}` };
}

/** The command that writes a checked article; with `fromTicket`, as that ticket's article. */
export function articleCommand(a: ArticleFields, fromTicket?: number): Command {
  const json = JSON.stringify(a);
  return { kind: "capability", capability: "knowledge", verb: "kb", text: fromTicket ? `from ${fromTicket} ${json}` : `new ${json}` };
}

/** An article's text in a command: JSON (what the forms send), or undefined for the typed `<title> -- <body>`. */
export function parseArticleJson(text: string): Partial<ArticleFields> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (!o || typeof o !== "object") return undefined;
    return {
      ...(typeof o.title === "string" ? { title: o.title } : {}),
      ...(typeof o.body === "string" ? { body: o.body } : {}),
      ...(Array.isArray(o.tags) ? { tags: o.tags.filter((t): t is string => typeof t === "string") } : {}),
      ...(typeof o.category === "string" ? { category: o.category } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Is this the bare `kb new` (no title, no body), which opens the form on platforms that have one? */
export function isArticleFormRequest(cmd: Command): boolean {
  return cmd.kind === "capability" && cmd.capability === "knowledge" && /^\s*new\s*$/i.test(cmd.text ?? "");
}

/** The article a resolution makes, before the agent edits it (same shape as `kb from N`). */
export function articleFromResolution(t: { title: string; description: string | null }, resolution: string): { title: string; body: string } {
  return { title: t.title, body: `${t.description ? `${t.description}\n\n` : ""}**Resolution:** ${resolution}` };
}

/**
 * The body "Save as article" saves: the agent's edit of the prefilled template, with the resolution they typed
 * put after "**Resolution:**" when they left that part empty.
 */
export function completeArticleBody(body: string, resolution: string): string {
  const b = body.trimEnd();
  return /\*\*Resolution:\*\*$/.test(b) ? `${b} ${resolution.trim()}` : b;
}
