// Message shortcut "Create ticket": the form, prefilled with the message and a link to it.
import type { App, MessageShortcut } from "@slack/bolt";
import type { SlackContext } from "../context.js";
import { CREATE_TICKET_SHORTCUT } from "../ids.js";
import { plainText, ref } from "../translate.js";
import { openForm } from "./commands.js";

const LEADING_MENTIONS = /^(\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+/;

export function registerShortcuts(app: App, ctx: SlackContext): void {
  app.shortcut(CREATE_TICKET_SHORTCUT, async ({ ack, shortcut }) => {
    // Opening the form commits nothing: ack now, open it while trigger_id is good.
    await ack();
    const s = shortcut as MessageShortcut;
    void ctx.track(async () => {
      const channel = s.channel.id;
      const ts = s.message.ts;
      const [actor, permalink] = await Promise.all([
        ctx.people.actor(s.user.id, s.user.name, 800),
        ctx.api.call<{ permalink?: string }>("chat.getPermalink", { channel, message_ts: ts }).then(
          (r) => r.permalink,
          () => undefined,
        ),
      ]);
      // A mention opening the message ("<@U123> the vpn drops") addresses someone; it is not the problem's first word.
      const text = plainText(s.message.text ?? "")
        .replace(LEADING_MENTIONS, "")
        .trim();
      const [first = "", ...rest] = text.split("\n");
      // Someone else's message: its author asked for help and becomes the requester; whoever used the shortcut raised it.
      const author = (s.message as { user?: string }).user;
      const meta = {
        channel,
        ts,
        thread: ref(channel, (s.message.thread_ts as string | undefined) ?? ts),
        ...(permalink ? { link: permalink } : {}),
        ...(author && author !== s.user.id ? { author } : {}),
      };
      const problem = await openForm(
        ctx,
        s.trigger_id,
        actor,
        { title: first.slice(0, 150), description: (first.length > 150 ? text : rest.join("\n")).slice(0, 3000), ...(permalink ? { link: permalink } : {}) },
        meta,
      );
      if (problem) await ctx.tell({ user: s.user.id, channel }, problem);
    }, true);
  });
}
