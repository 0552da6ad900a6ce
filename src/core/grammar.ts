// The `/ticket ...` text grammar shared by every adapter. Parsing never throws: bad input becomes
// a help command carrying what went wrong.
import type { Command, ListScope, PersonRef } from "./commands.js";
import { INCIDENT_USAGE, parseIncidentCommand } from "./incidents/grammar.js";
import { LIMITS, PRIORITIES, STATUSES, parsePriority, parseStatus } from "./ticket.js";

export interface Usage {
  verb: string;
  form: string;
  says: string;
}

export const USAGE: Usage[] = [
  { verb: "<text>", form: "<one line>", says: "open a ticket at once (add details after ' -- ')" },
  { verb: "new", form: "new", says: "open a ticket with the full form" },
  { verb: "list", form: "list [mine|queue|open|all]", says: "list tickets" },
  { verb: "show", form: "show N", says: "show ticket N" },
  { verb: "claim", form: "claim N", says: "take ticket N yourself" },
  { verb: "assign", form: "assign N @who", says: "give ticket N to an agent" },
  { verb: "priority", form: "priority N P1|P2|P3|P4", says: "set the priority" },
  { verb: "status", form: `status N ${STATUSES.filter((s) => s !== "new" && s !== "resolved" && s !== "awaiting_approval").join("|")}`, says: "change the status" },
  { verb: "comment", form: "comment N <text>", says: "reply to the requester" },
  { verb: "note", form: "note N <text>", says: "add an internal note (agents only)" },
  { verb: "resolve", form: "resolve N <resolution>", says: "resolve with a note to the requester" },
  { verb: "close", form: "close N", says: "close ticket N" },
  { verb: "reopen", form: "reopen N <why>", says: "reopen a resolved or closed ticket" },
  { verb: "history", form: "history N", says: "show every change to ticket N" },
  { verb: "search", form: "search <words>", says: "search tickets" },
  { verb: "category", form: "category N <name>", says: "set or correct the category (the desk learns from it)" },
  { verb: "help", form: "help", says: "this list" },
];

/**
 * Verbs a capability adds to the grammar (e.g. "triage", "shift"). `parse` gets the words after the verb;
 * it returns undefined when they do not fit, and the line opens a ticket as any other text would.
 */
type VerbParser = (args: string[], text: string) => Command | undefined;
const extraVerbs = new Map<string, VerbParser>();

export function registerVerb(usage: Usage[], parse: VerbParser): void {
  for (const u of usage) {
    if (!USAGE.some((x) => x.form === u.form)) USAGE.splice(USAGE.length - 1, 0, u);
    extraVerbs.set(u.verb, parse);
  }
}

export function helpText(): string {
  const width = Math.max(...USAGE.map((u) => u.form.length));
  return ["Commands:", ...USAGE.map((u) => `  ${u.form.padEnd(width)}  ${u.says}`), "Incidents:", ...INCIDENT_USAGE.map((u) => `  ${u.form}  ${u.says}`)].join("\n");
}

function usageOf(verb: string): string {
  const u = USAGE.find((x) => x.verb === verb);
  return u ? `Usage: ${u.form} (${u.says}).` : helpText();
}

const bad = (verb: string, problem: string): Command => ({ kind: "help", topic: verb, unknown: `${problem} ${usageOf(verb)}` });

/** "12", "#12" -> 12 */
export function parseNumber(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const m = /^#?(\d{1,9})$/.exec(token);
  return m ? Number(m[1]) : undefined;
}

/** "<@U123>", "<@U123|ana>", "@ana", "ana" -> a person reference. */
export function parsePersonRef(token: string): PersonRef | undefined {
  const slack = /^<@([A-Z0-9]+)(?:\|([^>]+))?>$/.exec(token);
  if (slack) return slack[2] ? { id: slack[1]!, name: slack[2] } : { id: slack[1]! };
  const handle = /^@?([\w.\-]+)$/.exec(token);
  return handle ? { name: handle[1]! } : undefined;
}

const NUMBERED = new Set(["show", "claim", "assign", "priority", "status", "comment", "note", "resolve", "close", "reopen", "history", "category"]);
const SCOPES: readonly ListScope[] = ["mine", "queue", "open", "all"];

/** Parses what follows `/ticket` (or a message to the bot). */
export function parseCommand(input: string): Command {
  const text = input.trim().replace(/^\/ticket\b\s*/i, "");
  if (text === "" || /^new$/i.test(text)) return { kind: "form" };
  if (/^(help|\?|-h|--help)$/i.test(text)) return { kind: "help" };

  const [head = "", ...rest] = text.split(/\s+/);
  const verb = head.toLowerCase();
  const args = rest;
  const tail = (from: number) => text.split(/\s+/).slice(from + 1).join(" ").trim();
  // Keep the person's own spacing and line breaks in free text.
  const freeText = (skip: number) => text.replace(new RegExp(`^(\\S+(\\s+|$)){${skip}}`), "").trim();

  if (verb === "new") return quickCreate(freeText(1));
  const incidentCommand = parseIncidentCommand(verb, args, (n) => freeText(n + 1));
  if (incidentCommand) return incidentCommand;
  if (verb === "help") return { kind: "help", topic: args[0]?.toLowerCase() };
  if (verb === "list") {
    if (args.length === 0) return { kind: "list" };
    const scope = args[0]!.toLowerCase() as ListScope;
    if (args.length > 1 || !SCOPES.includes(scope)) return bad("list", `"${tail(0)}" is not a list I know.`);
    return { kind: "list", scope };
  }
  if (verb === "search") {
    const words = tail(0);
    return words ? { kind: "search", words } : bad("search", "Search for what?");
  }
  const extra = extraVerbs.get(verb)?.(args, freeText(1));
  if (extra) return extra;
  if (!NUMBERED.has(verb)) return quickCreate(text);

  const number = parseNumber(args[0]);
  if (number === undefined) return bad(verb, args[0] ? `"${args[0]}" is not a ticket number.` : "Which ticket?");
  const more = args.slice(1);
  switch (verb) {
    case "show":
    case "claim":
    case "close":
    case "history":
      return more.length ? bad(verb, `I did not expect "${more.join(" ")}".`) : { kind: verb, number };
    case "assign": {
      const who = more.length === 1 ? parsePersonRef(more[0]!) : undefined;
      return who ? { kind: "assign", number, assignee: who } : bad(verb, more.length ? `"${more.join(" ")}" is not one person.` : "Assign to whom?");
    }
    case "priority": {
      const p = more.length === 1 ? parsePriority(more[0]!) : undefined;
      return p ? { kind: "priority", number, priority: p } : bad(verb, `Priority must be one of ${PRIORITIES.join(", ")}.`);
    }
    case "status": {
      const s = more.length ? parseStatus(more.join(" ")) : undefined;
      return s ? { kind: "status", number, status: s } : bad(verb, more.length ? `"${more.join(" ")}" is not a status.` : "Which status?");
    }
    case "comment":
    case "note": {
      const body = freeText(2);
      return body ? { kind: verb, number, body } : bad(verb, `The ${verb} is empty.`);
    }
    case "resolve": {
      const resolution = freeText(2);
      return resolution ? { kind: "resolve", number, resolution } : bad(verb, "Say how it was resolved; the requester will read it.");
    }
    case "reopen": {
      const reason = freeText(2);
      return reason ? { kind: "reopen", number, reason } : bad(verb, "Say why it needs reopening.");
    }
    case "category": {
      const category = freeText(2);
      return category ? { kind: "category", number, category } : bad(verb, "Which category?");
    }
  }
  return { kind: "help", unknown: text };
}

/** One line opens a ticket; " -- " splits the title from the details. */
function quickCreate(text: string): Command {
  if (text.replace(/[^\p{L}\p{N}]/gu, "").length < 3) return { kind: "help", unknown: `I could not make a ticket of "${text}". ${helpText()}` };
  const split = text.indexOf(" -- ");
  const title = (split >= 0 ? text.slice(0, split) : text).trim();
  const description = split >= 0 ? text.slice(split + 4).trim() : undefined;
  if (title.length > LIMITS.title && split < 0) {
    // A long first line: keep its first sentence as the title when that fits.
    const sentence = /^(.{3,150}?[.!?])\s/su.exec(text);
    if (sentence) return { kind: "create", title: sentence[1]!.trim(), description: text.slice(sentence[0].length).trim() };
  }
  return { kind: "create", title, ...(description ? { description } : {}) };
}
