// People as the core sees them, and how their role follows from configuration.
import type { PersonRow } from "../store/database.js";
import { type Role, ROLES } from "./permissions.js";
import type { DeskSettings } from "./settings.js";

export interface Person {
  id: number;
  platform: string;
  userId: string;
  name: string;
  email: string | null;
  tz: string | null;
}

export function toPerson(r: PersonRow): Person {
  return { id: r.id, platform: r.platform, userId: r.user_id, name: r.display_name, email: r.email, tz: r.tz };
}

/** "slack:U123" — how a person is named in configuration and in the audit trail. */
export const personKey = (p: { platform: string; userId: string }) => `${p.platform}:${p.userId}`;

/** Matcher schemes that name groups; their members come from a GroupDirectory (src/capabilities/roles/groups.ts). */
export const GROUP_SCHEMES = ["slack-group", "teams-group"] as const;

/**
 * The matchers that name this very person: "slack:U1", "email:ana@example.com", and for Teams, whose user id
 * is the AAD object id, also "teams-aad:<guid>".
 */
export function personMatchers(p: { platform: string; userId: string; email?: string | null }): string[] {
  const keys = [personKey(p).toLowerCase()];
  if (p.platform === "teams") keys.push(`teams-aad:${p.userId.toLowerCase()}`);
  if (p.email) keys.push(`email:${p.email.toLowerCase()}`);
  return keys;
}

/** The highest role any person matcher gives the person; a person nobody named is a requester. Groups: see RoleResolver. */
export function roleOf(settings: DeskSettings, p: { platform: string; userId: string; email?: string | null }): Role {
  const keys = new Set(personMatchers(p));
  for (const role of [...ROLES].reverse()) {
    if ((settings.roles[role] ?? []).some((m) => keys.has(m.toLowerCase()))) return role;
  }
  return "requester";
}
