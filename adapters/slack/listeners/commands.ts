// /ticket: no text opens the form; any other text goes through the shared grammar. The command is committed
// before the ack, and its answer is the ack itself (ephemeral): one round trip, and a 200 that means done.
import type { App, SlashCommand } from "@slack/bolt";
import type { Actor } from "../../../src/core/commands.js";
import { parseCommand } from "../../../src/core/grammar.js";
import { answerText, filesNote, shareFiles, type SlackContext } from "../context.js";
import { SLASH_COMMAND } from "../ids.js";
import { esc, ticketFormModal } from "../render.js";
import { inChannel, plainText, type ModalMeta } from "../translate.js";
import { isArticleFormRequest } from "../../../src/core/knowledge/form.js";
import { openArticleForm } from "./knowledge.js";

/** What the person sees when their command failed in a way the desk did not foresee (it rolled back). */
export const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again; if it keeps failing, tell the help desk team.";

export function registerCommands(app: App, ctx: SlackContext): void {
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const answer = (text: string) => ack({ response_type: "ephemeral", text: esc(text) });
    // The manifest sets should_escape: Slack sends &, < and > as entities. Stored text is what the person typed.
    const cmd = inChannel(parseCommand(plainText(command.text ?? "")), command.channel_id);
    if (cmd.kind === "form" || isArticleFormRequest(cmd)) {
      // Opening a modal commits nothing: ack now, and open it while trigger_id (about 3 seconds) is good.
      await ack();
      void ctx.track(() => openModal(ctx, command, cmd.kind === "form"), true);
      return;
    }
    const { actor, complete } = await ctx.requestActor(command.user_id, command.user_name);
    const key = `cmd:${command.trigger_id}`;
    const outcome = await ctx.desk.handle({ actor, command: cmd, idempotencyKey: key }).catch((err: unknown) => {
      ctx.log(`slack: /ticket failed: ${(err as Error).stack ?? err}`);
      return undefined;
    });
    if (!outcome) return answer(UNEXPECTED);
    const dm = command.channel_id.startsWith("D") ? command.channel_id : undefined;
    await answer(answerText(outcome) + filesNote(outcome, Boolean(dm)));
    // After the ack: the files (already stored), and the person's details from users.info.
    void ctx.track(async () => {
      await shareFiles(ctx, outcome, key, { user: command.user_id, ...(dm ? { dm } : {}) });
      await complete?.();
    });
  });
}

async function openModal(ctx: SlackContext, command: SlashCommand, ticketForm: boolean): Promise<void> {
  const say = (text: string) => ctx.api.responses.post(command.response_url, { response_type: "ephemeral", text: esc(text) });
  // trigger_id lasts about 3 seconds: do not wait long for users.info.
  const actor = await ctx.people.actor(command.user_id, command.user_name, 1000);
  const problem = ticketForm ? await openForm(ctx, command.trigger_id, actor, {}, {}) : await openArticleForm(ctx, command.trigger_id, actor);
  if (problem) await say(problem);
}

/** Opens the full ticket form; returns what to tell the person when it cannot. */
export async function openForm(ctx: SlackContext, triggerId: string, actor: Actor, prefill: { title?: string; description?: string; link?: string }, meta: ModalMeta): Promise<string | undefined> {
  const outcome = await ctx.desk.handle({ actor, command: { kind: "form" } });
  if (!outcome.ok) return outcome.text;
  await ctx.api.call("views.open", { trigger_id: triggerId, view: ticketFormModal(outcome.form ?? [], prefill, JSON.stringify(meta)) });
  return undefined;
}
