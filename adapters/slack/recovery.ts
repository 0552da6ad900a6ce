// Finds a message the outbox already posted, by the row key in its message metadata: how a row that was
// in flight at a crash (or whose answer was lost) is told apart from one that never reached Slack; and the
// calls the last process made, counted in the paces after a restart.
import { type Db, FILE_MESSAGE, recentCalls } from "../../src/core/index.js";
import type { SlackApi } from "./api.js";
import { OUTBOX, OUTBOX_EVENT_TYPE, PLATFORM } from "./ids.js";

/** How far before the row's first attempt the history is read: Slack's clock and ours may differ a little. */
export const LOOKBACK_MS = 2 * 60_000;
const PAGE = 200;
/** A page of 200 from the first attempt on is plenty for one row; beyond this the search gives up and says so. */
const MAX_PAGES = 10;

/** The metadata argument of chat.postMessage for an outbox row. */
export const outboxMetadata = (key: string) => ({ event_type: OUTBOX_EVENT_TYPE, event_payload: { key } });

interface Listed {
  messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: { key?: unknown } } }[];
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

export interface Where {
  /** A channel id, or a user id for their DM with the app. */
  channel: string;
  /** For a reply: the thread's parent. */
  threadTs?: string;
}

/** The channel and ts of the message posted with `key` at `where` since `since` (ms), if there is one. */
export async function findPosted(api: SlackApi, where: Where, key: string, since: number): Promise<{ channel: string; ts: string } | undefined> {
  const channel = /^[UW]/.test(where.channel) ? await dmChannel(api, where.channel) : where.channel;
  const oldest = ((since - LOOKBACK_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const args = { channel, oldest, include_all_metadata: true, limit: PAGE, ...(cursor ? { cursor } : {}) };
    let listed: Listed;
    try {
      listed = where.threadTs
        ? await api.call<Listed>("conversations.replies", { ...args, ts: where.threadTs })
        : await api.call<Listed>("conversations.history", args);
    } catch (err) {
      if ((err as { data?: { error?: string } })?.data?.error === "thread_not_found") return undefined; // the parent is gone, so no reply was posted under it
      throw err;
    }
    const m = listed.messages?.find((x) => x.metadata?.event_type === OUTBOX_EVENT_TYPE && x.metadata.event_payload?.key === key);
    if (m?.ts) return { channel, ts: m.ts };
    cursor = listed.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  throw new Error(`more than ${MAX_PAGES * PAGE} messages in ${channel} since the first attempt: cannot tell whether it was posted`);
}

/** The app's DM channel with a user (conversations.open returns the existing one). */
async function dmChannel(api: SlackApi, user: string): Promise<string> {
  const r = await api.call<{ channel?: { id?: string } }>("conversations.open", { users: user });
  if (!r.channel?.id) throw new Error(`conversations.open gave no channel for ${user}`);
  return r.channel.id;
}

/**
 * Which paces a row's call counted against, by its kind. A card, status message or approval card is an edit
 * once posted and a post before: it is counted as both, so neither limit is overrun after a restart.
 */
const PACED_AS: Record<string, ("post" | 3 | 4)[]> = {
  [OUTBOX.requester]: ["post"],
  [OUTBOX.thread]: ["post"],
  [OUTBOX.notice]: ["post"],
  [OUTBOX.card]: [3, "post"],
  [OUTBOX.incident]: [3, "post"],
  [OUTBOX.approval]: [3, "post"],
  [OUTBOX.home]: [4],
  [FILE_MESSAGE]: [4],
};

/**
 * At start-up: the calls the outbox made within the last minute (the process before this one, killed or
 * restarted) are counted in the paces, as Slack still counts them; otherwise the first burst after a restart
 * would spend a window the last process had already spent, and collect 429s.
 */
export async function rememberRecentCalls(api: SlackApi, db: Db, now: number): Promise<number> {
  const calls = await recentCalls(db, PLATFORM, now - api.longestWindowMs);
  const byTier: Partial<Record<"post" | 3 | 4, number[]>> = {};
  for (const c of calls) for (const t of PACED_AS[c.kind] ?? [3]) (byTier[t] ??= []).push(c.at);
  api.remember(byTier);
  return calls.length;
}
