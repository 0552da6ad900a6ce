// /ticket: no text opens the form; any other text goes through the shared grammar. The command is committed
// before the ack, and its answer is the ack itself (ephemeral): one round trip, and a 200 that means done.
// When the desk is too far behind to commit it within ACK_BUDGET_MS (a burst bigger than it can take), the
// request is committed raw to the inbox instead and acknowledged with a holding answer; the real answer follows
// through response_url once the command commits (or, after a crash, once the inbox row is worked at start-up).
import type { App, SlashCommand } from "@slack/bolt";
import { type Actor, type Command, type Outcome } from "../../../src/core/index.js";
import { answerText, filesNote, shareFiles, type SlackContext } from "../context.js";
import { SLASH_COMMAND } from "../ids.js";
import { esc, ticketFormModal } from "../render.js";
import { inChannel, plainText, type ModalMeta } from "../translate.js";
import { isArticleFormRequest } from "../../../src/capabilities/knowledge/form.js";
import { openArticleForm } from "./knowledge.js";

/** What the person sees when their command failed in a way the desk did not foresee (it rolled back). */
export const UNEXPECTED = "Something went wrong on our side and nothing was changed. Please try again; if it keeps failing, tell the help desk team.";
/** The ack of a command held in the inbox: it is stored, and will be done. */
export const HELD = "Got it. The desk is busy, so your answer follows here in a moment.";

export function registerCommands(app: App, ctx: SlackContext): void {
  ctx.inbox.on("slash", (body) => lateCommand(ctx, body as unknown as SlashCommand));

  app.command(SLASH_COMMAND, async ({ command, ack }) => {
    const answer = (text: string) => ack({ response_type: "ephemeral", text: esc(text) });
    const cmd = commandOf(ctx, command);
    if (cmd.kind === "form" || isArticleFormRequest(cmd)) {
      // Opening a modal commits nothing: ack now, and open it while trigger_id (about 3 seconds) is good.
      await ack();
      void ctx.track(() => openModal(ctx, command, cmd.kind === "form"), true);
      return;
    }
    const { actor, complete } = await ctx.requestActor(command.user_id, command.user_name);
    const key = keyOf(command);
    const handled = run(ctx, actor, cmd, key);
    const outcome = await ctx.withinBudget(handled);
    if (outcome) {
      await answer(answerText(outcome) + filesNote(outcome, Boolean(dmOf(command))));
      void ctx.track(async () => {
        await afterAnswer(ctx, command, outcome);
        await complete?.();
      });
      return;
    }
    await ctx.inbox.hold("slash", key, command as never, async () => {
      const late = await handled;
      await say(ctx, command, answerText(late) + filesNote(late, Boolean(dmOf(command))));
      await afterAnswer(ctx, command, late);
      await complete?.();
    });
    await answer(HELD);
  });
}

/** The manifest sets should_escape: Slack sends &, < and > as entities. Stored text is what the person typed. */
const commandOf = (ctx: SlackContext, command: SlashCommand): Command => inChannel(ctx.desk.parse(plainText(command.text ?? "")), command.channel_id);
const keyOf = (command: SlashCommand) => `cmd:${command.trigger_id}`;
const dmOf = (command: SlashCommand) => (command.channel_id.startsWith("D") ? command.channel_id : undefined);
const say = (ctx: SlackContext, command: SlashCommand, text: string) =>
  ctx.api.responses.post(command.response_url, { response_type: "ephemeral", text: esc(text) });

/** The command, answered with a clear message (and logged) if it fails in a way the desk did not foresee. */
function run(ctx: SlackContext, actor: Actor, command: Command, key: string): Promise<Outcome> {
  return ctx.desk.handle({ actor, command, idempotencyKey: key }).catch((err: unknown) => {
    ctx.log(`slack: /ticket failed: ${(err as Error).stack ?? err}`);
    // No ErrorCode names a failure nobody foresaw; the person is told it plainly, and nothing was kept.
    return { ok: false as const, code: "INTERNAL" as never, text: UNEXPECTED };
  });
}

/** After the answer: the command's files (already stored with it) go to the person's DM. */
async function afterAnswer(ctx: SlackContext, command: SlashCommand, outcome: Outcome): Promise<void> {
  const dm = dmOf(command);
  await shareFiles(ctx, outcome, keyOf(command), { user: command.user_id, ...(dm ? { dm } : {}) });
}

/** A held /ticket worked from its inbox row at start-up: run (or, if it committed, read back) and answered. */
async function lateCommand(ctx: SlackContext, command: SlashCommand): Promise<void> {
  const actor = await ctx.people.actor(command.user_id, command.user_name);
  const outcome = await run(ctx, actor, commandOf(ctx, command), keyOf(command));
  await say(ctx, command, answerText(outcome) + filesNote(outcome, Boolean(dmOf(command)))).catch((err: unknown) =>
    ctx.log(`slack: a held /ticket's answer could not be sent (${(err as Error).message})`),
  );
  await afterAnswer(ctx, command, outcome);
}

async function openModal(ctx: SlackContext, command: SlashCommand, ticketForm: boolean): Promise<void> {
  // trigger_id lasts about 3 seconds: do not wait long for users.info.
  const actor = await ctx.people.actor(command.user_id, command.user_name, 1000);
  const problem = ticketForm ? await openForm(ctx, command.trigger_id, actor, {}, {}) : await openArticleForm(ctx, command.trigger_id, actor);
  if (problem) await say(ctx, command, problem);
}

/** Opens the full ticket form; returns what to tell the person when it cannot. */
export async function openForm(
  ctx: SlackContext,
  triggerId: string,
  actor: Actor,
  prefill: { title?: string; description?: string; link?: string },
  meta: ModalMeta,
): Promise<string | undefined> {
  const outcome = await ctx.desk.handle({ actor, command: { kind: "form" } });
  if (!outcome.ok) return outcome.text;
  await ctx.api.call("views.open", { trigger_id: triggerId, view: ticketFormModal(outcome.form ?? [], prefill, JSON.stringify(meta)) });
  return undefined;
}
