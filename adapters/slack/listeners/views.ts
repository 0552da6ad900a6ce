// Modal submissions. Checked before the ack so mistakes come back as inline field errors
// (response_action: errors); the core call is one short SQLite transaction, well inside Slack's 3 seconds,
// and the ack follows its commit.
import type { App } from "@slack/bolt";
import { type Source } from "../../../src/core/index.js";
import type { SlackContext } from "../context.js";
import { PLATFORM, TICKET_FORM_VIEW, VERB_INPUT_BLOCK, VERB_INPUT_VIEW, SAVE_ARTICLE } from "../ids.js";
import { formErrors } from "../render.js";
import { formValues, readMeta, ref, verbInputText } from "../translate.js";
import { completeArticleBody, resolveWithArticleCommand, validateArticle } from "../../../src/capabilities/knowledge/form.js";
import { savedArticle } from "../knowledge.js";

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const FORM_BLOCKS = new Set(["title", "description", "type", "impact", "urgency", "service", "category"]);

export function registerViews(app: App, ctx: SlackContext): void {
  app.view(TICKET_FORM_VIEW, async ({ ack, body, view }) => {
    const checked = ctx.desk.capabilities.validateForm(ctx.desk.settings, formValues(view.state as never));
    if (!checked.ok) return ack(formErrors(checked.errors));
    const meta = readMeta(view.private_metadata);
    const { actor, complete } = await ctx.requestActor(body.user.id, body.user.name);
    const source: Source | undefined =
      meta.channel && meta.ts ? { kind: PLATFORM, ref: ref(meta.channel, meta.ts), ...(meta.link ? { link: meta.link } : {}) } : undefined;
    // From someone else's message (the shortcut): its author is the requester, named from what the desk knows.
    const author = meta.author && SLACK_USER.test(meta.author) && meta.author !== body.user.id ? await ctx.requestActor(meta.author) : undefined;
    const outcome = await ctx.desk.handle({
      actor,
      command: { kind: "create", ...checked.fields, ...(source ? { source } : {}), ...(author ? { onBehalfOf: author.actor } : {}) },
      idempotencyKey: `view:${view.id}`,
      ...(meta.thread ? { originRef: meta.thread } : {}),
    });
    if (!outcome.ok) return ack(formErrors({ [outcome.field && FORM_BLOCKS.has(outcome.field) ? outcome.field : "title"]: outcome.text }));
    await ack();
    if (complete) void ctx.track(complete);
    if (author?.complete) void ctx.track(author.complete);
  });

  app.view(VERB_INPUT_VIEW, async ({ ack, body, view }) => {
    const meta = readMeta(view.private_metadata);
    const text = verbInputText(view.state as never);
    if (!meta.ticket || !meta.verb)
      return ack(formErrors({ [VERB_INPUT_BLOCK]: "This form has lost which ticket it was for; close it and press the button again." }));
    if (!text) return ack(formErrors({ [VERB_INPUT_BLOCK]: "Write something here." }));
    if (text.length > 3000) return ack(formErrors({ [VERB_INPUT_BLOCK]: `This is ${text.length} characters; keep it to 3000.` }));
    const command = ctx.desk.capabilities.actionCommand(meta.verb, meta.ticket, text);
    if (!command) return ack(formErrors({ [VERB_INPUT_BLOCK]: `"${meta.verb}" is not something I can do.` }));
    // "Save as article" (Resolve only): checked before anything changes, saved once the ticket is resolved.
    const wanted = meta.verb === "resolve" ? savedArticle(view.state as never) : undefined;
    const article = wanted ? validateArticle(ctx.desk.settings, { title: wanted.title, body: completeArticleBody(wanted.body, text) }) : undefined;
    if (article && !article.ok) return ack(formErrors({ [SAVE_ARTICLE.title]: article.errors.title, [SAVE_ARTICLE.body]: article.errors.body }));
    const { actor, complete } = await ctx.requestActor(body.user.id, body.user.name);
    // Resolve with its article is one command: both commit before the ack, or neither does.
    const withArticle =
      article?.ok && command.kind === "resolve" ? resolveWithArticleCommand(meta.ticket, command.resolution ?? text, article.fields) : undefined;
    const outcome = await ctx.desk.handle({ actor, command: withArticle ?? command, idempotencyKey: `view:${view.id}` });
    if (!outcome.ok) return ack(formErrors({ [VERB_INPUT_BLOCK]: outcome.text }));
    await ack();
    void ctx.track(async () => {
      if (withArticle)
        await ctx.tell(
          { user: body.user.id, ...(meta.channel ? { channel: meta.channel } : {}), ...(meta.thread ? { thread: meta.thread } : {}) },
          outcome.text,
        );
      await complete?.();
    });
  });
}
