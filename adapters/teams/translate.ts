// Teams activities -> core commands. Text goes through the shared grammar; card clicks through
// actionCommand, so verbs other capabilities register work here without changes.
import type { Activity } from "@microsoft/agents-activity";
import { type Actor, type Capabilities, type Command, type Envelope, VERBS } from "../../src/core/index.js";
import { RATE_VERB, RATING_KEY, TICKET_KEY, VERB_KEY, inputId } from "./verbs.js";

export const PLATFORM = "teams";

/**
 * The person behind an activity: their AAD object id when Teams gives it (stable across chats). Only called
 * on activities app.ts accepted, which always name a sender (`from.id`).
 */
export function actorOf(a: Partial<Activity>): Actor {
  const from = a.from ?? { id: "" };
  const email = (from as { email?: string }).email ?? (from as { userPrincipalName?: string }).userPrincipalName;
  return {
    platform: PLATFORM,
    userId: from.aadObjectId ?? from.id ?? "",
    ...(from.name ? { displayName: from.name } : {}),
    ...(email && email.includes("@") ? { email } : {}),
    ...(a.localTimezone ? { tz: a.localTimezone } : {}),
  };
}

const AT_TAG = /<at>([^<]*)<\/at>/g;

/**
 * The text a person typed: the bot's own @mention removed, anyone else's @mention kept as that person's
 * name ("wifi drops for <at>Olo Brockhouse</at>" keeps "Olo Brockhouse"), and Teams' HTML leftovers gone.
 */
export function typedText(a: Partial<Activity>): string {
  return withoutBotMention(typeof a.text === "string" ? a.text : "", a);
}

/** `text` (Teams markup) with the bot's mention dropped and other mentions turned into names. */
export function withoutBotMention(text: string, a: Partial<Activity>): string {
  const bot = a.recipient;
  let t = text;
  for (const e of a.entities ?? []) {
    const m = e as { type?: string; mentioned?: { id?: string; name?: string }; text?: string };
    if (m.type !== "mention" || typeof m.text !== "string" || !m.text) continue;
    const isBot = Boolean(bot?.id) && m.mentioned?.id === bot?.id;
    const name = m.mentioned?.name ?? m.text.replace(AT_TAG, "$1");
    t = isBot ? dropped(t, m.text) : t.split(m.text).join(name);
  }
  // A tag no entity explains: the bot's own name is dropped, anyone else's kept as written.
  t = t.replace(AT_TAG, (tag, name: string) => (bot?.name && name.trim() === bot.name ? tag : name));
  if (bot?.name) t = dropped(t, `<at>${bot.name}</at>`);
  return t.replace(/&nbsp;/g, " ").trim();
}

/** The typed text with each mention of someone else as a reference the core resolves (or a one-word @handle). */
async function mentionsAsPeople(a: Partial<Activity>, aadOf: (teamsUserId: string) => Promise<string | undefined>): Promise<string> {
  let t = typeof a.text === "string" ? a.text : "";
  /** The bot's own mentions, left for withoutBotMention to drop (the tag may not carry the bot's current name). */
  const botTags = new Set<string>();
  for (const e of a.entities ?? []) {
    const m = e as { type?: string; mentioned?: { id?: string; name?: string; aadObjectId?: string }; text?: string };
    if (m.type === "mention" && typeof m.text === "string" && m.text && m.mentioned?.id === a.recipient?.id) botTags.add(m.text);
    if (m.type !== "mention" || typeof m.text !== "string" || !m.text || m.mentioned?.id === a.recipient?.id) continue;
    const aad = m.mentioned?.aadObjectId ?? (m.mentioned?.id ? await aadOf(m.mentioned.id) : undefined);
    t = t.split(m.text).join(aad ? `teams-aad:${aad}` : `@${(m.mentioned?.name ?? "").replace(/\s+/g, "")}`);
  }
  t = t.replace(AT_TAG, (tag, name: string) =>
    (a.recipient?.name && name.trim() === a.recipient.name) || botTags.has(tag) ? tag : `@${name.replace(/\s+/g, "")}`,
  );
  return withoutBotMention(t, a);
}

/** `text` without `part`, and without one space after it, so "hi <at>Bot</at> there" reads "hi there". */
function dropped(text: string, part: string): string {
  return text.split(part).reduce((out, piece, i) => (i === 0 ? piece : out + (out.endsWith(" ") || out === "" ? piece.replace(/^ /, "") : piece)), "");
}

/** One key per delivered activity, so a redelivery acts once. */
export function envelopeOf(a: Partial<Activity>, command: Command, originRef?: string): Envelope {
  return { actor: actorOf(a), command, ...(a.id ? { idempotencyKey: `teams:${a.conversation?.id ?? ""}:${a.id}` } : {}), ...(originRef ? { originRef } : {}) };
}

/**
 * The command a message asks for. Ticket text keeps other people's @mentions as their names; when the
 * message is a command about someone (`role <at>Ana</at> agent`, `assign 4 <at>Ana</at>`), the mention
 * names that person instead: `teams-aad:<id>` when Teams or `aadOf` (the people the bot has met) knows them.
 */
export async function textCommand(
  caps: Capabilities,
  a: Partial<Activity>,
  aadOf: (teamsUserId: string) => Promise<string | undefined> = async () => undefined,
): Promise<Command> {
  let cmd = caps.parse(typedText(a));
  // A name with a space ("assign 4 Dave Taniguchi") reads as no command; as a reference it may be one.
  if ((cmd.kind === "create" || cmd.kind === "help") && typeof a.text === "string" && a.text.includes("<at>")) {
    const referenced = await mentionsAsPeople(a, aadOf);
    let asPeople = caps.parse(referenced);
    // Assign takes one handle, and a user id is one: `teams-aad:<id>` is for the commands that name people by scheme (role).
    if (asPeople.kind === "help") asPeople = caps.parse(referenced.replace(/\bteams-aad:/g, "@"));
    if (asPeople.kind !== "create" && (cmd.kind === "create" || asPeople.kind !== "help")) cmd = asPeople;
  }
  // Subscribing to incident updates acts on the channel where it is said (not a personal chat).
  if (
    cmd.kind === "incident" &&
    (cmd.action.kind === "subscribe" || cmd.action.kind === "unsubscribe") &&
    a.conversation?.conversationType !== "personal" &&
    a.conversation?.id
  ) {
    return { ...cmd, action: { ...cmd.action, channel: channelOf(a.conversation.id) } };
  }
  return cmd;
}

export type Click = { ok: true; command: Command } | { ok: false; message: string };

/** An Action.Execute (verb + data) or an Action.Submit value ({verb, ticketId, ...}) -> a command. */
export function clickCommand(caps: Capabilities, verb: string | undefined, data: Record<string, unknown> | undefined): Click {
  const ticketId = Number(data?.[TICKET_KEY]);
  const v = verb ?? (typeof data?.[VERB_KEY] === "string" ? (data[VERB_KEY] as string) : undefined);
  if (!v) return { ok: false, message: "This button does not say what to do." };
  if (!Number.isInteger(ticketId) || ticketId <= 0) return { ok: false, message: "This button does not name a ticket." };
  const raw = v === RATE_VERB ? data?.[RATING_KEY] : data?.[inputId(v)];
  const input = typeof raw === "string" ? raw : raw === undefined ? undefined : String(raw);
  // Assign's field gives a person: the picked agent's id, or a name, @name or email typed by hand. Each is
  // looked up as a handle (user id, display name or email); "Dave Taniguchi" has a space no @handle can hold.
  const named = input?.trim().replace(/^@/, "").trim();
  const command = v === "assign" && named ? ({ kind: "assign", number: ticketId, assignee: { name: named } } as const) : caps.actionCommand(v, ticketId, input);
  if (command) return { ok: true, command };
  if ((VERBS as readonly string[]).includes(v) || v === RATE_VERB || caps.hasAction(v))
    return { ok: false, message: `${v[0]!.toUpperCase()}${v.slice(1)} #${ticketId} needs more: fill in the field and try again.` };
  return { ok: false, message: `I don't know the action "${v}". Nothing was changed.` };
}

/** "19:abc@thread.skype;messageid=123" -> "19:abc@thread.skype" (a channel's own id, without the thread). */
export function channelOf(conversationId: string): string {
  return conversationId.split(";messageid=")[0]!;
}
