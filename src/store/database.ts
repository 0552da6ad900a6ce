// Table types for kysely: the core's tables, one interface per table with Selectable/Insertable aliases, and
// the Database every query is typed by, composed from them and each capability's tables.ts.
import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";

export interface PeopleTable {
  id: Generated<number>;
  platform: string;
  user_id: string;
  display_name: string;
  email: string | null;
  tz: string | null;
  created_at: number;
}

export interface TicketsTable {
  id: Generated<number>;
  title: string;
  description: string;
  type: string;
  category: string | null;
  service: string | null;
  impact: string;
  urgency: string;
  priority: string;
  status: string;
  requester_id: number;
  assignee_id: number | null;
  team: string | null;
  tags: string;
  source_kind: string;
  source_link: string | null;
  source_ref: string | null;
  resolution: string | null;
  created_at: number;
  updated_at: number;
  first_response_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
}

export interface CommentsTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number;
  body: string;
  internal: number;
  created_at: number;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  ticket_id: number | null;
  actor_id: number | null;
  platform: string;
  action: string;
  field: string | null;
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  key: string;
  platform: string;
  kind: string;
  target: string;
  ticket_id: number | null;
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** Rows with one key, still waiting, are one message: the sender draws the latest state (a card, a status message). */
  coalesce_key: Generated<string | null>;
  first_attempt_at: Generated<number | null>;
  called_at: Generated<number | null>;
  /** For a row in flight at a stop: "lookup" (look for it first), "found", "resent", "may_repeat". */
  recovery: Generated<string | null>;
}

export interface ReceiptsTable {
  key: string;
  result: string;
  created_at: number;
}

export interface TicketLinksTable {
  ticket_id: number;
  platform: string;
  role: string;
  ref: string;
  created_at: number;
}

/** Files the desk hands out (charts, exports), kept as bytes so a delivery can be retried after a restart. */
export interface StoredFilesTable {
  token: string;
  name: string;
  title: string;
  mime: string;
  bytes: Buffer;
  size: number;
  created_at: number;
  expires_at: number;
}

/** Raw requests committed before they are acknowledged (migrations/2026-12-07T1800_inbox.ts). */
export interface InboxTable {
  id: Generated<number>;
  platform: string;
  key: string;
  body: string;
  received_at: number;
  done_at: number | null;
  attempts: Generated<number>;
  error: string | null;
}

/** The chunks of a large webhook body taken so far (migrations/2026-12-07T1801_hooks.ts). */
export interface AlertDeliveryChunksTable {
  source: string;
  delivery: string;
  first: number;
  /** JSON array of what became of each alert of the chunk. */
  results: string;
  at: number;
}

/** HMAC signatures used in the last minutes, so a replayed signed request is refused. */
export interface WebhookSignaturesTable {
  source: string;
  signature: string;
  at: number;
}

// The Teams adapter's tables (migrations/2026-11-24T1310_teams.ts). Typed here rather than in adapters/teams
// so the store composes its Database without importing an adapter (the core and the store import none);
// their queries stay with the adapter (adapters/teams/conversations.ts).

export interface TeamsConversationsTable {
  conversation_id: string;
  conversation_type: string;
  /** The conversation reference as JSON. */
  reference: string;
  installed: number;
  updated_at: number;
}

export interface TeamsUsersTable {
  user_id: string;
  bot_user_id: string;
  bot_id: string;
  service_url: string;
  tenant_id: string | null;
  personal_conversation_id: string | null;
  updated_at: number;
}

// Roles are the core's (every command checks a permission): the overrides an admin set and the configured roles as last recorded.
export interface RoleOverridesTable {
  subject: string;
  role: string;
  set_by: number | null;
  set_at: number;
}

export interface RoleConfigTable {
  id: Generated<number>;
  roles: string;
  recorded_at: number;
}

/** The generic core's tables: tickets and what every capability and adapter shares. */
export interface CoreTables {
  people: PeopleTable;
  tickets: TicketsTable;
  comments: CommentsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
  receipts: ReceiptsTable;
  ticket_links: TicketLinksTable;
  stored_files: StoredFilesTable;
  inbox: InboxTable;
  alert_delivery_chunks: AlertDeliveryChunksTable;
  webhook_signatures: WebhookSignaturesTable;
  role_overrides: RoleOverridesTable;
  role_config: RoleConfigTable;
}

export interface PlatformTables {
  teams_conversations: TeamsConversationsTable;
  teams_users: TeamsUsersTable;
}

/**
 * Every table, as kysely sees them: the core's and the platforms' here, and each capability's own, which its
 * tables.ts adds to this interface (declare module). One interface, so every query on any table is typed the
 * same way, with no cast, and adding a capability's table touches no file here.
 */
export interface Database extends CoreTables, PlatformTables {}

/** What a query runs on: the connection, or the transaction a command holds. */
export type Queryable = Kysely<Database> | Transaction<Database>;

export type PersonRow = Selectable<PeopleTable>;
export type NewPersonRow = Insertable<PeopleTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NewTicketRow = Insertable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;
export type CommentRow = Selectable<CommentsTable>;
export type AuditRow = Selectable<AuditEventsTable>;
/** What callers give; the store adds the chain's prev_hash and hash. */
export type NewAuditRow = Omit<Insertable<AuditEventsTable>, "prev_hash" | "hash">;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxRow = Insertable<OutboxTable>;
export type TicketLinkRow = Selectable<TicketLinksTable>;
export type StoredFileRow = Selectable<StoredFilesTable>;
