// The team's members as the Bot Connector lists them, so agents configured by AAD object id or email are
// named before they ever speak to the bot: the agents' channel's roster is read page by page
// (GET /v3/conversations/{id}/pagedmembers) when the app starts, when it is installed in a channel, and again
// once it is stale. Someone the roster did not have (they joined the team since) is asked for alone
// (GET .../members/{id}) when Teams says they joined, or before a command assigns them by AAD object id.
// What is learnt is kept in the people table (names, emails) and teams_users (how to open their chat), so
// cards and messages name them after a restart too. Calls are paced at Teams' limits like the sends (with
// their own paces); a failure is logged and leaves what is known as it was.
import type { ConversationReference } from "@microsoft/agents-activity";
import type { CloudAdapter, ConnectorClient, TurnContext } from "@microsoft/agents-hosting";
import { atLeast, type Desk, personByPlatformId, upsertPerson } from "../../src/core/index.js";
import { Pace, scaled } from "../../src/outbox/pace.js";
import { referenceFor, saveUser } from "./conversations.js";
import { TENANT_LIMIT, THREAD_LIMITS } from "./sender.js";
import { PLATFORM } from "./translate.js";

/** A member as Teams describes one (TeamsChannelAccount): its Teams user id ("29:..."), name and directory ids. */
export interface TeamsMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

/** Teams answers at most 500 members a page. */
const PAGE_SIZE = 500;
/** A team's roster changes slowly; read again after this long. */
export const ROSTER_TTL_MS = 6 * 3_600_000;
/** How long an id the Bot Connector could not name is left alone (not asked again on every assignment). */
const RETRY_UNKNOWN_MS = 10 * 60_000;
/** An AAD object id, as the settings (`teams:<id>`) and the Assign picker give it. */
const AAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MembersOptions {
  adapter: CloudAdapter;
  /** The bot's app id; empty in Emulator mode. */
  appId: string;
  desk: Desk;
  now: () => number;
  log: (m: string) => void;
  ttlMs?: number;
  /** Every limit times this (OUTBOUND_RATE_SCALE), as for the sends. */
  rateScale?: number;
}

export class TeamsMembers {
  /** When each conversation's roster was last read whole. */
  private readonly readAt = new Map<string, number>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly unknown = new Map<string, number>();
  private readonly thread: Pace;
  private readonly tenant: Pace;

  constructor(private readonly deps: MembersOptions) {
    this.thread = new Pace(scaled(THREAD_LIMITS, deps.rateScale));
    this.tenant = new Pace(scaled([TENANT_LIMIT], deps.rateScale));
  }

  /** Reads the conversation's roster unless it was read within the TTL (one reading at a time per conversation). */
  refresh(conversationId: string): Promise<void> {
    const at = this.readAt.get(conversationId);
    if (at !== undefined && this.deps.now() - at < (this.deps.ttlMs ?? ROSTER_TTL_MS)) return Promise.resolve();
    let p = this.reading.get(conversationId);
    if (!p) {
      p = this.readRoster(conversationId).finally(() => this.reading.delete(conversationId));
      this.reading.set(conversationId, p);
    }
    return p;
  }

  /**
   * Before a command names `handle` (an AAD object id typed or picked): when the desk has no name for that
   * person yet, the member is asked of the conversation and kept. Anything else is left to the core.
   */
  async nameBefore(conversationId: string | undefined, handle: string | undefined): Promise<void> {
    const id = handle?.trim().replace(/^(?:teams-aad:|teams:|@)/i, "");
    if (!conversationId || !id || !AAD_ID.test(id)) return;
    const known = await personByPlatformId(this.deps.desk.db, PLATFORM, id);
    if (known && known.display_name !== id) return;
    const failed = this.unknown.get(id);
    if (failed !== undefined && this.deps.now() - failed < RETRY_UNKNOWN_MS) return;
    const member = await this.withClient(conversationId, (client) => client.getConversationMember(id, conversationId) as Promise<TeamsMember>).catch(
      (err: unknown) => {
        this.deps.log(`teams: could not look up member ${id} in ${conversationId}: ${reason(err)}`);
        return undefined;
      },
    );
    if (!member?.name) {
      this.unknown.set(id, this.deps.now());
      return;
    }
    this.unknown.delete(id);
    await this.keep(conversationId, [{ ...member, aadObjectId: member.aadObjectId ?? id }], true);
  }

  /** People who joined the team (the event gives their ids only): each looked up, the desk's agents among them kept. */
  async joined(conversationId: string, memberIds: string[]): Promise<void> {
    const found: TeamsMember[] = [];
    for (const id of memberIds) {
      try {
        found.push((await this.withClient(conversationId, (client) => client.getConversationMember(id, conversationId))) as TeamsMember);
      } catch (err) {
        this.deps.log(`teams: could not look up member ${id}, who joined ${conversationId}: ${reason(err)}`);
      }
    }
    await this.keep(conversationId, found, false);
  }

  private async readRoster(conversationId: string): Promise<void> {
    const members: TeamsMember[] = [];
    try {
      let continuationToken: string | undefined;
      do {
        const page = await this.withClient(conversationId, async (client) => {
          const params: Record<string, string> = { pageSize: String(PAGE_SIZE), ...(continuationToken ? { continuationToken } : {}) };
          const res = await client.httpClient.request<{ members?: TeamsMember[]; continuationToken?: string }>({
            method: "get",
            url: `v3/conversations/${encodeURIComponent(conversationId)}/pagedmembers`,
            params,
          });
          return res.data;
        });
        members.push(...(page?.members ?? []));
        continuationToken = page?.continuationToken || undefined;
      } while (continuationToken);
    } catch (err) {
      this.deps.log(`teams: could not read the members of ${conversationId} (${reason(err)}); agents not yet named keep their ids for now`);
      return;
    }
    this.readAt.set(conversationId, this.deps.now());
    await this.keep(conversationId, members, false);
  }

  /**
   * Keeps what the members tell of the desk's agents (and refreshes the names of people the desk already
   * has): their name and email, and how to open a chat with them. `named`: asked for by a command, kept even
   * if their role is not yet known (the core decides whether they may be assigned).
   */
  private async keep(conversationId: string, members: TeamsMember[], named: boolean): Promise<void> {
    const db = this.deps.desk.db;
    const ref = await referenceFor(db, conversationId);
    const now = this.deps.now();
    let kept = 0;
    for (const m of members) {
      const aad = m.aadObjectId;
      if (!aad || !m.id) continue;
      const email = [m.email, m.userPrincipalName].find((e) => typeof e === "string" && e.includes("@"));
      const identity = { platform: PLATFORM, userId: aad, email: email ?? null };
      const known = await personByPlatformId(db, PLATFORM, aad);
      // The role known without waiting (ids, emails, overrides): asking Graph about every member of a large team
      // is not worth it; an agent by group is named once they have spoken or been assigned.
      if (!named && !known && !atLeast(this.deps.desk.roleOf(identity), "agent")) continue;
      await upsertPerson(db, { platform: PLATFORM, userId: aad, ...(m.name ? { displayName: m.name } : {}), ...(email ? { email } : {}) }, now);
      const botId = ref?.agent?.id;
      if (botId && ref?.serviceUrl)
        await saveUser(db, { userId: aad, botUserId: m.id, botId, serviceUrl: ref.serviceUrl, tenantId: ref.conversation?.tenantId ?? null }, now);
      kept++;
    }
    if (!named) this.deps.log(`teams: ${members.length} member(s) of ${conversationId} read; ${kept} of the desk's people named`);
  }

  /** Runs `call` with the Bot Connector client of a proactive turn in `conversationId`, paced. */
  private async withClient<T>(conversationId: string, call: (client: ConnectorClient) => Promise<T>): Promise<T> {
    const ref = await referenceFor(this.deps.desk.db, conversationId);
    if (!ref) throw new Error("the bot has not heard from that conversation yet");
    const { activityId: _last, ...base } = ref;
    let result: T | undefined;
    let failure: unknown;
    await this.thread.run(
      () =>
        this.deps.adapter.continueConversation(this.deps.appId || {}, { channelId: "msteams", ...base } as ConversationReference, async (ctx: TurnContext) => {
          // Caught here: the SDK would hand it to onTurnError, which answers people.
          try {
            const client = ctx.turnState.get<ConnectorClient>(ctx.adapter.ConnectorClientKey);
            if (!client) throw new Error("no Bot Connector client in the turn");
            result = await call(client);
          } catch (err) {
            failure = err;
          }
        }),
      this.tenant,
    );
    if (failure !== undefined) throw failure;
    return result as T;
  }

  /** Drops calls still waiting for their turn. */
  async stop(): Promise<void> {
    await Promise.all([this.thread.stop(), this.tenant.stop()]);
  }
}

/** How long a turn (or the start) waits for the Bot Connector to name people; past it, it goes on with what is known. */
export const LOOKUP_BUDGET_MS = 4000;

/** Waits for `work` at most `ms`; past that it goes on in the background. */
export async function within(work: Promise<void>, ms = LOOKUP_BUDGET_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

function reason(err: unknown): string {
  const e = err as { status?: number; message?: string };
  return `${e?.status ? `HTTP ${e.status}: ` : ""}${String(e?.message ?? err)}`.replace(/\s+/g, " ").slice(0, 200);
}
