import type { PersonRow, Queryable } from "./database.js";

export interface PersonInput {
  platform: string;
  userId: string;
  displayName?: string;
  email?: string;
  tz?: string;
}

/** Inserts the person or refreshes what the platform now tells us about them. */
export async function upsertPerson(db: Queryable, p: PersonInput, now: number): Promise<PersonRow> {
  // Known and unchanged (nearly every command): read, not rewritten, so a command writes no page for it.
  const known = await personByPlatformId(db, p.platform, p.userId);
  const email = p.email?.toLowerCase();
  if (known && (!p.displayName || p.displayName === known.display_name) && (!email || email === known.email) && (!p.tz || p.tz === known.tz)) return known;
  await db
    .insertInto("people")
    .values({ platform: p.platform, user_id: p.userId, display_name: p.displayName ?? p.userId, email: email ?? null, tz: p.tz ?? null, created_at: now })
    .onConflict((oc) =>
      oc.columns(["platform", "user_id"]).doUpdateSet((eb) => ({
        display_name: p.displayName ? eb.val(p.displayName) : eb.ref("people.display_name"),
        email: email ? eb.val(email) : eb.ref("people.email"),
        tz: p.tz ? eb.val(p.tz) : eb.ref("people.tz"),
      })),
    )
    .execute();
  return personByPlatformId(db, p.platform, p.userId) as Promise<PersonRow>;
}

export function personById(db: Queryable, id: number): Promise<PersonRow | undefined> {
  return db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
}

export function personByPlatformId(db: Queryable, platform: string, userId: string): Promise<PersonRow | undefined> {
  return db.selectFrom("people").selectAll().where("platform", "=", platform).where("user_id", "=", userId).executeTakeFirst();
}

/** A handle typed by hand: a user id or display name, preferring the given platform. */
export async function personByHandle(db: Queryable, handle: string, platform: string): Promise<PersonRow | undefined> {
  const h = handle.replace(/^@/, "").toLowerCase();
  const rows = await db
    .selectFrom("people")
    .selectAll()
    .where((eb) => eb.or([eb(eb.fn("lower", ["user_id"]), "=", h), eb(eb.fn("lower", ["display_name"]), "=", h), eb("email", "=", h)]))
    .execute();
  return rows.find((r) => r.platform === platform) ?? rows[0];
}

export function peopleByIds(db: Queryable, ids: number[]): Promise<PersonRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom("people").selectAll().where("id", "in", ids).execute();
}
