// Cards drawn for the person who will see them: Assign offers the desk's agents on Teams, and a person is
// shown only the buttons their role lets them press (a requester's own "Opened #N" card has no Claim).
import { type ActionView, type Actor, atLeast, can, type Desk, type Permission, type Role } from "../../src/core/index.js";
import type { Viewer } from "./render.js";
import { PLATFORM } from "./translate.js";

/** A picker holds this many agents at most; past it, a name or email can still be typed in a dialog. */
const MAX_AGENTS = 100;

/** The permission each core verb needs; a requester's own ticket may be closed and reopened by them. */
const VERB_PERMISSION: Record<string, { own: Permission; any: Permission }> = {
  claim: { own: "claim", any: "claim" },
  assign: { own: "assign", any: "assign" },
  priority: { own: "change_priority", any: "change_priority" },
  resolve: { own: "resolve", any: "resolve" },
  close: { own: "close_own", any: "close_any" },
  reopen: { own: "reopen_own", any: "reopen_any" },
};

/** The desk's agents among the Teams people it knows, by name. */
export async function teamsAgents(desk: Desk): Promise<{ title: string; value: string }[]> {
  const people = await desk.db.selectFrom("people").select(["user_id", "display_name", "email"]).where("platform", "=", PLATFORM).execute();
  return people
    .filter((p) => atLeast(desk.roleOf({ platform: PLATFORM, userId: p.user_id, email: p.email }), "agent"))
    .map((p) => ({ title: p.display_name || p.user_id, value: p.user_id }))
    .sort((a, b) => a.title.localeCompare(b.title))
    .slice(0, MAX_AGENTS);
}

/** What `actor` may press on a ticket they requested (`own`) or someone else's; verbs a capability adds are for agents. */
export function mayPress(role: Role, own: boolean): (a: ActionView) => boolean {
  return (a) => {
    const p = VERB_PERMISSION[a.verb];
    if (!p) return atLeast(role, "agent");
    return can(role, own ? p.own : p.any);
  };
}

/** The card context for `actor`, looking at a ticket `requester` opened. */
export async function viewerFor(desk: Desk, actor: Actor, requester?: { platform: string; userId: string }): Promise<Viewer> {
  const role = desk.roleOf(actor);
  const own = requester?.platform === actor.platform && requester.userId === actor.userId;
  return { may: mayPress(role, own), ...(can(role, "assign") ? { agents: await teamsAgents(desk) } : {}) };
}
