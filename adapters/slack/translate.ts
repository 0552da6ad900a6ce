// Slack payloads -> core commands. Text goes through the shared grammar, every click through the core's
// actionCommand, so verbs other capabilities register work here without changes.
import { type Capabilities, type Command, type FormValues, type Source } from "../../src/core/index.js";
import { RATE_ACTION, TICKET_ACTION, VERB_INPUT_ACTION, VERB_INPUT_BLOCK } from "./ids.js";
import type { ActionValue } from "./render.js";

export const ref = (channel: string, ts: string) => `${channel}:${ts}`;

/** The text of a mention or DM without the bot's own mention. */
export function withoutMention(text: string, botUserId?: string): string {
  const t = botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g"), " ") : text.replace(/^\s*<@[A-Z0-9]+(\|[^>]*)?>/, " ");
  return t.replace(/\s+/g, " ").trim();
}

/** Slack's mrkdwn entities back to plain text (the grammar and tickets hold plain text). */
export function plainText(text: string): string {
  return text
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, "$2 ($1)")
    .replace(/<(https?:[^>]+)>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Incident subscribe/unsubscribe act on the channel where they are said (not a DM, whose ids start with D). */
export function inChannel(cmd: Command, channel: string | undefined): Command {
  if (cmd.kind !== "incident" || (cmd.action.kind !== "subscribe" && cmd.action.kind !== "unsubscribe") || !channel || channel.startsWith("D")) return cmd;
  return { ...cmd, action: { ...cmd.action, channel } };
}

/** A message's text as a command: the grammar, with a create carrying where it came from. */
export function messageCommand(caps: Capabilities, text: string, source?: Source): Command {
  const cmd = caps.parse(text);
  return cmd.kind === "create" && source ? { ...cmd, source } : cmd;
}

/** A message made into a ticket (reaction, shortcut): first line the title, the rest the description. */
export function ticketFromMessage(text: string, source: Source): Command | undefined {
  const clean = plainText(text).trim();
  if (clean.replace(/[^\p{L}\p{N}]/gu, "").length < 3) return undefined;
  const [first = "", ...rest] = clean.split("\n");
  const title = first.length > 150 ? `${first.slice(0, 147)}...` : first;
  const description = (first.length > 150 ? clean : rest.join("\n")).trim().slice(0, 3000);
  return { kind: "create", title, ...(description ? { description } : {}), source };
}

export interface BlockAction {
  type: string;
  action_id: string;
  value?: string;
  selected_option?: { value: string };
  selected_user?: string;
  action_ts?: string;
}

export type Click = { ok: true; verb: string; ticket: number; input?: string; isButton: boolean } | { ok: false; text: string };

function parseValue(v: string | undefined): Partial<ActionValue> {
  if (!v) return {};
  try {
    const o = JSON.parse(v) as Partial<ActionValue>;
    return typeof o === "object" && o ? o : {};
  } catch {
    return {};
  }
}

/** Which verb on which ticket, and what was picked, from a card or App Home element. */
export function readClick(a: BlockAction): Click {
  const rate = RATE_ACTION.exec(a.action_id);
  if (rate) return { ok: true, verb: "rate", ticket: Number(rate[1]), input: rate[2], isButton: true };
  const m = TICKET_ACTION.exec(a.action_id);
  if (!m) return { ok: false, text: `That button (${a.action_id}) is not one I know. Nothing was changed.` };
  const verb = m[1]!;
  const ticket = Number(m[2]);
  const v = parseValue(a.selected_option?.value ?? a.value);
  if (v.ticket !== undefined && v.ticket !== ticket) return { ok: false, text: "That button's data does not match its ticket. Nothing was changed." };
  const input = a.selected_user ?? v.input;
  return { ok: true, verb, ticket, ...(input ? { input } : {}), isButton: a.type === "button" };
}

export function clickCommand(caps: Capabilities, c: Extract<Click, { ok: true }>, text?: string): Command | undefined {
  return caps.actionCommand(c.verb, c.ticket, text ?? c.input);
}

type StateValues = Record<string, Record<string, { type: string; value?: string | null; selected_option?: { value: string } | null }>>;

/** A submitted modal's values by block id (the form's field names). */
export function formValues(state: { values?: StateValues } | undefined): FormValues {
  const out: Record<string, string | undefined> = {};
  for (const [block, actions] of Object.entries(state?.values ?? {})) {
    for (const a of Object.values(actions)) out[block] = a.selected_option?.value ?? a.value ?? undefined;
  }
  return out as FormValues;
}

export function verbInputText(state: { values?: StateValues } | undefined): string {
  return state?.values?.[VERB_INPUT_BLOCK]?.[VERB_INPUT_ACTION]?.value?.trim() ?? "";
}

export interface ModalMeta {
  channel?: string;
  /** The Slack user who wrote the message a ticket is being made from, when it is not the person filling the form. */
  author?: string;
  ts?: string;
  thread?: string;
  link?: string;
  ticket?: number;
  verb?: string;
}

export function readMeta(s: string | undefined): ModalMeta {
  try {
    const o = JSON.parse(s || "{}") as ModalMeta;
    return typeof o === "object" && o ? o : {};
  } catch {
    return {};
  }
}
