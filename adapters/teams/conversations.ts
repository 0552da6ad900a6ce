// Where the Teams bot can speak, kept in SQLite (migrations/2026-11-24T1310_teams.ts) so proactive
// messages reach people after a restart. Teams-only tables, so their repository lives with the adapter.
import type { ChannelAccount, ConversationReference } from "@microsoft/agents-activity";
import { sql } from "kysely";
import type { Db } from "../../src/core/index.js";

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
  await sql`
    INSERT INTO teams_conversations (conversation_id, conversation_type, reference, installed, updated_at)
    VALUES (${id}, ${type}, ${JSON.stringify(current(ref))}, ${installed ? 1 : 0}, ${at})
    ON CONFLICT (conversation_id) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at,
      installed = MAX(teams_conversations.installed, excluded.installed)`.execute(db);
}

export async function conversationRef(db: Db, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
  const r = await sql<{ reference: string }>`SELECT reference FROM teams_conversations WHERE conversation_id = ${conversationId}`.execute(db);
  return r.rows[0] ? current(JSON.parse(r.rows[0].reference) as StoredReference) : undefined;
}

/**
 * A reference for a conversation the bot has not heard from yet (a configured agents' channel): the most
 * recent channel reference of the same service, aimed at that conversation.
 */
export async function referenceFor(db: Db, conversationId: string): Promise<Partial<ConversationReference> | undefined> {
  const known = await conversationRef(db, conversationId);
  if (known) return known;
  const r = await sql<{ reference: string }>`
    SELECT reference FROM teams_conversations ORDER BY (conversation_type = 'channel') DESC, updated_at DESC LIMIT 1`.execute(db);
  if (!r.rows[0]) return undefined;
  const like = current(JSON.parse(r.rows[0].reference) as StoredReference);
  return { ...like, conversation: { ...like.conversation!, id: conversationId, conversationType: "channel" } };
}

/** The channel the app was most recently installed in (the agents' channel when none is configured). */
export async function installedChannel(db: Db): Promise<string | undefined> {
  const r = await sql<{ conversation_id: string }>`
    SELECT conversation_id FROM teams_conversations WHERE installed = 1 AND conversation_type = 'channel'
    ORDER BY updated_at DESC LIMIT 1`.execute(db);
  return r.rows[0]?.conversation_id;
}

/** Remembers how to reach a person; a personal chat id is kept once known. */
export async function saveUser(db: Db, u: Omit<TeamsUser, "personalConversationId"> & { personalConversationId?: string }, at: number): Promise<void> {
  await sql`
    INSERT INTO teams_users (user_id, bot_user_id, bot_id, service_url, tenant_id, personal_conversation_id, updated_at)
    VALUES (${u.userId}, ${u.botUserId}, ${u.botId}, ${u.serviceUrl}, ${u.tenantId}, ${u.personalConversationId ?? null}, ${at})
    ON CONFLICT (user_id) DO UPDATE SET bot_user_id = excluded.bot_user_id, bot_id = excluded.bot_id, service_url = excluded.service_url,
      tenant_id = COALESCE(excluded.tenant_id, teams_users.tenant_id),
      personal_conversation_id = COALESCE(excluded.personal_conversation_id, teams_users.personal_conversation_id),
      updated_at = excluded.updated_at`.execute(db);
}

export async function teamsUser(db: Db, userId: string): Promise<TeamsUser | undefined> {
  const r = await sql<{ user_id: string; bot_user_id: string; bot_id: string; service_url: string; tenant_id: string | null; personal_conversation_id: string | null }>`
    SELECT * FROM teams_users WHERE user_id = ${userId}`.execute(db);
  const row = r.rows[0];
  return row ? { userId: row.user_id, botUserId: row.bot_user_id, botId: row.bot_id, serviceUrl: row.service_url, tenantId: row.tenant_id, personalConversationId: row.personal_conversation_id } : undefined;
}

/** The AAD object id of someone the bot has met, from their Teams user id ("29:..."), as a mention gives it. */
export async function aadOfTeamsUser(db: Db, botUserId: string): Promise<string | undefined> {
  const r = await sql<{ user_id: string }>`SELECT user_id FROM teams_users WHERE bot_user_id = ${botUserId} LIMIT 1`.execute(db);
  return r.rows[0]?.user_id;
}
