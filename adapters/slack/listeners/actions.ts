// Card, resolution and App Home buttons: the click's command is committed, then acknowledged; the answer and
// the App Home follow the ack.
import type { App, BlockAction as BoltBlockAction } from "@slack/bolt";
import { type Actor, type Command, STATUS_LABEL, ticketView } from "../../../src/core/index.js";
import type { SlackContext, Where } from "../context.js";
import { HOME_TAB_ACTION, RATE_ACTION, TICKET_ACTION, type HomeTab, INCIDENT_UPDATE_ACTION } from "../ids.js";
import { verbInputModal } from "../render.js";
import { articleFromResolution } from "../../../src/capabilities/knowledge/form.js";
import { resolveModal } from "../knowledge.js";
import { clickCommand, readClick, type BlockAction, type Click, type ModalMeta } from "../translate.js";
import { UNEXPECTED } from "./commands.js";

const KNOWN = [TICKET_ACTION, RATE_ACTION, HOME_TAB_ACTION, INCIDENT_UPDATE_ACTION];
/** Any action id none of ours matches (an old message, a forged payload). */
const UNKNOWN = new RegExp(`^(?!(?:${KNOWN.map((r) => r.source.replace(/^\^|\$$/g, "")).join("|")})$)`);

function whereOf(b: BoltBlockAction): Where {
  const channel = b.container?.type === "message" ? ((b.container.channel_id as string | undefined) ?? b.channel?.id) : undefined;
  const thread = (b.container?.thread_ts as string | undefined) ?? (b.message?.thread_ts as string | undefined);
  return { user: b.user.id, ...(channel ? { channel } : {}), ...(thread ? { thread } : {}) };
}

export function registerActions(app: App, ctx: SlackContext): void {
  // A click held in the inbox and left unworked by a stop: run (or read back from its receipt) and answered.
  ctx.inbox.on("click", async (body) => {
    const b = body as unknown as BoltBlockAction;
    const a = b.actions[0] as unknown as BlockAction;
    const c = readClick(a);
    const command = c.ok ? clickCommand(ctx.desk.capabilities, c) : undefined;
    if (!c.ok || !command) return;
    const outcome = await runClick(ctx, await ctx.people.actor(b.user.id, b.user.name), command, clickKey(b, a), a);
    await answerClick(ctx, b, c, whereOf(b), outcome);
  });

  const onClick = async ({ ack, body, action }: { ack: () => Promise<void>; body: unknown; action: unknown }) => {
    const b = body as BoltBlockAction;
    const a = action as BlockAction;
    const where = whereOf(b);
    const c = readClick(a);
    const command = c.ok ? clickCommand(ctx.desk.capabilities, c) : undefined;
    if (!c.ok || !command) {
      // Nothing to commit: an unknown button is answered, and a verb that needs a typed text opens its modal
      // while trigger_id (about 3 seconds) is good.
      await ack();
      void ctx.track(() => (c.ok ? askForText(ctx, b, c, where) : ctx.tell(where, c.text)), true);
      return;
    }
    const { actor, complete } = await ctx.requestActor(b.user.id, b.user.name);
    const key = clickKey(b, a);
    const handled = runClick(ctx, actor, command, key, a);
    const outcome = await ctx.withinBudget(handled);
    // After the ack: the answer (the card itself is redrawn through the outbox), the App Home, the person's details.
    const rest = async (o: { ok: boolean; text: string }) => {
      await answerClick(ctx, b, c, where, o);
      await complete?.();
    };
    if (outcome) {
      await ack();
      void ctx.track(() => rest(outcome));
      return;
    }
    // The desk is too far behind to commit it before Slack gives up: stored raw (ahead of the queue), then acked.
    await ctx.inbox.hold("click", key, b as never, async () => rest(await handled));
    await ack();
  };
  app.action(TICKET_ACTION, onClick);
  app.action(RATE_ACTION, onClick);
  app.action(UNKNOWN, onClick);
  app.action(HOME_TAB_ACTION, async ({ ack, body, action }) => {
    // Switching tabs commits nothing.
    await ack();
    void ctx.track(async () => {
      const tab = HOME_TAB_ACTION.exec((action as BlockAction).action_id)![1] as HomeTab;
      ctx.home.opened(body.user.id, tab);
      await ctx.home.publish(body.user.id);
    });
  });
}

/** A redelivered interaction carries the same action_ts: it acts once. */
const clickKey = (b: BoltBlockAction, a: BlockAction) => `act:${b.container?.message_ts ?? b.view?.id ?? ""}:${a.action_ts ?? ""}:${b.user.id}:${a.action_id}`;

function runClick(ctx: SlackContext, actor: Actor, command: Command, key: string, a: BlockAction): Promise<{ ok: boolean; text: string }> {
  return ctx.desk.handle({ actor, command, idempotencyKey: key }).catch((err: unknown) => {
    ctx.log(`slack: ${a.action_id} failed: ${(err as Error).stack ?? err}`);
    return { ok: false, text: UNEXPECTED };
  });
}

/** What follows a click's commit: a refusal or a rating's thanks to the person, and their App Home redrawn. */
async function answerClick(ctx: SlackContext, b: BoltBlockAction, c: Click, where: Where, outcome: { ok: boolean; text: string }): Promise<void> {
  if (!outcome.ok || (c.ok && c.verb === "rate")) await ctx.tell(where, outcome.text);
  if (b.container?.type === "view") await ctx.home.publish(b.user.id);
}

/** A verb that needs a typed text (resolve's note, reopen's reason): asks for it in a modal. */
async function askForText(ctx: SlackContext, b: BoltBlockAction, c: Extract<Click, { ok: true }>, where: Where): Promise<void> {
  const snapshot = await ctx.desk.snapshot(c.ticket);
  if (!snapshot) return ctx.tell(where, `There is no ticket #${c.ticket} any more. Nothing was changed.`);
  const view = ticketView(snapshot).actions.find((x) => x.verb === c.verb);
  if (!view || view.input?.kind !== "text")
    return ctx.tell(where, `#${c.ticket} is ${STATUS_LABEL[snapshot.ticket.status]}; "${c.verb}" cannot be done now. Nothing was changed.`);
  const meta: ModalMeta = {
    ticket: c.ticket,
    verb: c.verb,
    ...(where.channel ? { channel: where.channel } : {}),
    ...(where.thread ? { thread: where.thread } : {}),
  };
  // Resolve also offers "Save as article", prefilled from the ticket; the resolution typed above completes it.
  const modal =
    c.verb === "resolve"
      ? resolveModal({ ...view, input: view.input }, articleFromResolution(snapshot.ticket, ""), JSON.stringify(meta))
      : verbInputModal({ ...view, input: view.input }, JSON.stringify(meta));
  await ctx.api.call("views.open", { trigger_id: b.trigger_id, view: modal });
}
