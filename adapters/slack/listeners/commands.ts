// /ticket: no text opens the form; any other text goes through the shared grammar, answered ephemerally.
import type { App } from "@slack/bolt";
import type { Actor } from "../../../src/core/commands.js";
import { parseCommand } from "../../../src/core/grammar.js";
import { answerText, filesNote, shareFiles, type SlackContext } from "../context.js";
import { SLASH_COMMAND } from "../ids.js";
import { esc, ticketFormModal } from "../render.js";
import { inChannel, type ModalMeta } from "../translate.js";
import { isArticleFormRequest } from "../../../src/core/knowledge/form.js";
import { openArticleForm } from "./knowledge.js";

export function registerCommands(app: App, ctx: SlackContext): void {
  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    await ack();
    const cmd = inChannel(parseCommand(command.text ?? ""), command.channel_id);
    await ctx.track(async () => {
      const say = (text: string) => ctx.api.responses.post(command.response_url, { response_type: "ephemeral", text: esc(text) });
      if (cmd.kind === "form") {
        // trigger_id lasts about 3 seconds: do not wait long for users.info.
        const actor = await ctx.people.actor(command.user_id, command.user_name, 1000);
        const problem = await openForm(ctx, command.trigger_id, actor, {}, {});
        if (problem) await say(problem);
        return;
      }
      if (isArticleFormRequest(cmd)) {
        // `kb new` with nothing after it: the article form (trigger_id lasts about 3 seconds).
        const problem = await openArticleForm(ctx, command.trigger_id, await ctx.people.actor(command.user_id, command.user_name, 1000));
        if (problem) await say(problem);
        return;
      }
      // users.info is paced (tier 4): a burst of new people must not stall intake, so past a short wait the
      // person is named from the payload and completed on a later command.
      const actor = await ctx.people.actor(command.user_id, command.user_name, 1000);
      const outcome = await ctx.desk.handle({ actor, command: cmd, idempotencyKey: `cmd:${command.trigger_id}` });
      const dm = command.channel_id.startsWith("D") ? command.channel_id : undefined;
      await say(answerText(outcome) + filesNote(outcome, Boolean(dm)));
      await shareFiles(ctx, outcome, `cmd:${command.trigger_id}`, { user: command.user_id, ...(dm ? { dm } : {}) });
    }, cmd.kind === "form" || isArticleFormRequest(cmd));
  });
}

/** Opens the full ticket form; returns what to tell the person when it cannot. */
export async function openForm(ctx: SlackContext, triggerId: string, actor: Actor, prefill: { title?: string; description?: string; link?: string }, meta: ModalMeta): Promise<string | undefined> {
  const outcome = await ctx.desk.handle({ actor, command: { kind: "form" } });
  if (!outcome.ok) return outcome.text;
  await ctx.api.call("views.open", { trigger_id: triggerId, view: ticketFormModal(outcome.form ?? [], prefill, JSON.stringify(meta)) });
  return undefined;
}
