// Neutral views -> Adaptive Cards 1.5 (validated against the published schema in tests). Everything a
// view holds is drawn generically, so fields and verbs other capabilities add appear without changes here.
import { type ActionView, type FieldView, type FormField, type FormValues, oneLine, type Outcome, ticketView, type TicketView } from "../../src/core/index.js";
import { incidentName, type IncidentView } from "../../src/capabilities/incidents/model.js";
import { incidentUpdateAction } from "./incidents.js";
import type { ShownFile } from "./files.js";
import { articleFromResolution, type ArticleField, type ArticleValues } from "../../src/capabilities/knowledge/form.js";
import {
  KB_ARTICLE_DIALOG,
  SAVE_ARTICLE,
  DIALOG_KEY,
  NEW_TICKET_DIALOG,
  RATE_VERB,
  RATING_KEY,
  SOURCE_LINK_KEY,
  TICKET_KEY,
  VERB_KEY,
  inputId,
} from "./verbs.js";

export type Card = Record<string, unknown> & { type: "AdaptiveCard"; version: string };
type Element = Record<string, unknown>;

export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
const SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";

const card = (body: Element[], actions: Element[] = []): Card => ({
  type: "AdaptiveCard",
  $schema: SCHEMA,
  version: "1.5",
  body,
  ...(actions.length ? { actions } : {}),
});

/**
 * Text shown as it was typed in a TextBlock or a FactSet, both of which Teams reads as Markdown and scans
 * for {{DATE()}}/{{TIME()}} functions: Markdown's active characters are backslash-escaped (so
 * `[reset](https://evil)` shows as written, never as a disguised link), `{{` and `${` are split with a
 * zero-width space so no function or binding runs, and control characters (but newline and tab) are dropped.
 */
export function shown(t: string): string {
  return t
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "")
    .replace(/[\\`*_~[\]]/g, "\\$&")
    .replace(/^([ \t]*)([-+])(?=[ \t])/gm, "$1\\$2")
    .replace(/^([ \t]*\d+)\.(?=[ \t])/gm, "$1\\.")
    .replace(/\{\{/g, "{\u200b{")
    .replace(/\$\{/g, "$\u200b{");
}

/** Text for a plain-text field (an activity's `text` in plain format, its notification `summary`): control characters dropped. */
export function plain(t: string): string {
  return t.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "");
}

/** A TextBlock of text that may hold what a person typed (every TextBlock here: see shown()). */
const text = (t: string, extra: Element = {}): Element => ({ type: "TextBlock", text: shown(t), wrap: true, ...extra });

/** Teams' own date and time functions, written by us: formatted in each viewer's own time zone. */
function localTime(at: number): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `{{DATE(${iso}, SHORT)}} {{TIME(${iso})}}`;
}

/** A field's value for a FactSet: shown as typed, a time as Teams' functions. */
function factValue(f: FieldView): string {
  if (!f.time) return shown(f.value);
  return `${shown(f.time.prefix ?? "")}${localTime(f.time.at)}`;
}

export function attachment(c: Card): { contentType: string; content: Card } {
  return { contentType: CARD_CONTENT_TYPE, content: c };
}

/** Who a card is drawn for: the agents Assign offers, and which of the ticket's buttons the viewer may press. */
export interface Viewer {
  /** The desk's agents on Teams, for Assign's picker (title: name, value: user id). */
  agents?: { title: string; value: string }[];
  /** The buttons shown; all when not given (the agents' channel card). */
  may?: (a: ActionView) => boolean;
}

/** A ticket as agents and requesters see it; `notice` is shown above it (e.g. why a click changed nothing). */
export function ticketCard(v: TicketView, notice?: { text: string; tone: "error" | "info" }, viewer: Viewer = {}): Card {
  const body: Element[] = [];
  if (notice) body.push(text(notice.text, { color: notice.tone === "error" ? "attention" : "accent", weight: "bolder" }));
  body.push(text(`#${v.number} ${v.title}`, { size: "medium", weight: "bolder" }));
  if (v.description) body.push(text(v.description, { isSubtle: true, maxLines: 8 }));
  body.push({ type: "FactSet", facts: v.fields.map((f) => ({ title: shown(f.label), value: factValue(f) })) });
  const actions = v.actions.filter((a) => viewer.may?.(a) ?? true).map((a) => actionElement(a, a.verb === "resolve" ? saveArticleInputs(v) : [], viewer));
  if (v.link) actions.push({ type: "Action.OpenUrl", title: "Original message", url: v.link });
  return card(body, actions);
}

function executeData(a: { verb: string; ticketId: number }, extra: Element = {}): Element {
  return { [VERB_KEY]: a.verb, [TICKET_KEY]: a.ticketId, ...extra };
}

/** "Save as article" under Resolve's note: off by default, its title and body prefilled from the ticket. */
function saveArticleInputs(v: TicketView): Element[] {
  const draft = articleFromResolution({ title: v.title, description: v.description || null }, "");
  return [
    { type: "Input.Toggle", id: SAVE_ARTICLE.toggle, title: "Save as article", value: "false", valueOn: "true", valueOff: "false" },
    { type: "Input.Text", id: SAVE_ARTICLE.title, label: "Article title", value: draft.title, maxLength: 150 },
    {
      type: "Input.Text",
      id: SAVE_ARTICLE.body,
      label: "Article body (Markdown; the resolution goes after **Resolution:** if left empty there)",
      value: draft.body,
      isMultiline: true,
      maxLength: 20_000,
    },
  ];
}

function actionElement(a: ActionView, extraInputs: Element[] = [], viewer: Viewer = {}): Element {
  const style = a.style === "primary" ? "positive" : a.style === "danger" ? "destructive" : undefined;
  const execute = { type: "Action.Execute", title: a.label, verb: a.verb, data: executeData(a), ...(style ? { style } : {}) };
  if (!a.input) return execute;
  // An action that needs input opens a small card holding the input and the button that runs it.
  const id = inputId(a.verb);
  const input: Element =
    a.input.kind === "choice"
      ? {
          type: "Input.ChoiceSet",
          id,
          label: a.label,
          style: "compact",
          isRequired: true,
          errorMessage: "Pick one.",
          choices: a.input.options.map((o) => ({ title: o, value: o })),
        }
      : a.input.kind === "user"
        ? viewer.agents?.length
          ? // The desk's agents to pick from (compact: the published 1.5 schema has no "filtered" style).
            {
              type: "Input.ChoiceSet",
              id,
              label: "Agent",
              style: "compact",
              isRequired: true,
              errorMessage: "Pick an agent.",
              placeholder: "Pick an agent",
              choices: viewer.agents.map((p) => ({ title: p.title, value: p.value })),
            }
          : {
              type: "Input.Text",
              id,
              label: "Agent (name or email)",
              placeholder: "Dave Taniguchi",
              isRequired: true,
              errorMessage: "Say who.",
              maxLength: 200,
            }
        : { type: "Input.Text", id, label: a.input.label, isMultiline: true, isRequired: true, errorMessage: "This is needed.", maxLength: a.input.maxLength };
  return {
    type: "Action.ShowCard",
    title: a.label,
    card: { type: "AdaptiveCard", body: [input, ...extraInputs], actions: [{ ...execute, title: `${a.label} #${a.ticketId}` }] },
  };
}

/** A sentence to the requester about their ticket; after a resolution, with Reopen and a 1-5 rating. */
export function requesterCard(v: TicketView, sentence: string, opts: { resolved: boolean; actions?: ActionView[] }): Card {
  const body: Element[] = [text(sentence, { weight: "bolder" }), text(`#${v.number} ${v.title}`, { isSubtle: true })];
  // Buttons a capability gave the sentence (e.g. the knowledge base's "Solved it" / "Still need help").
  const actions: Element[] = (opts.actions ?? []).map((a) => actionElement(a));
  if (opts.resolved) {
    body.push(text("How did we do? 1 = poor, 5 = great."));
    body.push({
      type: "ActionSet",
      actions: [1, 2, 3, 4, 5].map((n) => ({
        type: "Action.Execute",
        title: String(n),
        verb: RATE_VERB,
        data: executeData({ verb: RATE_VERB, ticketId: v.number }, { [RATING_KEY]: String(n) }),
      })),
    });
    const reopen = v.actions.find((a) => a.verb === "reopen");
    if (reopen) actions.push(actionElement(reopen));
  }
  return card(body, actions);
}

export function errorCard(message: string): Card {
  return card([text("That did not work", { weight: "bolder", color: "attention" }), text(message)]);
}

export function infoCard(message: string): Card {
  return card([text(message)]);
}

/** A message with a button opening the full form in a dialog (a bot cannot open one unasked). */
export function openFormCard(prompt: string): Card {
  return card([text(prompt)], [{ type: "Action.Submit", title: "Open the form", data: { msteams: { type: "task/fetch" }, [DIALOG_KEY]: NEW_TICKET_DIALOG } }]);
}

/** The ticket form as a dialog card; `errors` are shown under their fields, `values` refill them. */
export function formCard(fields: FormField[], opts: { values?: FormValues; errors?: Partial<Record<string, string>>; sourceLink?: string } = {}): Card {
  const body: Element[] = [];
  const errors = opts.errors ?? {};
  if (Object.keys(errors).length) body.push(text("Please fix the fields marked below.", { color: "attention", weight: "bolder" }));
  for (const f of fields) {
    const value = opts.values?.[f.name] ?? undefined;
    const common = {
      id: f.name,
      label: f.label,
      isRequired: f.required,
      ...(f.required ? { errorMessage: `${f.label} is needed.` } : {}),
      ...(value ? { value: String(value) } : {}),
    };
    if (f.kind === "select") {
      body.push({ type: "Input.ChoiceSet", ...common, style: "compact", choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })) });
    } else {
      body.push({
        type: "Input.Text",
        ...common,
        ...(f.kind === "multiline" ? { isMultiline: true } : {}),
        ...(f.placeholder ? { placeholder: f.placeholder } : {}),
      });
    }
    const error = errors[f.name];
    if (error) body.push(text(error, { color: "attention", size: "small", spacing: "none" }));
  }
  return card(body, [{ type: "Action.Submit", title: "Open ticket", data: opts.sourceLink ? { [SOURCE_LINK_KEY]: opts.sourceLink } : {} }]);
}

/** A message with a button opening the article form in a dialog. */
export function openArticleCard(): Card {
  return card(
    [text("Write the article in the form: title, body (Markdown), tags and category.")],
    [{ type: "Action.Submit", title: "Write an article", data: { msteams: { type: "task/fetch" }, [DIALOG_KEY]: KB_ARTICLE_DIALOG } }],
  );
}

/** The article form as a dialog card; `errors` under their fields, `values` refill them. */
export function articleFormCard(fields: ArticleField[], opts: { values?: ArticleValues; errors?: Partial<Record<string, string>> } = {}): Card {
  const body: Element[] = [];
  const errors = opts.errors ?? {};
  if (Object.keys(errors).length) body.push(text("Please fix the fields marked below.", { color: "attention", weight: "bolder" }));
  for (const f of fields) {
    const value = opts.values?.[f.name];
    const common = {
      id: f.name,
      label: f.label,
      isRequired: f.required,
      ...(f.required ? { errorMessage: `${f.label} is needed.` } : {}),
      ...(value ? { value } : {}),
    };
    if (f.kind === "select")
      body.push({ type: "Input.ChoiceSet", ...common, style: "compact", choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value })) });
    else
      body.push({
        type: "Input.Text",
        ...common,
        ...(f.maxLength ? { maxLength: f.maxLength } : {}),
        ...(f.kind === "multiline" ? { isMultiline: true } : {}),
        ...(f.placeholder ? { placeholder: f.placeholder } : {}),
      });
    const error = errors[f.name];
    if (error) body.push(text(error, { color: "attention", size: "small", spacing: "none" }));
  }
  return card(body, [{ type: "Action.Submit", title: "Save article", data: { [DIALOG_KEY]: KB_ARTICLE_DIALOG } }]);
}

/** Several tickets as one card (list, search). */
export function listCard(title: string, lines: string[]): Card {
  return card([text(title, { weight: "bolder" }), ...lines.map((l) => text(l, { spacing: "small" }))]);
}

/** A text with its files: pictures shown in the card, every file also offered as a download. */
export function filesCard(message: string, files: ShownFile[], monospace = true): Card {
  const body: Element[] = [text(message, monospace ? { fontType: "monospace" } : {})];
  const actions: Element[] = [];
  for (const f of files) {
    if (f.image) body.push({ type: "Image", url: f.image, altText: f.title, size: "stretch" });
    if (f.note) body.push(text(f.note, { isSubtle: true }));
    if (f.link) actions.push({ type: "Action.OpenUrl", title: `${f.image ? "Open" : "Download"} ${f.title}`, url: f.link });
  }
  return card(body, actions);
}

/** The answer to a person's own command, as the card (or text) the bot replies with in the turn. */
export function outcomeCard(o: Outcome, files?: ShownFile[], viewer: Viewer = {}): Card {
  if (!o.ok) return errorCard(o.text);
  if (files?.length) return filesCard(o.text, files);
  if (o.kind === "form") return openFormCard(o.text);
  if (o.snapshot)
    return ticketCard(
      ticketView(o.snapshot),
      o.kind === "create" ? { text: `Opened #${o.snapshot.ticket.number}. The desk has it and will keep you posted here.`, tone: "info" } : undefined,
      viewer,
    );
  if (o.list) return listCard(o.text.split("\n")[0]!, o.list.map(oneLine));
  return card([text(o.text, { fontType: "monospace" })]);
}

/** An incident's status message in a status channel: one per channel, updated in place. */
export function incidentCard(v: IncidentView, notice?: { text: string; tone: "info" | "error" }): Card {
  const i = v.incident;
  const colour = i.status === "resolved" ? "good" : i.status === "monitoring" ? "accent" : "attention";

  const body: Element[] = [
    text(`${incidentName(i.id)} ${i.title}`, { size: "medium", weight: "bolder" }),
    text(i.status.toUpperCase(), { color: colour, weight: "bolder" }),
    {
      type: "FactSet",
      facts: [
        { title: "Severity", value: shown(i.severity) },
        ...(i.service ? [{ title: "Service", value: shown(i.service) }] : []),
        { title: "Tickets", value: String(v.ticketCount) },
        { title: "Updated", value: localTime(v.latest?.at ?? i.updatedAt) },
      ],
    },
  ];
  if (v.latest) body.push(text(`${v.latest.author}: ${v.latest.body}`));
  if (notice) body.unshift(text(notice.text, { color: notice.tone === "error" ? "attention" : "accent", weight: "bolder" }));
  return card(body, i.status === "resolved" ? [] : [incidentUpdateAction(i.id, i.status)]);
}
