// Where the Teams bot can speak, kept in SQLite (migrations/2026-11-24T1310_teams.ts) so proactive
// messages reach people after a restart. Teams-only tables, so their repository lives with the adapter; their
// types are in src/store/database.ts (PlatformTables), like every other table's.
import type { ChannelAccount, ConversationReference } from "@microsoft/agents-activity";
import { sql } from "kysely";
import { type Db } from "../../src/core/index.js";

export interface TeamsUser {
  userId: string;
  botUserId: string;
  /** The bot's own id in that tenant ("28:..."), needed to open a chat. */
  botId: string;
  serviceUrl: string;
  tenantId: string | null;
  personalConversationId: string | null;
}

/**
 * A stored reference. Rows written before the move to the Agents SDK name the bot `bot` (botbuilder's
 * field); the SDK calls it `agent`. Both are read, so a desk upgraded in place still reaches everyone.
 */
export type StoredReference = Partial<ConversationReference> & { bot?: Partial<ChannelAccount> };

function current(ref: StoredReference): Partial<ConversationReference> {
  const { bot, ...rest } = ref;
  return rest.agent || !bot ? rest : { ...rest, agent: bot as ChannelAccount };
}

/** Stores (or refreshes) the reference of a conversation the bot heard from. `installed` marks an install. */
export async function saveConversation(db: Db, ref: StoredReference, at: number, installed = false): Promise<void> {
  const id = ref.conversation?.id;
  if (!id) return;
  const type = ref.conversation?.conversationType ?? "personal";
  await db
    .insertInto("teams_conversations")
    .values({ conversation_id: id, conversation_type: type, reference: JSON.stringify(current(ref)), installed: installed ? 1 : 0, updated_at: at })
    .onConflict((oc) =>
      oc.column("conversation_id").doUpdateSet((eb) => ({
        reference: eb.ref("excluded.reference"),
        updated_at: eb.ref("excluded.updated_at"),
        // Once installed, always installed: a later message does not take the mark away.
        installed: sql<number>`MAX(teams_conversations.installed, excluded.installed)`,
      })),
    )
    .execute();
}

export async function conversationRef(db: Db, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
  const r = await db.selectFrom("teams_conversations").select("reference").where("conversation_id", "=", conversationId).executeTakeFirst();
  return r ? current(JSON.parse(r.reference) as StoredReference) : undefined;
}

/**
 * A reference for a conversation the bot has not heard from yet (a configured agents' channel): the most
 * recent channel reference of the same service, aimed at that conversation.
 */
export async function referenceFor(db: Db, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
  const known = await conversationRef(db, conversationId);
  if (known) return known;
  const r = await db
    .selectFrom("teams_conversations")
    .select("reference")
    .orderBy(sql`conversation_type = 'channel'`, "desc")
    .orderBy("updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!r) return undefined;
  const like = current(JSON.parse(r.reference) as StoredReference);
  return { ...like, conversation: { ...like.conversation!, id: conversationId, conversationType: "channel" } };
}

/** The channel the app was most recently installed in (the agents' channel when none is configured). */
export async function installedChannel(db: Db): Promise<string | undefined> {
  const r = await db
    .selectFrom("teams_conversations")
    .select("conversation_id")
    .where("installed", "=", 1)
    .where("conversation_type", "=", "channel")
    .orderBy("updated_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return r?.conversation_id;
}

/** Remembers how to reach a person; a personal chat id is kept once known. */
export async function saveUser(db: Db, u: Omit<TeamsUser, "personalConversationId"> & { personalConversationId?: string }, at: number): Promise<void> {
  await db
    .insertInto("teams_users")
    .values({
      user_id: u.userId,
      bot_user_id: u.botUserId,
      bot_id: u.botId,
      service_url: u.serviceUrl,
      tenant_id: u.tenantId,
      personal_conversation_id: u.personalConversationId ?? null,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet((eb) => ({
        bot_user_id: eb.ref("excluded.bot_user_id"),
        bot_id: eb.ref("excluded.bot_id"),
        service_url: eb.ref("excluded.service_url"),
        tenant_id: eb.fn.coalesce("excluded.tenant_id", "teams_users.tenant_id"),
        personal_conversation_id: eb.fn.coalesce("excluded.personal_conversation_id", "teams_users.personal_conversation_id"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

export async function teamsUser(db: Db, userId: string): Promise<TeamsUser | undefined> {
  const row = await db.selectFrom("teams_users").selectAll().where("user_id", "=", userId).executeTakeFirst();
  return row
    ? {
        userId: row.user_id,
        botUserId: row.bot_user_id,
        botId: row.bot_id,
        serviceUrl: row.service_url,
        tenantId: row.tenant_id,
        personalConversationId: row.personal_conversation_id,
      }
    : undefined;
}

/** The AAD object id of someone the bot has met, from their Teams user id ("29:..."), as a mention gives it. */
export async function aadOfTeamsUser(db: Db, botUserId: string): Promise<string | undefined> {
  const r = await db.selectFrom("teams_users").select("user_id").where("bot_user_id", "=", botUserId).limit(1).executeTakeFirst();
  return r?.user_id;
}
