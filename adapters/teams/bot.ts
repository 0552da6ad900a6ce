// The Teams bot: thin handlers that remember where people are, translate, call the core, and render.
import { Activity, ActivityTypes } from "@microsoft/agents-activity";
import {
  ActivityHandler,
  TurnContext,
  type ConnectorClient,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from "@microsoft/agents-hosting";
import {
  type Actor,
  can,
  type Clock,
  type Command,
  type Desk,
  type FormValues,
  type Outcome,
  type OutcomeFile,
  personByPlatformId,
  ticketView,
} from "../../src/core/index.js";
import type { ShownFile } from "./files.js";
import { aadOfTeamsUser, saveConversation, saveUser } from "./conversations.js";
import { CARD_CONTENT_TYPE, attachment, errorCard, formCard, outcomeCard, plain, ticketCard, type Card, articleFormCard, openArticleCard } from "./render.js";
import { PLATFORM, channelOf, clickCommand, envelopeOf, textCommand, actorOf } from "./translate.js";
import { INCIDENT_UPDATE_VERB, CREATE_FROM_MESSAGE, DIALOG_KEY, KB_ARTICLE_DIALOG, NEW_TICKET_DIALOG, SOURCE_LINK_KEY } from "./verbs.js";
import { runIncidentUpdate } from "./incident-click.js";
import { articleCommand, articleForm, isArticleFormRequest, resolveWithArticleCommand, validateArticle } from "../../src/capabilities/knowledge/form.js";
import { articleValues, savedArticle } from "./knowledge.js";
import { viewerFor } from "./viewer.js";
import { within, type TeamsMembers } from "./people.js";

export interface BotDeps {
  desk: Desk;
  clock: Clock;
  log: (m: string) => void;
  /** Told when the app is installed in a channel (it becomes the agents' channel if none is configured). */
  onInstalledInChannel?: (conversationId: string) => void;
  /** Keeps a command's files and says how a card shows them (app.ts: stored, linked under PUBLIC_URL). */
  showFiles?: (files: OutcomeFile[]) => Promise<ShownFile[]>;
  /** The team's members, read so agents are named before they speak (people.ts), and where to ask (the agents' channel). */
  members?: { directory: TeamsMembers; channel: () => string | undefined };
}

const DIALOG_TITLE = "New ticket";
const ARTICLE_TITLE = "New article";

/**
 * Teams' dialog (task module) and message-action invokes. The Agents SDK's ActivityHandler answers
 * adaptiveCard/action itself; the Teams-only invokes are read here, from the published wire format
 * (the SDK's Teams extension package is deprecated, so it is not used).
 */
interface TaskModuleRequest {
  data?: Record<string, unknown>;
}
interface MessageAction {
  commandId?: string;
  data?: Record<string, unknown>;
  messagePayload?: {
    body?: { content?: string };
    linkToMessage?: string;
    from?: { user?: { id?: string; displayName?: string } | null } | null;
    mentions?: { mentionText?: string; mentioned?: { application?: { id?: string; displayName?: string } } }[];
  };
}
type TaskModuleResponse = { task: { type: "continue"; value: Record<string, unknown> } | { type: "message"; value: string } };

export class DeskBot extends ActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
  }

  /** Every activity: remember the conversation and the person, so later messages can reach them. */
  override async run(context: TurnContext): Promise<void> {
    await this.withMemberDetails(context);
    await this.remember(context, false);
    await super.run(context);
  }

  /** Email and AAD object id per Teams user id, once asked (null: the Bot Connector could not say). */
  private readonly members = new Map<string, { email?: string; aadObjectId?: string } | null>();

  /**
   * Teams activities rarely carry the sender's email (and some lack the AAD object id), yet roles may name
   * people by `email:`. The member is looked up once through the SDK's connector client (GET
   * /v3/conversations/{id}/members/{userId}), and what it says is added to the activity's `from`, where Teams
   * puts it when it sends it. A person whose email the desk already has is not asked about.
   */
  private async withMemberDetails(context: TurnContext): Promise<void> {
    const a = context.activity;
    const from = a.from as (typeof a.from & { email?: string }) | undefined;
    if (!from?.id || from.id === a.recipient?.id || from.email) return;
    let known = this.members.get(from.id);
    if (known === undefined) {
      const person = await personByPlatformId(this.deps.desk.db, PLATFORM, from.aadObjectId ?? from.id);
      known = person?.email ? { email: person.email } : await this.lookUpMember(context, from.id);
      this.members.set(from.id, known);
    }
    if (!known) return;
    if (known.email && !from.email) from.email = known.email;
    if (known.aadObjectId && !from.aadObjectId) from.aadObjectId = known.aadObjectId;
  }

  private async lookUpMember(context: TurnContext, userId: string): Promise<{ email?: string; aadObjectId?: string } | null> {
    const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
    if (!client) return null;
    try {
      const m = (await client.getConversationMember(userId, channelOf(context.activity.conversation!.id))) as
        { email?: string; userPrincipalName?: string; aadObjectId?: string } | undefined;
      const email = [m?.email, m?.userPrincipalName].find((e) => typeof e === "string" && e.includes("@"));
      return { ...(email ? { email } : {}), ...(m?.aadObjectId ? { aadObjectId: m.aadObjectId } : {}) };
    } catch (err) {
      this.deps.log(`teams: could not look up member ${userId}: ${(err as Error).message}`);
      return null;
    }
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const a = context.activity;
    // Action.Submit from a card arrives as a message whose value is the button's data.
    if (a.value && typeof a.value === "object") {
      const click = clickCommand(this.deps.desk.capabilities, undefined, a.value as Record<string, unknown>);
      if (click.ok) await this.nameBefore(click.command);
      const outcome = click.ok ? await this.deps.desk.handle(envelopeOf(a, click.command)) : undefined;
      const viewer = outcome ? await viewerFor(this.deps.desk, actorOf(a), outcome.ok ? outcome.snapshot?.requester : undefined) : {};
      await context.sendActivity(
        message({ attachments: [attachment(outcome ? outcomeCard(outcome, undefined, viewer) : errorCard((click as { message: string }).message))] }),
      );
      return;
    }
    // A mentioned colleague's AAD id: from the people the bot has met or read from the roster, else asked of the Bot Connector.
    const command = await textCommand(
      this.deps.desk.capabilities,
      a,
      async (id) => (await aadOfTeamsUser(this.deps.desk.db, id)) ?? (await this.lookUpMember(context, id))?.aadObjectId,
    );
    if (isArticleFormRequest(command)) {
      // `kb new` with nothing after it: a button opening the article dialog (a bot cannot open one unasked).
      const card = can(this.deps.desk.roleOf(actorOf(a)), "note")
        ? openArticleCard()
        : errorCard("Only agents can write articles; search them with kb <words>.");
      await context.sendActivity(message({ attachments: [attachment(card)] }));
      return;
    }
    await this.nameBefore(command);
    const outcome = await this.deps.desk.handle(envelopeOf(a, command, a.conversation!.id));
    const files = outcome.ok && outcome.files?.length ? await this.deps.showFiles?.(outcome.files) : undefined;
    // The person's own card: only the buttons they may press (a requester's "Opened #N" has no Claim).
    const viewer = await viewerFor(this.deps.desk, actorOf(a), outcome.ok ? outcome.snapshot?.requester : undefined);
    await context.sendActivity(message({ attachments: [attachment(outcomeCard(outcome, files, viewer))], summary: plain(outcome.text.split("\n")[0]!) }));
  }

  protected override async onConversationUpdateActivity(context: TurnContext): Promise<void> {
    const a = context.activity;
    const added = (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
    const roster = this.deps.members;
    if (added) {
      await this.remember(context, true);
      const conversation = a.conversation!;
      const channel = conversation.conversationType === "channel";
      if (channel) this.deps.onInstalledInChannel?.(channelOf(conversation.id));
      // The team's agents named from its roster before their first card is drawn.
      const team = roster?.channel();
      if (channel && roster && team) await within(roster.directory.refresh(team));
      this.deps.log(`teams: installed in ${conversation.conversationType ?? "a"} conversation ${channelOf(conversation.id)}`);
      const hello = channel
        ? "Deskhand is here. New tickets appear in this channel as cards; claim, assign and resolve them from the card."
        : "Hi, I'm the IT help desk. Tell me what is wrong in one line and I open a ticket, or type new for the full form. Type help for every command.";
      await context.sendActivity(message({ text: hello, textFormat: "plain" }));
    }
    // Someone joined the agents' team: named now if they are one of the desk's agents.
    const joined = (a.membersAdded ?? []).map((m) => m.id).filter((id): id is string => Boolean(id) && id !== a.recipient?.id);
    const team = roster?.channel();
    if (joined.length && roster && team && a.conversation && channelOf(a.conversation.id) === team) await within(roster.directory.joined(team, joined));
    await super.onConversationUpdateActivity(context);
  }

  /** Dialogs and the message action; anything else (adaptiveCard/action included) as the SDK dispatches it. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const value = (context.activity.value ?? {}) as Record<string, unknown>;
    const ok = (body: unknown): InvokeResponse => ({ status: 200, body });
    switch (context.activity.name) {
      case "task/fetch":
        return ok(await this.taskFetch(context, value as TaskModuleRequest));
      case "task/submit":
        return ok(await this.taskSubmit(context, value as TaskModuleRequest));
      case "composeExtension/fetchTask":
        return ok(await this.messageActionFetch(context, value as MessageAction));
      case "composeExtension/submitAction":
        return ok(await this.messageActionSubmit(context, value as MessageAction));
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const reply = (card: Card): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: CARD_CONTENT_TYPE, value: card });
    if (value.action.verb === INCIDENT_UPDATE_VERB)
      return reply(await runIncidentUpdate(this.deps.desk, context.activity, value.action.data as Record<string, unknown>));
    const click = clickCommand(this.deps.desk.capabilities, value.action.verb, value.action.data as Record<string, unknown>);
    if (!click.ok) return reply(await this.withNotice(context, (value.action.data as Record<string, unknown>)?.ticketId, click.message));
    // "Save as article" on Resolve: checked before anything changes, saved once the ticket is resolved.
    const cmd = click.command;
    const article = cmd.kind === "resolve" ? savedArticle(this.deps.desk.settings, value.action.data as Record<string, unknown>, cmd.resolution) : undefined;
    if (article && !article.ok) return reply(await this.withNotice(context, cmd.kind === "resolve" ? cmd.number : undefined, article.message));
    await this.nameBefore(cmd);
    // Resolve with its article is one command: both commit, or neither does.
    const envelope = envelopeOf(
      context.activity,
      article?.ok && cmd.kind === "resolve" ? resolveWithArticleCommand(cmd.number, cmd.resolution, article.fields) : cmd,
    );
    const outcome = await this.deps.desk.handle(envelope);
    if (!outcome.ok) return reply(await this.withNotice(context, "number" in cmd ? cmd.number : undefined, outcome.text));
    // With an article, the command's last line says which one was saved.
    const lines = outcome.text.split("\n");
    const done = `Done: ${lines[0]}${article?.ok && lines.length > 1 ? ` ${lines.at(-1)}` : ""}`;
    const viewer = await viewerFor(this.deps.desk, actorOf(context.activity), outcome.snapshot?.requester);
    return reply(outcome.snapshot ? ticketCard(ticketView(outcome.snapshot), { text: done, tone: "info" }, viewer) : outcomeCard(outcome, undefined, viewer));
  }

  /** The ticket's card as it is now with a notice on top (nothing changed), or an error card when there is no ticket. */
  private async withNotice(context: TurnContext, ticketId: unknown, message: string): Promise<Card> {
    const n = Number(ticketId);
    const snap = Number.isInteger(n) && n > 0 ? await this.deps.desk.snapshot(n) : undefined;
    if (!snap) return errorCard(message);
    return ticketCard(ticketView(snap), { text: message, tone: "error" }, await viewerFor(this.deps.desk, actorOf(context.activity), snap.requester));
  }

  private async taskFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const data = (request.data ?? {}) as Record<string, unknown>;
    if (data[DIALOG_KEY] === KB_ARTICLE_DIALOG) {
      if (!can(this.deps.desk.roleOf(actorOf(context.activity)), "note")) return dialogMessage("Only agents can write articles.");
      return dialog(articleFormCard(articleForm(this.deps.desk.settings)), ARTICLE_TITLE);
    }
    if (data[DIALOG_KEY] !== NEW_TICKET_DIALOG) return dialogMessage("I don't know that dialog.");
    const outcome = await this.deps.desk.handle(envelopeOf(context.activity, { kind: "form" }));
    if (!outcome.ok || !outcome.form) return dialogMessage(outcome.text);
    return dialog(formCard(outcome.form));
  }

  private async taskSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const data = (request.data ?? {}) as Record<string, unknown>;
    if (data[DIALOG_KEY] === KB_ARTICLE_DIALOG) return this.submitArticle(context, data);
    return this.submitForm(context, data);
  }

  /** The article dialog submitted: its errors shown in it again, or the article saved. */
  private async submitArticle(context: TurnContext, data: Record<string, unknown>): Promise<TaskModuleResponse> {
    const fields = articleForm(this.deps.desk.settings);
    const values = articleValues(data);
    const checked = validateArticle(this.deps.desk.settings, values);
    if (!checked.ok) return dialog(articleFormCard(fields, { values, errors: checked.errors }), ARTICLE_TITLE);
    const outcome = await this.deps.desk.handle(envelopeOf(context.activity, articleCommand(checked.fields)));
    if (!outcome.ok) return dialog(articleFormCard(fields, { values, errors: { [outcome.field ?? "title"]: outcome.text } }), ARTICLE_TITLE);
    return dialogMessage(outcome.text);
  }

  /** "Create ticket" on a message: the form, prefilled from the message without the bot's own @mention. */
  private async messageActionFetch(context: TurnContext, action: MessageAction): Promise<TaskModuleResponse> {
    if (action.commandId !== CREATE_FROM_MESSAGE) return dialogMessage(`I don't know the command "${action.commandId}".`);
    const text = htmlToText(withoutBotMentions(String(action.messagePayload?.body?.content ?? ""), context.activity, action));
    const firstLine = text.split("\n")[0]!.slice(0, 150);
    const values: FormValues = { title: firstLine, description: text };
    return dialog(
      formCard(this.deps.desk.capabilities.form(this.deps.desk.settings), {
        values,
        ...(action.messagePayload?.linkToMessage ? { sourceLink: action.messagePayload.linkToMessage } : {}),
      }),
    );
  }

  private async messageActionSubmit(context: TurnContext, action: MessageAction): Promise<TaskModuleResponse> {
    if (action.commandId !== CREATE_FROM_MESSAGE) return dialogMessage(`I don't know the command "${action.commandId}".`);
    // Someone else's message: its author asked for help and is the requester; the person acting raised it for them.
    const author = action.messagePayload?.from?.user;
    const me = actorOf(context.activity);
    const onBehalfOf =
      author?.id && author.id !== me.userId
        ? { platform: me.platform, userId: author.id, ...(author.displayName ? { displayName: author.displayName } : {}) }
        : undefined;
    return this.submitForm(context, (action.data ?? {}) as Record<string, unknown>, onBehalfOf);
  }

  /** A submitted ticket form: its errors shown in the dialog again, or the ticket opened. */
  private async submitForm(context: TurnContext, data: Record<string, unknown>, onBehalfOf?: Actor): Promise<TaskModuleResponse> {
    const settings = this.deps.desk.settings;
    const fields = this.deps.desk.capabilities.form(settings);
    const values = Object.fromEntries(fields.map((f) => [f.name, typeof data[f.name] === "string" ? (data[f.name] as string) : undefined])) as FormValues;
    const link = typeof data[SOURCE_LINK_KEY] === "string" ? (data[SOURCE_LINK_KEY] as string) : undefined;
    const checked = this.deps.desk.capabilities.validateForm(settings, values);
    if (!checked.ok) return dialog(formCard(fields, { values, errors: checked.errors, ...(link ? { sourceLink: link } : {}) }));
    const source = { kind: link ? "teams-message" : PLATFORM, ...(link ? { link } : {}) };
    const outcome: Outcome = await this.deps.desk.handle(
      envelopeOf(context.activity, { kind: "create", ...checked.fields, source, ...(onBehalfOf ? { onBehalfOf } : {}) }),
    );
    if (!outcome.ok)
      return outcome.field
        ? dialog(formCard(fields, { values, errors: { [outcome.field]: outcome.text }, ...(link ? { sourceLink: link } : {}) }))
        : dialogMessage(outcome.text);
    await context.sendActivity(message({ attachments: [attachment(outcomeCard(outcome))] }));
    return dialogMessage(`Opened #${outcome.snapshot!.ticket.number}: ${outcome.snapshot!.ticket.title}`);
  }

  /** An assignee given by AAD object id whom the desk cannot name yet is looked up first, so every message names them. */
  private async nameBefore(cmd: Command): Promise<void> {
    const roster = this.deps.members;
    if (!roster || cmd.kind !== "assign") return;
    await within(roster.directory.nameBefore(roster.channel(), cmd.assignee.id ?? cmd.assignee.name));
  }

  private async remember(context: TurnContext, installed: boolean): Promise<void> {
    const a = context.activity;
    const now = this.deps.clock.now();
    const ref = a.getConversationReference();
    const conversationId = channelOf(ref.conversation.id);
    await saveConversation(this.deps.desk.db, { ...ref, conversation: { ...ref.conversation, id: conversationId } }, now, installed);
    const from = a.from;
    const conversation = a.conversation!;
    if (from?.id && a.serviceUrl && a.recipient?.id && from.id !== a.recipient.id) {
      const tenantId = conversation.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? null;
      await saveUser(
        this.deps.desk.db,
        {
          userId: from.aadObjectId ?? from.id,
          botUserId: from.id,
          botId: a.recipient.id,
          serviceUrl: a.serviceUrl,
          tenantId,
          ...(conversation.conversationType === "personal" ? { personalConversationId: conversation.id } : {}),
        },
        now,
      );
    }
  }
}

function dialog(card: Card, title = DIALOG_TITLE): TaskModuleResponse {
  return { task: { type: "continue", value: { title, width: "medium", height: "large", card: attachment(card) } } };
}

/** A reply in the turn, as the SDK's Activity. */
function message(fields: Record<string, unknown>): Activity {
  return Activity.fromObject({ type: ActivityTypes.Message, ...fields });
}

/**
 * A forwarded message's HTML without the bot's own @mentions: tagged with the bot's name (the invoke's
 * recipient) or naming an application the message payload lists as mentioned.
 */
function withoutBotMentions(html: string, a: Activity, action: MessageAction): string {
  const names = new Set<string>();
  if (a.recipient?.name) names.add(a.recipient.name);
  for (const m of action.messagePayload?.mentions ?? []) {
    if (m.mentioned?.application) names.add(m.mentioned.application.displayName ?? m.mentionText ?? "");
  }
  names.delete("");
  return html.replace(/<at(?:\s[^>]*)?>([^<]*)<\/at>\s?/gi, (tag, name: string) => (names.has(name.trim()) ? "" : tag));
}

function dialogMessage(text: string): TaskModuleResponse {
  return { task: { type: "message", value: text } };
}

/** A Teams message body (HTML) as plain text. */
function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
