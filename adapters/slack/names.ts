// People the desk knows only by their Slack id (an agent assigned by a mention, or named in the settings file,
// who never used the desk themselves) are named before Slack shows them: looked up with users.info, paced with
// every other call and cached, and the name kept in the people table, so the commands after it (their
// summaries, the other platforms' cards) have it too. This runs when the outbox draws a message, after the
// commit: a command's transaction never waits on Slack.
import { type Db, type Person, personByPlatformId, type TicketSnapshot, type TicketView, upsertPerson } from "../../src/core/index.js";
import { PLATFORM } from "./ids.js";
import type { SlackPeople } from "./people.js";

/** A Slack user id where a name belongs: U or W, then capitals and digits; "slack:U…" as the settings file writes it. */
const USER_ID = /\b(?:slack:)?[UW][A-Z0-9]{2,}\b/g;
/** How long an id Slack could not name is left alone (not asked again on every redraw of its card). */
const RETRY_UNKNOWN_MS = 10 * 60_000;

export class SlackNames {
  private readonly unknown = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly people: SlackPeople,
    private readonly now: () => number,
  ) {}

  /** The snapshot with its requester and assignee named, when the desk had only their Slack ids. */
  async snapshot(s: TicketSnapshot): Promise<TicketSnapshot> {
    const requester = await this.person(s.requester);
    const assignee = s.assignee ? await this.person(s.assignee) : null;
    return requester === s.requester && assignee === s.assignee ? s : { ...s, requester, assignee };
  }

  /** A view's field values named (an approver or a lead a capability shows by the id configured for them). */
  async view(v: TicketView): Promise<TicketView> {
    const fields = await Promise.all(v.fields.map(async (f) => ({ ...f, value: await this.text(f.value) })));
    return { ...v, fields };
  }

  /**
   * A text composed at commit time ("#3 is now with UADMIN"), with each Slack id that stands for a person of the
   * desk (or is written `slack:U…`) replaced by their name. A word that only looks like an id is left as it is.
   */
  async text(t: string): Promise<string> {
    const tokens = new Set(t.match(USER_ID) ?? []);
    if (!tokens.size) return t;
    const names = new Map<string, string>();
    for (const token of tokens) {
      const id = token.replace(/^slack:/, "");
      const row = await personByPlatformId(this.db, PLATFORM, id);
      if (row && row.display_name !== id) names.set(token, row.display_name);
      else if (row || token !== id) {
        const name = await this.nameOf(id);
        if (name) names.set(token, name);
      }
    }
    return names.size ? t.replace(USER_ID, (m) => names.get(m) ?? m) : t;
  }

  private async person(p: Person): Promise<Person> {
    if (p.platform !== PLATFORM || p.name !== p.userId) return p;
    const name = await this.nameOf(p.userId);
    return name ? { ...p, name } : p;
  }

  /** Slack's name for a user id, stored on their person row when they have one; undefined when Slack cannot say. */
  private async nameOf(userId: string): Promise<string | undefined> {
    const failed = this.unknown.get(userId);
    if (failed !== undefined && this.now() - failed < RETRY_UNKNOWN_MS) return undefined;
    const actor = await this.people.actor(userId);
    if (!actor.displayName || actor.displayName === userId) {
      this.unknown.set(userId, this.now());
      return undefined;
    }
    this.unknown.delete(userId);
    if (await personByPlatformId(this.db, PLATFORM, userId)) await upsertPerson(this.db, actor, this.now());
    return actor.displayName;
  }
}
