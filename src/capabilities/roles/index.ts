// `role @person [<role>|reset]`: see where a person's role comes from, or (admins) set it. A change is
// recorded in the hash-chained audit trail like any ticket change.
import { appendAudit } from "../../store/audit.js";
import { personByHandle, personByPlatformId, upsertPerson } from "../../store/people.js";
import { clearRoleOverrides, setRoleOverride } from "../../store/roles.js";
import type { Command } from "../../core/commands.js";
import type { Capability } from "../../core/capability.js";
import type { Ctx, Outcome } from "../../core/context.js";
import { DeskError, invalid } from "../../core/errors.js";
import { parsePersonRef } from "../../core/grammar.js";
import { personKey, personMatchers, toPerson, type Person } from "../../core/people.js";
import { ROLES, isRole, type Role } from "../../core/permissions.js";

export const ROLES_CAPABILITY = "roles";
/** The audit action of a role set or reset by a command. */
export const ROLE_CHANGED = "role_changed";

/** A person as a command names them: a mention, an @handle, or a matcher such as email:ana@example.com. */
const SUBJECT = /^(?:<@[A-Z0-9]+(?:\|[^>]+)?>|@[\w.\-]+|(?:slack|teams|teams-aad|console|email):\S+)$/i;
const MATCHER = /^(slack|teams|teams-aad|console|email):(\S+)$/i;

const cap = (text: string): Command => ({ kind: "capability", capability: ROLES_CAPABILITY, verb: "role", text });

/** `role ...`; words that do not name a person ("role change for a new starter") open a ticket as any other text would. */
function parseRole(args: string[], text: string): Command | undefined {
  // "role agent": a Teams mention is dropped from the text, leaving the role; the command asks who.
  if (args.length === 1 && (isRole(args[0]!.toLowerCase()) || args[0]!.toLowerCase() === "reset")) return cap(text);
  const setting = args.length === 2 && (isRole(args[1]!.toLowerCase()) || args[1]!.toLowerCase() === "reset");
  // "role carol agent": a name written without its @ is still a person when a role follows it.
  if (setting && /^[\w.\-]+$/.test(args[0]!)) return cap(text);
  if (!args.length || args.length > 2 || !SUBJECT.test(args[0]!)) return undefined;
  if (args.length === 2 && !setting) return undefined;
  return cap(text);
}

export function rolesCapability(): Capability {
  return {
    name: ROLES_CAPABILITY,
    verbs: [
      {
        usage: [{ verb: "role", form: `role @who [${ROLES.join("|")}|reset]`, says: "see where someone's role comes from, or set it (admins)" }],
        parse: parseRole,
      },
    ],
    // The person's groups are looked up here, outside the transaction; inside, the directories answer from cache.
    async prepare(desk, cmd, actor) {
      const who = (cmd.text ?? "").trim().split(/\s+/)[0] ?? "";
      const m = MATCHER.exec(who);
      if (m && m[1]!.toLowerCase() === "email")
        return void (await desk.roles.resolve(desk.db, { platform: "email", userId: m[2]!.toLowerCase(), email: m[2]!.toLowerCase() }));
      const ref = m ? { id: m[2]! } : parsePersonRef(who);
      if (ref) await desk.roles.resolveNamed(desk.db, m ? (m[1]!.toLowerCase() === "teams-aad" ? "teams" : m[1]!.toLowerCase()) : actor.platform, ref);
    },
    async command(ctx, cmd): Promise<Outcome> {
      const [who = "", wanted] = (cmd.text ?? "").trim().split(/\s+/);
      const resolver = ctx.roles;
      if (!wanted && (isRole(who.toLowerCase()) || who.toLowerCase() === "reset"))
        throw invalid(
          `Say whose role: role @name ${who}, or role email:<address> ${who} (in Teams, where a mention does not reach me, use their email or teams-aad:<AAD object id>).`,
        );
      if (!wanted) {
        const person = await findPerson(ctx, who, false);
        const src = await resolver.explain(ctx.trx, person);
        return { ok: true, kind: "capability", text: `${person.name} (${personKey(person)}) is ${article(src.role)} ${src.role}: ${src.from}.` };
      }
      ctx.require("edit_config", "change people's roles");
      const to = wanted.toLowerCase();
      if (to !== "reset" && !isRole(to)) throw invalid(`"${wanted}" is not a role; roles: ${ROLES.join(", ")}, or reset.`);
      const person = await findPerson(ctx, who, true);
      if (person.id === ctx.actor.id && to !== "admin") throw invalid("You cannot take away your own admin role; ask another admin.");
      // Inside the command's transaction: group directories answer from the caches prepare() filled.
      const before = await resolver.explain(ctx.trx, person);
      // Keyed by email when known, so the person has the role on every platform.
      const subject = person.email ? `email:${person.email.toLowerCase()}` : personKey(person).toLowerCase();
      const cleared = await clearRoleOverrides(ctx.trx, personMatchers(person));
      if (to === "reset" && !cleared)
        throw new DeskError("INVALID_TRANSITION", `${person.name} has no role set by an admin; their role (${before.role}) comes from ${before.from}.`);
      if (to !== "reset") await setRoleOverride(ctx.trx, { subject, role: to, setBy: ctx.actor.id, setAt: ctx.now });
      await resolver.reload(ctx.trx);
      const after = await resolver.explain(ctx.trx, person);
      if (after.role === before.role && to !== "reset")
        throw new DeskError("INVALID_TRANSITION", `${person.name} is already ${article(after.role)} ${after.role}.`);
      await appendAudit(ctx.trx, [
        {
          at: ctx.now,
          ticket_id: null,
          actor_id: ctx.actor.id,
          platform: ctx.actor.platform,
          action: ROLE_CHANGED,
          field: `role:${personKey(person)}`,
          from_value: before.role,
          to_value: after.role,
          reason: to === "reset" ? `reset to the settings file (${subject})` : `set for ${subject}`,
        },
      ]);
      return {
        ok: true,
        kind: "capability",
        text: `${person.name} is now ${article(after.role)} ${after.role}${to === "reset" ? " (as the settings file says)" : ""}; recorded in the audit trail.`,
      };
    },
  };
}

const article = (r: Role) => (r === "agent" || r === "admin" ? "an" : "a");

async function findPerson(ctx: Ctx, token: string, create: boolean): Promise<Person> {
  const m = MATCHER.exec(token);
  if (m) {
    const scheme = m[1]!.toLowerCase();
    const id = m[2]!;
    if (scheme === "email") {
      const row = await ctx.trx.selectFrom("people").selectAll().where("email", "=", id.toLowerCase()).orderBy("id").executeTakeFirst();
      if (row) return toPerson(row);
      // Someone not seen yet: their role waits for them under their email.
      return { id: 0, platform: "email", userId: id.toLowerCase(), name: id.toLowerCase(), email: id.toLowerCase(), tz: null };
    }
    const platform = scheme === "teams-aad" ? "teams" : scheme;
    const row = await personByPlatformId(ctx.trx, platform, id);
    if (row) return toPerson(row);
    if (create) return toPerson(await upsertPerson(ctx.trx, { platform, userId: id }, ctx.now));
    throw new DeskError("PERSON_NOT_FOUND", `I don't know ${token} yet.`);
  }
  const ref = parsePersonRef(token);
  if (!ref) throw invalid(`"${token}" does not name a person; write @name, a mention, or email:<address>.`);
  const row = ref.id ? await personByPlatformId(ctx.trx, ctx.actor.platform, ref.id) : await personByHandle(ctx.trx, ref.name!, ctx.actor.platform);
  if (row) return toPerson(row);
  if (ref.id && create)
    return toPerson(await upsertPerson(ctx.trx, { platform: ctx.actor.platform, userId: ref.id, ...(ref.name ? { displayName: ref.name } : {}) }, ctx.now));
  // A mention of someone the desk has not met yet: their role can still be told.
  if (ref.id) return { id: 0, platform: ctx.actor.platform, userId: ref.id, name: ref.name ?? ref.id, email: null, tz: null };
  // At the console a handle is the person's id itself (`as @zoe` acts as console:zoe): a name not seen yet is still someone.
  if (ctx.actor.platform === "console" && ref.name) {
    const userId = ref.name.toLowerCase();
    if (create) return toPerson(await upsertPerson(ctx.trx, { platform: "console", userId, displayName: userId }, ctx.now));
    return { id: 0, platform: "console", userId, name: userId, email: null, tz: null };
  }
  throw new DeskError("PERSON_NOT_FOUND", `I don't know ${token}. Name them by mention or email:<address>.`);
}
