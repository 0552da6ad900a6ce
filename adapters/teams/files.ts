// Files on Teams, where a bot cannot upload into a channel: a small picture goes into the card itself (a data
// URI), a larger one is shown from a link to our own server, and other files (CSV) are offered as a download
// link. Links are GET /files/<token> under PUBLIC_URL; without PUBLIC_URL there is nothing people can reach.
import { type Db, fileByToken, type FileRef } from "../../src/core/index.js";
import { fileUrl } from "../../src/http/files.js";

/**
 * Teams refuses a message over about 28 KB, card included; a picture inlined as base64 grows by a third, so
 * only pictures up to 18 KB go in the card.
 */
export const INLINE_IMAGE_MAX = 18 * 1024;

/** A file as a card shows it: a picture (`image`, a data URI or a link), a download `link`, or a `note` why neither. */
export interface ShownFile {
  title: string;
  mime: string;
  image?: string;
  link?: string;
  note?: string;
}

export async function showFiles(db: Db, refs: FileRef[], publicUrl: string | undefined, now: number): Promise<ShownFile[]> {
  const out: ShownFile[] = [];
  for (const f of refs) {
    const picture = f.mime === "image/png" || f.mime === "image/jpeg";
    if (picture && f.size <= INLINE_IMAGE_MAX) {
      const stored = await fileByToken(db, f.token, now);
      if (stored) {
        out.push({ title: f.title, mime: f.mime, image: `data:${f.mime};base64,${Buffer.from(stored.bytes).toString("base64")}` });
        continue;
      }
    }
    if (!publicUrl) {
      out.push({ title: f.title, mime: f.mime, note: `${f.title} is ready, but this desk has no PUBLIC_URL, so Teams cannot be given a link to it.` });
      continue;
    }
    const url = fileUrl(publicUrl, f.token);
    out.push({ title: f.title, mime: f.mime, ...(picture ? { image: url } : {}), link: url });
  }
  return out;
}
