// The terminal adapter (like Hubot's shell): the grammar at a prompt, or commands piped on stdin with
// one answer per line of input, ending when the input ends. `as @name` switches who is acting; what the
// desk told that person since they last acted (ConsoleNotifier) is printed when they act.
import { createInterface } from "node:readline";
import { basename } from "node:path";
import type { Readable, Writable } from "node:stream";
import { type Actor, atLeast, type Command, commentsOf, type Desk, type FormField, type FormValues, type Outcome, personById } from "../../src/core/index.js";
import { KB } from "../../src/capabilities/knowledge/index.js";
import { takeNotices } from "./notifier.js";
import { listText, showText, terminalSafe, type ConversationLine } from "./render.js";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** Show a prompt and echo as a terminal does; off when input is piped. */
  interactive: boolean;
  user: string;
}

const PLATFORM = "console";

/** Console names are matched case-insensitively: `as @Ana` is ana. */
export function consoleActor(name: string): Actor {
  const id = name.replace(/^@/, "").toLowerCase();
  return { platform: PLATFORM, userId: id, displayName: id };
}

/** What only the console understands, added under the desk's own help. */
const CONSOLE_HELP = ["At the console:", "  as @name  act as someone else (what the desk told them is shown then)", "  quit      leave (also: exit)"].join(
  "\n",
);

/** Runs until the input ends (or `quit`). Resolves when done. */
export async function runConsole(desk: Desk, opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.interactive ? opts.output : undefined, terminal: opts.interactive });
  const lines = rl[Symbol.asyncIterator]();
  let actor = consoleActor(opts.user);
  // Every line goes through terminalSafe: answers quote what people typed.
  const say = (text: string) => opts.output.write(`${terminalSafe(text)}\n`);
  const prompt = () => {
    if (opts.interactive) {
      rl.setPrompt(`deskhand (${actor.userId})> `);
      rl.prompt();
    }
  };
  const ask = async (question: string): Promise<string | undefined> => {
    if (opts.interactive) opts.output.write(question);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  // What the desk told the person acting since they last acted: printed once, then marked sent.
  const news = async (): Promise<string[]> => {
    const notices = await takeNotices(desk, actor.userId);
    return notices.length ? [`For ${actor.userId}:`, ...notices.map((n) => `  ${n.text.split("\n").join("\n    ")}`)] : [];
  };
  // The answer and what the person was told come out as one write, so a reader takes them as one answer.
  const answer = async (text: string | undefined) => {
    const out = [...(text === undefined ? [] : [text]), ...(await news())];
    if (out.length) say(out.join("\n"));
  };

  await answer(
    opts.interactive
      ? `${desk.settings.deskName}: type a problem to open a ticket, or "help". You are ${actor.userId}; "as @name" to act as someone else.`
      : undefined,
  );
  prompt();
  try {
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const line = next.value.trim();
      if (!line || line.startsWith("#!")) {
        prompt();
        continue;
      }
      if (/^(quit|exit)$/i.test(line)) break;
      const as = /^as(?:\s+(.*))?$/i.exec(line);
      if (as) {
        const name = (as[1] ?? "").trim().replace(/^@/, "");
        if (!/^[\w.\-]+$/.test(name)) await answer(`! Say who: as @name (letters, digits, dots and dashes)${name ? `; "${name}" is not a name` : ""}.`);
        else {
          actor = consoleActor(name);
          await answer(`You are now ${actor.userId} (${desk.roleOf(actor)}).`);
        }
      } else {
        const command = desk.parse(line);
        let outcome: Outcome = await desk.handle({ actor, command });
        if (outcome.ok && outcome.form) outcome = await fillForm(desk, actor, outcome.form, ask, say);
        await answer(await render(desk, actor, outcome, command));
      }
      prompt();
    }
  } finally {
    rl.close();
  }
}

/** One style for every refusal: a first line starting with "! ", whether the desk or the grammar refused. */
async function render(desk: Desk, actor: Actor, o: Outcome, command: Command): Promise<string> {
  if (!o.ok) return `! ${o.text}`;
  if (command.kind === "help" && command.unknown) return `! ${o.text}`;
  if (o.kind === "help") return helpAbout(`${o.text}\n${CONSOLE_HELP}`, command.kind === "help" ? command.topic : undefined);
  if ((o.kind === "list" || o.kind === "search") && o.list) return listText(o);
  if (o.kind === "show" && o.snapshot) return showText(o.snapshot, await conversationOf(desk, actor, o.snapshot.ticket.number), desk.settings.timezone);
  // The desk's text names each file by its name (chat users cannot reach this server's disk); whoever runs the
  // console is on this machine, so each file is named once, by its path: in the text where it is named there
  // ("Chart: /.../report.png"), else on a line of its own.
  let text = o.text;
  const unnamed: string[] = [];
  for (const f of o.files ?? []) {
    if (text.includes(f.path)) continue;
    const name = basename(f.path);
    if (text.includes(name)) text = text.split(name).join(f.path);
    else unnamed.push(`File: ${f.path} (${f.title})`);
  }
  return [text, ...offerHint(o), ...unnamed].join("\n");
}

/** `help claim`: the lines about that command (every line when none is about it). */
function helpAbout(help: string, topic: string | undefined): string {
  const about = topic ? help.split("\n").filter((l) => /^\s/.test(l) && l.trimStart().split(/[\s/]/)[0]!.toLowerCase() === topic) : [];
  return about.length ? [...about.map((l) => l.replace(/(\S)\s{3,}/g, "$1  ")), "(help lists every command.)"].join("\n") : help;
}

/** The article offered with a new ticket has buttons on Slack and Teams; at the console it is answered in words. */
function offerHint(o: Extract<Outcome, { ok: true }>): string[] {
  const offers = o.kind === "create" ? (o.snapshot?.extras?.[KB] as { outcome: string | null }[] | undefined) : undefined;
  const n = o.snapshot?.ticket.number;
  return offers?.some((x) => x.outcome === null)
    ? [`Answer with \`kb solved ${n}\` (it worked: the ticket closes) or \`kb unsolved ${n}\` (an agent takes it on).`]
    : [];
}

/** The names of people a history names by key ("console:ana" -> "ana"). */
/** Public comments for everyone who may see the ticket; internal notes only for agents (a requester does not learn one exists). */
async function conversationOf(desk: Desk, actor: Actor, number: number): Promise<ConversationLine[]> {
  const agent = atLeast(desk.roleOf(actor), "agent");
  const rows = (await commentsOf(desk.db, number)).filter((c) => agent || !c.internal);
  const names = new Map<number, string>();
  for (const id of new Set(rows.map((c) => c.author_id))) names.set(id, (await personById(desk.db, id))?.display_name ?? "someone");
  return rows.map((c) => ({ at: c.created_at, author: names.get(c.author_id)!, body: c.body, internal: c.internal === 1 }));
}

/** An answer that leaves the guided form (else a bad answer would be asked again with no way out). */
const LEAVE_FORM = /^(cancel|quit|exit)$/i;

/** The guided form: one question a field; blank skips an optional field; a bad answer is asked again; `cancel` leaves. */
async function fillForm(
  desk: Desk,
  actor: Actor,
  form: FormField[],
  ask: (q: string) => Promise<string | undefined>,
  say: (t: string) => void,
): Promise<Outcome> {
  const values: FormValues = {};
  // Said with the first question, so like the questions it is shown at a terminal only.
  let intro = "The full form: answer each question (Enter skips an optional one); `cancel` stops without opening a ticket.\n";
  for (const field of form) {
    for (;;) {
      const choices = field.options ? ` [${field.options.map((o) => o.value).join("/")}]` : "";
      const answer = await ask(`${intro}${field.label}${field.required ? "" : " (optional)"}${choices}: `);
      intro = "";
      if (answer === undefined) return { ok: false, code: "INVALID_INPUT", text: "The form was left unfinished; no ticket was opened." };
      if (LEAVE_FORM.test(answer.trim())) return { ok: false, code: "INVALID_INPUT", text: "Form cancelled; no ticket was opened." };
      values[field.name] = answer.trim() || undefined;
      const check = desk.capabilities.validateForm(desk.settings, values);
      const problem = check.ok ? undefined : check.errors[field.name];
      if (!problem) break;
      say(`! ${problem}`);
    }
  }
  const result = desk.capabilities.validateForm(desk.settings, values);
  if (!result.ok) return { ok: false, code: "INVALID_INPUT", text: Object.values(result.errors).join(" ") };
  return desk.handle({ actor, command: { kind: "create", ...result.fields, source: { kind: "console" } } });
}
