// The terminal adapter (like Hubot's shell): the grammar at a prompt, or commands piped on stdin with
// one answer per line of input, ending when the input ends.
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Actor } from "../../src/core/commands.js";
import type { Desk, Outcome } from "../../src/core/desk.js";
import { validateForm, type FormField, type FormValues } from "../../src/core/form.js";
import { parseCommand } from "../../src/core/grammar.js";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** Show a prompt and echo as a terminal does; off when input is piped. */
  interactive: boolean;
  user: string;
}

const PLATFORM = "console";

export function consoleActor(name: string): Actor {
  const id = name.replace(/^@/, "");
  return { platform: PLATFORM, userId: id, displayName: id };
}

/** Runs until the input ends (or `quit`). Resolves when done. */
export async function runConsole(desk: Desk, opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.interactive ? opts.output : undefined, terminal: opts.interactive });
  const lines = rl[Symbol.asyncIterator]();
  let actor = consoleActor(opts.user);
  const say = (text: string) => opts.output.write(`${text}\n`);
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

  if (opts.interactive) say(`${desk.settings.deskName}: type a problem to open a ticket, or "help". You are ${actor.userId}.`);
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
      const as = /^as\s+(\S+)$/i.exec(line);
      if (as) {
        actor = consoleActor(as[1]!);
        say(`You are now ${actor.userId} (${desk.roleOf(actor)}).`);
      } else {
        const command = parseCommand(line);
        let outcome: Outcome = await desk.handle({ actor, command });
        if (outcome.ok && outcome.form) outcome = await fillForm(desk, actor, outcome.form, ask, say);
        say(render(outcome));
      }
      prompt();
    }
  } finally {
    rl.close();
  }
}

function render(o: Outcome): string {
  if (!o.ok) return `! ${o.text}`;
  // A file the text does not already name is listed by its path, the console's way of handing it over.
  const files = (o.files ?? []).filter((f) => !o.text.includes(f.path)).map((f) => `File: ${f.path} (${f.title})`);
  return [o.text, ...files].join("\n");
}

/** The guided form: one question a field; blank skips an optional field; a bad answer is asked again. */
async function fillForm(desk: Desk, actor: Actor, form: FormField[], ask: (q: string) => Promise<string | undefined>, say: (t: string) => void): Promise<Outcome> {
  const values: FormValues = {};
  for (const field of form) {
    for (;;) {
      const choices = field.options ? ` [${field.options.map((o) => o.value).join("/")}]` : "";
      const answer = await ask(`${field.label}${field.required ? "" : " (optional)"}${choices}: `);
      if (answer === undefined) return { ok: false, code: "INVALID_INPUT", text: "The form was left unfinished; no ticket was opened." };
      values[field.name] = answer.trim() || undefined;
      const check = validateForm(desk.settings, values);
      const problem = check.ok ? undefined : check.errors[field.name];
      if (!problem) break;
      say(`! ${problem}`);
    }
  }
  const result = validateForm(desk.settings, values);
  if (!result.ok) return { ok: false, code: "INVALID_INPUT", text: Object.values(result.errors).join(" ") };
  return desk.handle({ actor, command: { kind: "create", ...result.fields, source: { kind: "console" } } });
}
