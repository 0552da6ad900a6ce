// Neutral views -> Block Kit. Every field and every action of a TicketView is drawn generically, so
// the fields and verbs other capabilities add appear without changes here.
import { incidentName, type IncidentView } from "../../src/capabilities/incidents/model.js";
import { type ActionView, fieldText as fieldLine, type FieldView, type FormField, type TicketView, withoutControls } from "../../src/core/index.js";
import {
  incidentUpdateActionId,
  HOME_TABS,
  TICKET_FORM_VIEW,
  VERB_INPUT_ACTION,
  VERB_INPUT_BLOCK,
  VERB_INPUT_VIEW,
  homeTabActionId,
  rateActionId,
  ticketActionId,
  type HomeTab,
} from "./ids.js";

// Slack's published limits (Block Kit reference), also enforced by the fake Web API in tests.
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  header: 150,
  buttonText: 75,
  optionText: 75,
  actions: 25,
  value: 2000,
  optionValue: 150,
  placeholder: 150,
  viewTitle: 24,
  metadata: 3000,
  fallbackText: 3000,
  label: 2000,
};

export type Block = Record<string, unknown>;
export interface Message {
  text: string;
  blocks: Block[];
}

export const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
/**
 * Slack's three control characters as entities, so that `<!channel>`, `<@U1>` or `<https://x|y>` typed by a
 * person is shown, never acted on. For mrkdwn and every message's fallback `text` (which Slack parses the same
 * way, in notifications too); never for plain_text fields, which show `&lt;` as it is written. Applied at
 * render time to text as stored: translate.ts decodes Slack's entities on the way in.
 */
export const esc = (s: string) => withoutControls(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Clips escaped text without cutting an entity in two (a cut `&am…` would show as typed). */
export const clipEscaped = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1).replace(/&[a-z]{0,3}$/, "")}…`);
/** A message's fallback `text`: what notifications, screen readers and old clients show, parsed like mrkdwn. */
export const fallback = (s: string) => clipEscaped(esc(s), LIMITS.fallbackText);
/** A link the app draws as `<url|label>`: only http(s) with none of the characters that would end the token early. */
export const safeLink = (url: string | null | undefined): string | undefined => (url && /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined);
/**
 * Plain text, shown as written: no entities. Control characters are dropped here and in esc(): the store has
 * none, but not all text comes from it (a message a shortcut prefills from, a name Slack gave).
 */
const plain = (text: string, n: number) => ({ type: "plain_text", text: clip(withoutControls(text), n), emoji: true });
const mrkdwn = (text: string, n: number = LIMITS.sectionText) => ({ type: "mrkdwn", text: clipEscaped(text, n) });
const section = (text: string): Block => ({ type: "section", text: mrkdwn(text) });

export function fieldText(f: FieldView): string {
  if (!f.time) return esc(f.value);
  // Each viewer sees the moment in their own time zone; the value is the fallback.
  return `${f.time.prefix ? `${esc(f.time.prefix)} ` : ""}<!date^${Math.floor(f.time.at / 1000)}^{date_short_pretty} {time}|${esc(f.value)}>`;
}

/** What a button/select carries: the ticket and the verb (and, for options, the choice). */
export interface ActionValue {
  ticket: number;
  verb: string;
  input?: string;
}
const value = (v: ActionValue) => JSON.stringify(v);

function element(a: ActionView): Block {
  const action_id = ticketActionId(a.verb, a.ticketId);
  if (a.input?.kind === "user") return { type: "users_select", action_id, placeholder: plain(a.label, LIMITS.placeholder) };
  if (a.input?.kind === "choice") {
    return {
      type: "static_select",
      action_id,
      placeholder: plain(a.label, LIMITS.placeholder),
      options: a.input.options
        .slice(0, 100)
        .map((o) => ({ text: plain(o, LIMITS.optionText), value: clip(value({ ticket: a.ticketId, verb: a.verb, input: o }), LIMITS.optionValue) })),
    };
  }
  // No input, or a text that a modal asks for when clicked.
  return {
    type: "button",
    action_id,
    text: plain(a.label, LIMITS.buttonText),
    value: value({ ticket: a.ticketId, verb: a.verb }),
    ...(a.style ? { style: a.style } : {}),
  };
}

export function actionBlocks(actions: ActionView[], blockPrefix: string): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < actions.length; i += LIMITS.actions)
    blocks.push({ type: "actions", block_id: `${blockPrefix}.${i / LIMITS.actions}`, elements: actions.slice(i, i + LIMITS.actions).map(element) });
  return blocks;
}

function fieldBlocks(fields: FieldView[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields) {
    blocks.push({ type: "section", fields: fields.slice(i, i + LIMITS.fields).map((f) => mrkdwn(`*${esc(f.label)}*\n${fieldText(f)}`, LIMITS.fieldText)) });
  }
  return blocks;
}

/** The triage card: number, title, every field, every action. */
export function card(v: TicketView): Message {
  const blocks: Block[] = [{ type: "header", text: plain(`#${v.number} ${v.title}`, LIMITS.header) }];
  if (v.description) blocks.push(section(esc(v.description)));
  blocks.push(...fieldBlocks(v.fields));
  const link = safeLink(v.link);
  if (link) blocks.push({ type: "context", elements: [mrkdwn(`<${link}|Original message>`)] });
  blocks.push(...actionBlocks(v.actions, `card.${v.number}`));
  const summary = v.fields.map(fieldLine).join(" · ");
  return { text: fallback(`#${v.number} ${v.title} — ${summary}`), blocks: blocks.slice(0, LIMITS.messageBlocks) };
}

/** An incident's status message in a status channel: one per channel, pinned, updated in place. */
export function incidentMessage(v: IncidentView): Message {
  const i = v.incident;
  const updated = Math.floor((v.latest?.at ?? i.updatedAt) / 1000);
  const blocks: Block[] = [
    { type: "header", text: plain(`${incidentName(i.id)} ${i.title}`, LIMITS.header) },
    {
      type: "section",
      fields: [
        mrkdwn(`*Status*\n${esc(i.status.toUpperCase())}`),
        mrkdwn(`*Severity*\n${esc(String(i.severity))}`),
        ...(i.service ? [mrkdwn(`*Service*\n${esc(i.service)}`)] : []),
        mrkdwn(`*Tickets*\n${v.ticketCount}`),
      ],
    },
  ];
  if (v.latest) blocks.push(section(`*${esc(v.latest.author)}:* ${esc(v.latest.body)}`));
  if (i.status !== "resolved")
    blocks.push({
      type: "actions",
      block_id: `incident.${i.id}`,
      elements: [
        {
          type: "button",
          action_id: incidentUpdateActionId(i.id),
          text: plain("Post update", LIMITS.buttonText),
          value: JSON.stringify({ incident: i.id }),
          style: "primary",
        },
      ],
    });
  blocks.push({ type: "context", elements: [mrkdwn(`Updated <!date^${updated}^{date_short_pretty} {time}|${new Date(updated * 1000).toISOString()}>`)] });
  return { text: fallback(`${incidentName(i.id)} ${i.title}: ${i.status}${v.latest ? ` — ${v.latest.body}` : ""}`), blocks };
}

/** A sentence, with the words a person wrote (a reply) quoted under it. */
export function textMessage(text: string, quote?: string): Message {
  if (!quote) return { text: fallback(text), blocks: [section(esc(text))] };
  return { text: fallback(`${text}\n> ${quote.replace(/\n/g, "\n> ")}`), blocks: [section(`${esc(text)}\n>${esc(quote).replace(/\n/g, "\n>")}`)] };
}

/** A message with a capability's buttons under it. */
export function withActions(m: Message, actions: ActionView[], blockPrefix: string): Message {
  return actions.length ? { ...m, blocks: [...m.blocks, ...actionBlocks(actions, blockPrefix)].slice(0, LIMITS.messageBlocks) } : m;
}

/** The resolution, with Reopen and a 1-5 satisfaction rating. */
export function resolutionMessage(number: number, sentence: string, reopen: ActionView | undefined): Message {
  const text = reopen ? `${sentence}\nIf it is not fixed, press Reopen.` : sentence;
  const rating = [1, 2, 3, 4, 5].map((n) => ({
    type: "button",
    action_id: rateActionId(number, n),
    text: plain("★".repeat(n), LIMITS.buttonText),
    value: value({ ticket: number, verb: "rate", input: String(n) }),
  }));
  return {
    text: fallback(text),
    blocks: [
      section(esc(text)),
      ...(reopen ? actionBlocks([reopen], `resolution.${number}`) : []),
      { type: "section", text: mrkdwn("How did we do? Rate this ticket from 1 to 5.") },
      { type: "actions", block_id: `rating.${number}`, elements: rating },
    ],
  };
}

/** A form field as described by the core or a capability (the ticket form, the article form). */
export interface InputField {
  name: string;
  label: string;
  kind: "text" | "multiline" | "select";
  required: boolean;
  maxLength?: number;
  options?: { value: string; label: string }[];
  placeholder?: string;
}

/** One field of a modal; its block id is the field's name, so inline errors find it. */
export function inputBlock(f: InputField, initial?: string): Block {
  const el: Block =
    f.kind === "select"
      ? {
          type: "static_select",
          action_id: f.name,
          options: (f.options ?? []).slice(0, 100).map((o) => ({ text: plain(o.label, LIMITS.optionText), value: clip(o.value, LIMITS.optionValue) })),
        }
      : {
          type: "plain_text_input",
          action_id: f.name,
          multiline: f.kind === "multiline",
          ...(f.maxLength ? { max_length: Math.min(f.maxLength, 3000) } : {}),
          // Prefilled values go in plain_text_input, which shows them as they are: no escaping.
          ...(initial ? { initial_value: clip(withoutControls(initial), Math.min(f.maxLength ?? 3000, 3000)) } : {}),
        };
  if (f.placeholder) el.placeholder = plain(f.placeholder, LIMITS.placeholder);
  return { type: "input", block_id: f.name, optional: !f.required, label: plain(f.label, LIMITS.label), element: el };
}

/** The full ticket form as a modal; block ids are the form's field names (inline errors use them). */
export function ticketFormModal(fields: FormField[], prefill: { title?: string; description?: string; link?: string }, metadata: string): Block {
  const blocks: Block[] = [];
  const link = safeLink(prefill.link);
  if (link) blocks.push({ type: "context", elements: [mrkdwn(`From <${link}|this message>`)] });
  for (const f of fields) {
    const initial = f.name === "title" ? prefill.title : f.name === "description" ? prefill.description : undefined;
    blocks.push(inputBlock(f, initial));
  }
  return {
    type: "modal",
    callback_id: TICKET_FORM_VIEW,
    title: plain("New ticket", LIMITS.viewTitle),
    submit: plain("Open ticket", LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    private_metadata: clip(metadata, LIMITS.metadata),
    blocks,
  };
}

/** A verb that needs a typed text (resolve's note, reopen's reason). */
export function verbInputModal(a: ActionView & { input: { kind: "text"; label: string; maxLength: number } }, metadata: string): Block {
  return {
    type: "modal",
    callback_id: VERB_INPUT_VIEW,
    title: plain(`${a.label} #${a.ticketId}`, LIMITS.viewTitle),
    submit: plain(a.label, LIMITS.viewTitle),
    close: plain("Cancel", LIMITS.viewTitle),
    private_metadata: clip(metadata, LIMITS.metadata),
    blocks: [
      {
        type: "input",
        block_id: VERB_INPUT_BLOCK,
        label: plain(a.input.label, LIMITS.label),
        element: { type: "plain_text_input", action_id: VERB_INPUT_ACTION, multiline: true, max_length: Math.min(a.input.maxLength, 3000) },
      },
    ],
  };
}

export interface HomeRow {
  text: string;
  actions: ActionView[];
}

const TAB_LABEL: Record<HomeTab, string> = { mine: "My requests", assigned: "Assigned to me", queue: "Team queue" };

/** App Home: tab buttons, counts by status and priority, and the chosen tab's rows with their buttons. */
export function homeView(tab: HomeTab, counts: { status: Record<string, number>; priority: Record<string, number> }, rows: HomeRow[], total: number): Block {
  const tabs = HOME_TABS.map((t) => ({
    type: "button",
    action_id: homeTabActionId(t),
    text: plain(TAB_LABEL[t], LIMITS.buttonText),
    value: t,
    ...(t === tab ? { style: "primary" } : {}),
  }));
  const line = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${esc(k)}: *${n}*`)
      .join("   ") || "none";
  const blocks: Block[] = [
    { type: "header", text: plain(TAB_LABEL[tab], LIMITS.header) },
    { type: "actions", block_id: "home.tabs", elements: tabs },
    {
      type: "section",
      fields: [mrkdwn(`*By status*\n${line(counts.status)}`, LIMITS.fieldText), mrkdwn(`*By priority*\n${line(counts.priority)}`, LIMITS.fieldText)],
    },
    { type: "divider" },
  ];
  // Each row is a section and an actions block; keep the view under its 100-block limit.
  const room = Math.floor((LIMITS.viewBlocks - blocks.length - 1) / 2);
  for (const [i, r] of rows.slice(0, room).entries()) {
    blocks.push(section(r.text));
    if (r.actions.length) blocks.push(...actionBlocks(r.actions, `home.row.${i}`).slice(0, 1));
  }
  if (!rows.length) blocks.push(section("Nothing here."));
  else if (total > Math.min(rows.length, room)) blocks.push({ type: "context", elements: [mrkdwn(`Showing ${Math.min(rows.length, room)} of ${total}.`)] });
  return { type: "home", blocks: blocks.slice(0, LIMITS.viewBlocks) };
}

/** view_submission inline errors: block id -> message. */
export function formErrors(errors: Record<string, string | undefined>): { response_action: "errors"; errors: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (v) out[k] = v;
  return { response_action: "errors", errors: out };
}
