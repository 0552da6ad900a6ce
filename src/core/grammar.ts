// The `/ticket ...` text grammar: the core's verbs and those of the desk's capabilities (each desk builds its
// own Grammar from its capabilities, see capability.ts). Parsing never throws: bad input becomes a help
// command carrying what went wrong.
import type { Command, ListScope, PersonRef } from "./commands.js";
import { LIMITS, PRIORITIES, STATUSES, parsePriority, parseStatus } from "./ticket.js";

export interface Usage {
  verb: string;
  form: string;
  says: string;
}

/** The core's own verbs, as `help` lists them. */
export const CORE_USAGE: readonly Usage[] = [
  { verb: "<text>", form: "<one line>", says: "open a ticket at once (add details after ' -- ')" },
  { verb: "new", form: "new", says: "open a ticket with the full form" },
  { verb: "list", form: "list [mine|queue|open|all]", says: "list tickets" },
  { verb: "show", form: "show N", says: "show ticket N" },
  { verb: "claim", form: "claim N [force]", says: "take ticket N yourself (force: take it over from another agent)" },
  { verb: "assign", form: "assign N @who", says: "give ticket N to an agent" },
  { verb: "priority", form: "priority N P1|P2|P3|P4", says: "set the priority" },
  {
    verb: "status",
    form: `status N ${STATUSES.filter((s) => s !== "new" && s !== "resolved" && s !== "awaiting_approval").join("|")}`,
    says: "change the status",
  },
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
 * What a capability's verb parser gets: the words after the verb, the text after the verb with the person's
 * own spacing, and (for verbs with a longer shape) the verb itself and the text after its first n words.
 * It returns undefined when the words do not fit, and the line opens a ticket as any other text would.
 */
export type VerbParser = (args: string[], text: string, more: { verb: string; after(n: number): string }) => Command | undefined;

/** Verbs a capability adds to the grammar (e.g. "triage", "shift"), with their lines for `help`. */
export interface VerbSet {
  usage: Usage[];
  parse: VerbParser;
  /** Words it answers to besides its usage's verbs (incidents: `incidents`, `link`, `unlink`). */
  words?: string[];
  /** Its own section of `help` ("Incidents") instead of lines in the command list. */
  heading?: string;
}

/** One desk's grammar: the core's verbs and its capabilities'. */
export class Grammar {
  /** The command list: the core's verbs, capabilities' spliced in before `help`. */
  readonly usage: Usage[] = [...CORE_USAGE];
  private readonly sections: { heading: string; usage: Usage[] }[] = [];
  private readonly parsers = new Map<string, VerbParser>();
  readonly words: Set<string>;

  constructor(sets: readonly VerbSet[] = []) {
    for (const set of sets) {
      if (set.heading) this.sections.push({ heading: set.heading, usage: set.usage });
      else for (const u of set.usage) if (!this.usage.some((x) => x.form === u.form)) this.usage.splice(this.usage.length - 1, 0, u);
      for (const word of [...(set.heading ? [] : set.usage.map((u) => u.verb)), ...(set.words ?? [])]) this.parsers.set(word, set.parse);
    }
    this.words = new Set([...CORE_WORDS, ...this.parsers.keys()]);
  }

  /** Parses what follows `/ticket` (or a message to the bot). */
  parse(input: string): Command {
    return parseWith(this, input);
  }

  help(): string {
    const width = Math.max(...this.usage.map((u) => u.form.length));
    const sections = this.sections.flatMap((s) => [`${s.heading}:`, ...s.usage.map((u) => `  ${u.form}  ${u.says}`)]);
    return ["Commands:", ...this.usage.map((u) => `  ${u.form.padEnd(width)}  ${u.says}`), ...sections].join("\n");
  }

  usageOf(verb: string): string {
    const u = this.usage.find((x) => x.verb === verb);
    return u ? `Usage: ${u.form} (${u.says}).` : this.help();
  }

  parserOf(verb: string): VerbParser | undefined {
    return this.parsers.get(verb);
  }
}

const bad = (g: Grammar, verb: string, problem: string): Command => ({ kind: "help", topic: verb, unknown: `${problem} ${g.usageOf(verb)}` });

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

/** The core's own command words (a Grammar adds its capabilities'). */
const CORE_WORDS = [
  "new",
  "list",
  "show",
  "claim",
  "assign",
  "priority",
  "status",
  "comment",
  "note",
  "resolve",
  "close",
  "reopen",
  "history",
  "search",
  "category",
  "help",
];

const NUMBERED = new Set(["show", "claim", "assign", "priority", "status", "comment", "note", "resolve", "close", "reopen", "history", "category"]);
const SCOPES: readonly ListScope[] = ["mine", "queue", "open", "all"];

function parseWith(g: Grammar, input: string): Command {
  const text = input.trim().replace(/^\/ticket\b\s*/i, "");
  if (text === "" || /^new$/i.test(text)) return { kind: "form" };
  if (/^(help|\?|-h|--help)$/i.test(text)) return { kind: "help" };

  const [head = "", ...rest] = text.split(/\s+/);
  const verb = head.toLowerCase();
  const args = rest;
  const tail = (from: number) =>
    text
      .split(/\s+/)
      .slice(from + 1)
      .join(" ")
      .trim();
  // Keep the person's own spacing and line breaks in free text.
  const freeText = (skip: number) => text.replace(new RegExp(`^(\\S+(\\s+|$)){${skip}}`), "").trim();

  if (verb === "new") return quickCreate(g, freeText(1));
  // "help me reset my password" is a request for help, not for the command list.
  if (verb === "help") return args.length > 1 && !g.words.has(args[0]!.toLowerCase()) ? quickCreate(g, text) : { kind: "help", topic: args[0]?.toLowerCase() };
  if (verb === "list") {
    if (args.length === 0) return { kind: "list" };
    const scope = args[0]!.toLowerCase() as ListScope;
    // "list of printers is wrong" is a problem, not a list: only a scope (or a near miss of one) reads as one.
    if (args.length > 1 && !SCOPES.some((x) => distance(x, scope) <= 1)) return quickCreate(g, text);
    if (args.length > 1 || !SCOPES.includes(scope)) return bad(g, "list", `"${tail(0)}" is not a list I know.`);
    return { kind: "list", scope };
  }
  if (verb === "search") {
    const words = tail(0);
    return words ? { kind: "search", words } : bad(g, "search", "Search for what?");
  }
  const extra = g.parserOf(verb)?.(args, freeText(1), { verb, after: (n) => freeText(n + 1) });
  if (extra) return extra;
  if (!NUMBERED.has(verb)) return commandAttempt(g, text, verb, args) ?? quickCreate(g, text);

  const number = parseNumber(args[0]);
  // "status page is down", "close button missing in Outlook": a sentence naming no ticket and no one is a problem.
  // ("assign ana to 12" still reads as a command: a #number, a mention, or a number among its first words.)
  const namesSomething = args.some((a, i) => a.startsWith("#") || a.startsWith("@") || a.startsWith("<@") || (i < 3 && parseNumber(a) !== undefined));
  if (number === undefined && args.length >= 3 && !namesSomething) return quickCreate(g, text);
  if (number === undefined) return args[0] ? withNewHint(bad(g, verb, `"${args[0]}" is not a ticket number.`), text) : bad(g, verb, "Which ticket?");
  const more = args.slice(1);
  switch (verb) {
    case "claim":
      if (more.length === 1 && more[0]!.toLowerCase() === "force") return { kind: "claim", number, force: true };
      return more.length ? bad(g, verb, `I did not expect "${more.join(" ")}".`) : { kind: verb, number };
    case "show":
    case "close":
    case "history":
      return more.length ? bad(g, verb, `I did not expect "${more.join(" ")}".`) : { kind: verb, number };
    case "assign": {
      const who = more.length === 1 ? parsePersonRef(more[0]!) : undefined;
      return who ? { kind: "assign", number, assignee: who } : bad(g, verb, more.length ? `"${more.join(" ")}" is not one person.` : "Assign to whom?");
    }
    case "priority": {
      const p = more.length === 1 ? parsePriority(more[0]!) : undefined;
      return p ? { kind: "priority", number, priority: p } : bad(g, verb, `Priority must be one of ${PRIORITIES.join(", ")}.`);
    }
    case "status": {
      const s = more.length ? parseStatus(more.join(" ")) : undefined;
      return s ? { kind: "status", number, status: s } : bad(g, verb, more.length ? `"${more.join(" ")}" is not a status.` : "Which status?");
    }
    case "comment":
    case "note": {
      const body = freeText(2);
      return body ? { kind: verb, number, body } : bad(g, verb, `The ${verb} is empty.`);
    }
    case "resolve": {
      const resolution = freeText(2);
      return resolution ? { kind: "resolve", number, resolution } : bad(g, verb, "Say how it was resolved; the requester will read it.");
    }
    case "reopen": {
      const reason = freeText(2);
      return reason ? { kind: "reopen", number, reason } : bad(g, verb, "Say why it needs reopening.");
    }
    case "category": {
      const category = freeText(2);
      return category ? { kind: "category", number, category } : bad(g, verb, "Which category?");
    }
  }
  return { kind: "help", unknown: text };
}

/**
 * A line that reads as a mistyped command rather than a problem gets "Did you mean ...?" instead of a ticket:
 * a near miss of a command word that, corrected, is a whole command (`lsit`, `shwo 3`; but not "slow laptop",
 * which corrected is no command), a command word glued to its number (`claim3`), `ticket 5`, or a capability's
 * word followed by what its commands take (a person, a number) in a shape it does not accept
 * (`role @zoe superuser`). Anything else opens a ticket, as one line always has.
 */
function commandAttempt(g: Grammar, text: string, verb: string, args: string[]): Command | undefined {
  const words = g.words;
  const rest = args.join(" ");
  const glued = /^([a-z]+)#?(\d{1,9})$/.exec(verb);
  if (glued && !args.length) {
    const word = words.has(glued[1]!) ? glued[1]! : nearestWord(glued[1]!, words);
    const fixed = word ? `${word} ${glued[2]}` : undefined;
    if (fixed && wholeCommand(g, fixed)) return didYouMean(fixed, text);
  }
  if ((verb === "ticket" || verb === "tickets") && (args.length === 0 || (args.length === 1 && parseNumber(args[0]) !== undefined))) {
    return didYouMean(args.length ? `show ${parseNumber(args[0])}` : "list", text);
  }
  if (words.has(verb)) {
    // A capability's own word with arguments it does not take: a command gone wrong when it names a person or a ticket.
    const takes = g.usage.filter((u) => u.verb === verb).map((u) => u.form);
    const first = args[0] ?? "";
    const shaped =
      !args.length ||
      (/^(@|<@|[a-z-]+:\S)/i.test(first) && takes.some((f) => /@who/.test(f))) ||
      (parseNumber(first) !== undefined && takes.some((f) => /\bN\b/.test(f)));
    return shaped
      ? { kind: "help", topic: verb, unknown: `I did not understand "${text}". ${g.usageOf(verb)} To open a ticket with these words, type \`new ${text}\`.` }
      : undefined;
  }
  const synonym = synonymAttempt(text, verb, args);
  if (synonym) return synonym;
  if (verb.length < 4) return undefined;
  const word = nearestWord(verb, words);
  if (!word) return undefined;
  // A lone word is never a problem worth a ticket: "shwo" is offered as `show N`.
  if (!args.length) return didYouMean(wholeCommand(g, word) ? word : (g.usage.find((u) => u.verb === word)?.form ?? word), text);
  const fixed = `${word} ${rest}`;
  return wholeCommand(g, fixed) ? didYouMean(fixed, text) : undefined;
}

/**
 * Words agents type for a core command ("take 2" for `claim 2`), with the form offered. Asked about only with a
 * lone ticket number, or alone, where the word cannot start a problem ("take 2 minutes to log in" still opens
 * a ticket). Words with two readings ("open 3": show it, or reopen it?) are left out.
 */
const SYNONYMS: Record<string, string> = {
  take: "claim N",
  grab: "claim N",
  view: "show N",
  see: "show N",
  log: "history N",
  solve: "resolve N <resolution>",
  fix: "resolve N <resolution>",
  done: "resolve N <resolution>",
  shut: "close N",
};

/** "take 2" -> `claim 2`; "fix 3" -> `resolve 3 <resolution>`; a synonym alone -> its form (`claim N`). */
function synonymAttempt(text: string, verb: string, args: string[]): Command | undefined {
  const form = SYNONYMS[verb];
  if (!form || args.length > 1) return undefined;
  const number = parseNumber(args[0]);
  if (args.length && number === undefined) return undefined;
  return didYouMean(number === undefined ? form : form.replace("N", String(number)), text);
}

/** Whether `line` parses as a command (not as a new ticket, nor as help with a problem). */
function wholeCommand(g: Grammar, line: string): boolean {
  const c = g.parse(line);
  return c.kind !== "create" && c.kind !== "form" && !(c.kind === "help" && c.unknown);
}

/** Adds the way out of a refusal: the same words as a new ticket. */
function withNewHint(c: Command, text: string): Command {
  return c.kind === "help" && c.unknown ? { ...c, unknown: `${c.unknown} To open a ticket with these words, type \`new ${text}\`.` } : c;
}

const didYouMean = (fixed: string, text: string): Command => ({
  kind: "help",
  unknown: `Did you mean \`${fixed}\`? To open a ticket with these words, type \`new ${text}\`.`,
});

/** The command word one typo away from `word` (words of four letters or more; shorter ones have too many neighbours). */
function nearestWord(word: string, words: Set<string>): string | undefined {
  if (word.length < 4) return undefined;
  // This runs on the first word of every one-line ticket, against every command word: a linear check, not the table.
  for (const w of words) if (w.length >= 4 && oneEditApart(w, word)) return w;
  return undefined;
}

/** Whether `distance(a, b)` is exactly 1 (one letter changed, added, dropped, or two neighbours swapped), in one pass. */
export function oneEditApart(a: string, b: string): boolean {
  if (a.length < b.length) [a, b] = [b, a];
  if (a.length - b.length > 1) return false;
  let i = 0;
  while (i < b.length && a[i] === b[i]) i++;
  if (a.length !== b.length) return a.slice(i + 1) === b.slice(i);
  if (i === a.length) return false;
  if (a.slice(i + 1) === b.slice(i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Edits between two words, a swap of neighbours counting as one ("lsit" is one from "list"). */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** One line opens a ticket; " -- " splits the title from the details. */
function quickCreate(g: Grammar, text: string): Command {
  if (text.replace(/[^\p{L}\p{N}]/gu, "").length < 3) return { kind: "help", unknown: `I could not make a ticket of "${text}". ${g.help()}` };
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
