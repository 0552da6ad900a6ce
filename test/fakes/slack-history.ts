// The fake Slack's channel history: every message chat.postMessage posted (with its message metadata),
// answered through conversations.history and conversations.replies as Slack does (newest first for
// history, parent first for replies, oldest/latest bounds, limit and cursor, metadata only when
// include_all_metadata is set).
//
// The 2021 OpenAPI spec in ../shared/specs predates message metadata, so `metadata` (chat.postMessage,
// chat.update) and `include_all_metadata` (conversations.history/replies) are checked here by hand against
// the documented shape: metadata is a JSON object {event_type, event_payload} with event_type a non-empty
// string and event_payload an object (@slack/types MessageMetadata; docs.slack.dev "Using message
// metadata"); the same shape is in the java-slack-sdk response samples (chat.postMessage.json "metadata").

export interface Posted {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Arguments newer than the 2021 spec, by method, each with its hand check (returns problems). */
export const NEWER_ARGS: Record<string, Record<string, (v: unknown) => string[]>> = {
  "chat.postMessage": { metadata: checkMetadata },
  "chat.update": { metadata: checkMetadata },
  "conversations.history": { include_all_metadata: checkBoolean },
  "conversations.replies": { include_all_metadata: checkBoolean },
};

function checkBoolean(v: unknown): string[] {
  return ["true", "false", "1", "0"].includes(String(v)) ? [] : ["include_all_metadata must be a boolean"];
}

function parseMetadata(v: unknown): unknown {
  return typeof v === "string" ? JSON.parse(v) : v;
}

function checkMetadata(v: unknown): string[] {
  let m: unknown;
  try {
    m = parseMetadata(v);
  } catch {
    return ["metadata is not JSON"];
  }
  if (!m || typeof m !== "object" || Array.isArray(m)) return ["metadata must be an object"];
  const { event_type, event_payload, ...rest } = m as Record<string, unknown>;
  const errs: string[] = [];
  if (typeof event_type !== "string" || !event_type) errs.push("metadata.event_type must be a non-empty string");
  if (!event_payload || typeof event_payload !== "object" || Array.isArray(event_payload)) errs.push("metadata.event_payload must be an object");
  if (Object.keys(rest).length) errs.push(`metadata has unknown keys ${Object.keys(rest).join(", ")}`);
  return errs;
}

export class SlackHistory {
  readonly posted: Posted[] = [];

  /** Records a post Slack accepted (channel already resolved: a user id becomes their DM). */
  post(channel: string, ts: string, args: Record<string, unknown>): Posted {
    const p: Posted = {
      channel,
      ts,
      text: String(args.text ?? ""),
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
      ...(args.metadata !== undefined ? { metadata: parseMetadata(args.metadata) as Posted["metadata"] } : {}),
    };
    this.posted.push(p);
    return p;
  }

  /** Posts with this metadata key (what the crash tests count). */
  withKey(key: string): Posted[] {
    return this.posted.filter((p) => p.metadata?.event_payload?.key === key);
  }

  history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel);
    // A channel's history holds its messages, not the replies in threads (unless broadcast, which we never do).
    const inChannel = this.posted.filter((p) => p.channel === channel && !p.thread_ts && within(p.ts, args)).reverse();
    return page(inChannel, args);
  }

  /** `parent`: the thread's first message when a test put it in FakeSlackApi.messages. */
  replies(args: Record<string, unknown>, parent?: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel);
    const ts = String(args.ts);
    const own = this.posted.find((p) => p.channel === channel && p.ts === ts);
    const first = parent ?? (own ? shown(own, args) : undefined);
    const replies = this.posted.filter((p) => p.channel === channel && p.thread_ts === ts && within(p.ts, args));
    return page([...(first ? [first] : []), ...replies], args);
  }
}

function within(ts: string, args: Record<string, unknown>): boolean {
  const t = Number(ts);
  if (args.oldest !== undefined && t < Number(args.oldest)) return false;
  if (args.latest !== undefined && t > Number(args.latest)) return false;
  return true;
}

function shown(p: Posted | Record<string, unknown>, args: Record<string, unknown>): Record<string, unknown> {
  if (!("channel" in p) || !("ts" in p)) return p;
  const m = p as Posted;
  const all = ["true", "1"].includes(String(args.include_all_metadata));
  return {
    type: "message",
    user: "UBOT",
    bot_id: "BBOT",
    text: m.text,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(all && m.metadata ? { metadata: m.metadata } : {}),
  };
}

/** limit (default 100, as Slack) and an opaque cursor (here an offset). */
function page(items: (Posted | Record<string, unknown>)[], args: Record<string, unknown>): Record<string, unknown> {
  const limit = Math.min(Number(args.limit ?? 100) || 100, 1000);
  const from = args.cursor
    ? Number(
        Buffer.from(String(args.cursor), "base64")
          .toString("utf8")
          .replace(/^offset:/, ""),
      )
    : 0;
  const slice = items.slice(from, from + limit).map((m) => shown(m, args));
  const more = from + limit < items.length;
  return {
    ok: true,
    messages: slice,
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${from + limit}`).toString("base64") : "" },
  };
}
