// Table types for kysely: one interface per table, with Selectable/Insertable aliases.
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

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

export interface IncidentsTable {
  id: Generated<number>;
  title: string;
  severity: string;
  status: string;
  service: string | null;
  origin_ticket_id: number | null;
  declared_by: number;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface IncidentUpdatesTable {
  id: Generated<number>;
  incident_id: number;
  author_id: number;
  status: string;
  body: string;
  created_at: number;
}

export interface IncidentTicketsTable {
  ticket_id: number;
  incident_id: number;
  linked_by: number | null;
  reason: string;
  linked_at: number;
}

export interface StatusChannelsTable {
  platform: string;
  channel: string;
  added_by: number | null;
  created_at: number;
}

export interface IncidentLinksTable {
  incident_id: number;
  platform: string;
  channel: string;
  ref: string;
}

export interface AlertsTable {
  source: string;
  fingerprint: string;
  ticket_id: number;
  group_key: string | null;
  service: string | null;
  status: string;
  labels: string;
  link: string | null;
  repeats: number;
  first_at: number;
  last_at: number;
}

export interface AlertStormsTable {
  source: string;
  service: string;
  at: number;
  ticket_id: number;
}

export interface ArticlesTable {
  id: Generated<number>;
  title: string;
  body: string;
  tags: string;
  category: string | null;
  author_id: number;
  source_ticket_id: number | null;
  created_at: number;
  updated_at: number;
  reviewed_at: number;
}

export interface ArticleOffersTable {
  ticket_id: number;
  article_id: number;
  rank: number;
  offered_at: number;
  outcome: string | null;
  decided_at: number | null;
}

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

export interface Database {
  people: PeopleTable;
  tickets: TicketsTable;
  comments: CommentsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
  receipts: ReceiptsTable;
  ticket_links: TicketLinksTable;
  incidents: IncidentsTable;
  incident_updates: IncidentUpdatesTable;
  incident_tickets: IncidentTicketsTable;
  status_channels: StatusChannelsTable;
  incident_links: IncidentLinksTable;
  alerts: AlertsTable;
  alert_storms: AlertStormsTable;
  articles: ArticlesTable;
  article_offers: ArticleOffersTable;
  role_overrides: RoleOverridesTable;
  role_config: RoleConfigTable;
}

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
export type IncidentRow = Selectable<IncidentsTable>;
export type IncidentUpdateRow = Selectable<IncidentUpdatesTable>;
export type StatusChannelRow = Selectable<StatusChannelsTable>;
export type AlertRow = Selectable<AlertsTable>;
export type ArticleRow = Selectable<ArticlesTable>;
