// GET /files/<token>: a stored file (a chart, an export) for people on platforms that take links rather than
// uploads (Teams). The token is 192 random bits and the file expires, so a link is neither guessable nor forever.
import type { Clock } from "../core/clock.js";
import type { Db } from "../store/connection.js";
import { fileByToken } from "../store/files.js";
import type { HttpServer } from "./server.js";

export const FILES_PATH = "/files";
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/** The link to a stored file under `publicUrl` (PUBLIC_URL: the address people's clients reach this server at). */
export const fileUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/+$/, "")}${FILES_PATH}/${token}`;

export function mountFiles(http: HttpServer, o: { db: Db; clock: Clock }): void {
  http.mount(FILES_PATH, async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("only GET");
      return;
    }
    const token = (req.url ?? "").split("?")[0]!.slice(FILES_PATH.length + 1);
    const file = TOKEN.test(token) ? await fileByToken(o.db, token, o.clock.now()) : undefined;
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("This file does not exist or its link has expired; ask for it again.");
      return;
    }
    const bytes = Buffer.from(file.bytes);
    // Pictures are shown in place (a card's Image); anything else downloads under its own name.
    const disposition = file.mime.startsWith("image/") ? "inline" : "attachment";
    res.writeHead(200, {
      "content-type": file.mime,
      "content-length": String(bytes.length),
      "content-disposition": `${disposition}; filename="${file.name.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "private, max-age=300",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : bytes);
  });
}
