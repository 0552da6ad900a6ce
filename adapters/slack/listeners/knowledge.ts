// The article modal's submission: checked before the ack (inline errors), saved through the knowledge base's
// own command, and confirmed to the agent in their DM.
import type { App } from "@slack/bolt";
import { articleCommand, articleForm, validateArticle } from "../../../src/capabilities/knowledge/form.js";
import { type Actor, can } from "../../../src/core/index.js";
import type { SlackContext } from "../context.js";
import { KB_ARTICLE_VIEW } from "../ids.js";
import { articleModal, articleValues } from "../knowledge.js";
import { formErrors } from "../render.js";

export function registerKnowledge(app: App, ctx: SlackContext): void {
  app.view(KB_ARTICLE_VIEW, async ({ ack, body, view }) => {
    const checked = validateArticle(ctx.desk.settings, articleValues(view.state as never));
    if (!checked.ok) return ack(formErrors(checked.errors));
    const { actor, complete } = await ctx.requestActor(body.user.id, body.user.name);
    const outcome = await ctx.desk.handle({ actor, command: articleCommand(checked.fields), idempotencyKey: `view:${view.id}` });
    if (!outcome.ok)
      return ack(
        formErrors({ [outcome.field === "body" || outcome.field === "tags" || outcome.field === "category" ? outcome.field : "title"]: outcome.text }),
      );
    await ack();
    void ctx.track(async () => {
      await ctx.tell({ user: body.user.id }, outcome.text);
      await complete?.();
    });
  });
}

/** Opens the article form for an agent; returns what to tell anyone else (or when it cannot open). */
export async function openArticleForm(ctx: SlackContext, triggerId: string, actor: Actor): Promise<string | undefined> {
  if (!can(ctx.desk.roleOf(actor), "note")) return "Only agents can write articles; search them with /ticket kb <words>.";
  await ctx.api.call("views.open", { trigger_id: triggerId, view: articleModal(articleForm(ctx.desk.settings), "{}") });
  return undefined;
}
