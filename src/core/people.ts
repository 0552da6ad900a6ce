// People as the core sees them, and how their role follows from configuration.
import type { PersonRow } from "../store/database.js";
import type { Role } from "./roles/permissions.js";
import { ROLES } from "./roles/permissions.js";
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

/** The highest role any matcher gives the person; a person nobody named is a requester. */
export function roleOf(settings: DeskSettings, p: { platform: string; userId: string; email?: string | null }): Role {
  const keys = new Set([personKey(p).toLowerCase()]);
  if (p.email) keys.add(`email:${p.email.toLowerCase()}`);
  for (const role of [...ROLES].reverse()) {
    if ((settings.roles[role] ?? []).some((m) => keys.has(m.toLowerCase()))) return role;
  }
  return "requester";
}
