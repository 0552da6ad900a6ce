// Who may do what, in one place. Every command is checked here before it changes anything.
export const ROLES = ["requester", "agent", "lead", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { requester: 0, agent: 1, lead: 2, admin: 3 };

export type Permission =
  | "create"
  | "comment_own"
  | "comment_any"
  | "note"
  | "claim"
  | "assign"
  | "change_priority"
  | "change_category"
  | "change_status"
  | "resolve"
  | "close_own"
  | "close_any"
  | "reopen_own"
  | "reopen_any"
  | "view_any"
  | "declare_incident"
  | "update_incident"
  | "approve"
  | "manage_outbox"
  | "edit_config"
  | "export_audit";

/** The least role that holds each permission. */
export const PERMISSIONS: Record<Permission, Role> = {
  create: "requester",
  comment_own: "requester",
  comment_any: "agent",
  note: "agent",
  claim: "agent",
  assign: "agent",
  change_priority: "agent",
  change_category: "agent",
  change_status: "agent",
  resolve: "agent",
  close_own: "requester",
  close_any: "agent",
  reopen_own: "requester",
  reopen_any: "agent",
  view_any: "agent",
  declare_incident: "agent",
  update_incident: "agent",
  // Approvers are named per category or service in the settings (a line manager may hold no desk role at all):
  // the row lets any role decide, and src/capabilities/approvals refuses anyone those lists do not name.
  approve: "requester",
  manage_outbox: "admin",
  edit_config: "admin",
  export_audit: "lead",
};

export function can(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSIONS[permission]];
}

export function atLeast(role: Role, least: Role): boolean {
  return RANK[role] >= RANK[least];
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
