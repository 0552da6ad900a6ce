// Card, resolution and App Home buttons: ack at once, then translate the click and call the core.
import type { App, BlockAction as BoltBlockAction } from "@slack/bolt";
import { ticketView } from "../../../src/core/views.js";
import { STATUS_LABEL } from "../../../src/core/ticket.js";
import type { SlackContext, Where } from "../context.js";
import { HOME_TAB_ACTION, RATE_ACTION, TICKET_ACTION, type HomeTab } from "../ids.js";
import { verbInputModal } from "../render.js";
import { articleFromResolution } from "../../../src/core/knowledge/form.js";
import { resolveModal } from "../knowledge.js";
import { INCIDENT_UPDATE_ACTION } from "../ids.js";
import { clickCommand, readClick, type BlockAction, type ModalMeta } from "../translate.js";

const KNOWN = [TICKET_ACTION, RATE_ACTION, HOME_TAB_ACTION, INCIDENT_UPDATE_ACTION];
/** Any action id none of ours matches (an old message, a forged payload). */
const UNKNOWN = new RegExp(`^(?!(?:${KNOWN.map((r) => r.source.replace(/^\^|\$$/g, "")).join("|")})$)`);

function whereOf(b: BoltBlockAction): Where {
  const channel = b.container?.type === "message" ? (b.container.channel_id as string | undefined) ?? b.channel?.id : undefined;
  const thread = (b.container?.thread_ts as string | undefined) ?? (b.message?.thread_ts as string | undefined);
  return { user: b.user.id, ...(channel ? { channel } : {}), ...(thread ? { thread } : {}) };
}

export function registerActions(app: App, ctx: SlackContext): void {
  const onClick = async ({ ack, body, action }: { ack: () => Promise<void>; body: unknown; action: unknown }) => {
    await ack();
    await ctx.track(() => click(ctx, body as BoltBlockAction, action as BlockAction), true);
  };
  app.action(TICKET_ACTION, onClick);
  app.action(RATE_ACTION, onClick);
  app.action(UNKNOWN, onClick);
  app.action(HOME_TAB_ACTION, async ({ ack, body, action }) => {
    await ack();
    await ctx.track(async () => {
      const tab = HOME_TAB_ACTION.exec((action as BlockAction).action_id)![1] as HomeTab;
      ctx.home.opened(body.user.id, tab);
      await ctx.home.publish(body.user.id);
    });
  });
}

async function click(ctx: SlackContext, b: BoltBlockAction, a: BlockAction): Promise<void> {
  const where = whereOf(b);
  const c = readClick(a);
  if (!c.ok) return ctx.tell(where, c.text);
  const actor = await ctx.people.actor(b.user.id, b.user.name);
  const command = clickCommand(c);
  if (!command) {
    // The verb needs a typed text (resolve's note, reopen's reason): ask for it in a modal.
    const snapshot = await ctx.desk.snapshot(c.ticket);
    if (!snapshot) return ctx.tell(where, `There is no ticket #${c.ticket} any more. Nothing was changed.`);
    const view = ticketView(snapshot).actions.find((x) => x.verb === c.verb);
    if (!view || view.input?.kind !== "text") return ctx.tell(where, `#${c.ticket} is ${STATUS_LABEL[snapshot.ticket.status]}; "${c.verb}" cannot be done now. Nothing was changed.`);
    const meta: ModalMeta = { ticket: c.ticket, verb: c.verb, ...(where.channel ? { channel: where.channel } : {}), ...(where.thread ? { thread: where.thread } : {}) };
    // Resolve also offers "Save as article", prefilled from the ticket; the resolution typed above completes it.
    const modal = c.verb === "resolve" ? resolveModal({ ...view, input: view.input }, articleFromResolution(snapshot.ticket, ""), JSON.stringify(meta)) : verbInputModal({ ...view, input: view.input }, JSON.stringify(meta));
    await ctx.api.call("views.open", { trigger_id: b.trigger_id, view: modal });
    return;
  }
  // A redelivered interaction carries the same action_ts: it acts once.
  const key = `act:${b.container?.message_ts ?? b.view?.id ?? ""}:${a.action_ts ?? ""}:${b.user.id}:${a.action_id}`;
  const outcome = await ctx.desk.handle({ actor, command, idempotencyKey: key });
  if (!outcome.ok) await ctx.tell(where, outcome.text);
  else if (c.verb === "rate") await ctx.tell(where, outcome.text);
  if (b.container?.type === "view") await ctx.home.publish(b.user.id);
}
