// Files into Slack with the upload flow Slack asks apps to use since files.upload was retired:
// files.getUploadURLExternal (name and byte length) -> POST the bytes to the upload_url it returns ->
// files.completeUploadExternal, which shares them all in one message into the channel (or thread).
import { type Db, fileByToken, type FileDestination, type FileMessage } from "../../src/core/index.js";
import { DeliveryError } from "../../src/outbox/worker.js";
import type { SlackApi } from "./api.js";
import { clip, esc, LIMITS } from "./render.js";

/** Where files go: a channel as given, or a person's DM with the bot (opened with conversations.open). */
async function channelOf(api: SlackApi, to: FileDestination): Promise<string> {
  if (to.channel) return to.channel;
  if (!to.user) throw new DeliveryError("a file message names no channel and no person", { permanent: true });
  const r = await api.call<{ channel?: { id?: string } }>("conversations.open", { users: to.user });
  if (!r.channel?.id) throw new DeliveryError(`conversations.open gave no channel for ${to.user}`);
  return r.channel.id;
}

/**
 * `calling` is said right before the share (the one call that cannot be taken back), so the outbox knows the
 * row may have been sent. A share cannot carry the row's key as a post's metadata does, so a file message in
 * doubt after a kill is shared again, and counted as a possible repeat.
 */
export async function uploadFiles(api: SlackApi, db: Db, now: number, m: FileMessage, calling?: () => Promise<void>): Promise<void> {
  const channel = await channelOf(api, m.to);
  const uploaded: { id: string; title: string }[] = [];
  for (const f of m.files) {
    const stored = await fileByToken(db, f.token, now);
    if (!stored) throw new DeliveryError(`the file ${f.name} has expired or is gone`, { permanent: true });
    const bytes = Buffer.from(stored.bytes);
    const slot = await api.call<{ upload_url?: string; file_id?: string }>("files.getUploadURLExternal", {
      filename: f.name,
      length: bytes.length,
      ...(f.mime.startsWith("image/") ? { alt_txt: clip(f.title, 1000) } : {}),
    });
    if (!slot.upload_url || !slot.file_id) throw new DeliveryError("files.getUploadURLExternal gave no upload_url");
    const res = await fetch(slot.upload_url, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bytes });
    // Slack's upload host answers 200 once it has the bytes; anything else is worth another try later.
    if (!res.ok)
      throw new DeliveryError(`the upload of ${f.name} was answered HTTP ${res.status}`, res.status >= 500 || res.status === 429 ? {} : { permanent: true });
    await res.arrayBuffer();
    uploaded.push({ id: slot.file_id, title: clip(f.title, 250) });
  }
  if (!uploaded.length) return;
  const share = {
    files: JSON.stringify(uploaded),
    channel_id: channel,
    ...(m.to.thread ? { thread_ts: m.to.thread } : {}),
    initial_comment: clip(esc(m.text), LIMITS.fallbackText),
  };
  await api.call("files.completeUploadExternal", share, calling);
}
