// Report charts and CSV exports in Teams: the chart shown in the answering card, every file a link to our own
// HTTP server (GET /files/<token>: unguessable, expiring), and file messages from the outbox delivered as cards.
import { afterEach, describe, expect, it } from "vitest";
import { queueFileMessage } from "../../src/core/files.js";
import { storeFile } from "../../src/store/files.js";
import { install, personalMessage } from "./flows.js";
import { AGENT, CHANNEL, TENANT, cardText, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
afterEach(async () => {
  await h.close();
});

const AGENT_CHAT = "a:agent-chat";
/** The agent writes to the bot in their own chat; resolves with the card the bot answered with. */
async function agentSays(text: string): Promise<any> {
  const before = h.connector.sent().length;
  const res = await h.post(
    recorded("20191021205338231-request-integrationBot.json", h.connector.url, {
      id: newId(),
      text,
      from: AGENT,
      conversation: { conversationType: "personal", tenantId: TENANT, id: AGENT_CHAT },
    }),
  );
  expect(res.status).toBe(200);
  const reply = h.connector
    .sent()
    .slice(before)
    .find((c) => c.conversationId === AGENT_CHAT);
  expect(reply).toBeDefined();
  return reply!.body.attachments[0].content;
}

function elements(card: any, type: string): any[] {
  const out: any[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== "object") return;
    if (x.type === type) out.push(x);
    for (const k of Object.keys(x)) walk(x[k]);
  };
  walk(card);
  return out;
}

async function seeded(opts: { publicUrl?: string | null } = {}) {
  h = await harness(opts);
  await install(h);
  await personalMessage(h, "printer on 3rd floor jams");
  await personalMessage(h, "vpn drops every few minutes");
  await h.flush();
  h.t.clock.advance(60_000);
}

describe("files in Teams", () => {
  it("a report's chart is shown in the card from a link to our server, which serves the PNG", async () => {
    await seeded();
    const card = await agentSays("report 7d");
    expect(h.checkSentCards()).toBeGreaterThan(0);
    expect(cardText(card)).toContain("Opened: 2");
    const [image] = elements(card, "Image");
    // The chart (over 18 KB) is too big to inline within Teams' 28 KB message limit: it is linked.
    expect(image.url).toMatch(new RegExp(`^${h.base}/files/[A-Za-z0-9_-]{32}$`));
    expect(image.altText).toBe("Tickets, last 7 days");
    expect(elements(card, "Action.OpenUrl").map((a) => [a.title, a.url])).toEqual([["Open Tickets, last 7 days", image.url]]);
    const res = await fetch(image.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBeGreaterThan(600);
    expect(png.length).toBeGreaterThan(18 * 1024);
  });

  it("an export is offered as a download link; links are unguessable and expire", async () => {
    await seeded();
    const card = await agentSays("export 30d");
    expect(h.checkSentCards()).toBeGreaterThan(0);
    const [download] = elements(card, "Action.OpenUrl");
    expect(download.title).toBe("Download Tickets 30d");
    expect(elements(card, "Image")).toEqual([]);
    const res = await fetch(download.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="tickets-30d-.*\.csv"$/);
    const csv = await res.text();
    expect(csv).toContain("printer on 3rd floor jams");
    expect(csv).toContain("vpn drops every few minutes");

    const token = download.url.split("/").pop()!;
    const other = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect((await fetch(`${h.base}/files/${other}`)).status).toBe(404);
    expect((await fetch(`${h.base}/files/..%2Fdeskhand.db`)).status).toBe(404);
    expect((await fetch(download.url, { method: "POST" })).status).toBe(405);
    h.t.clock.advance(8 * 86_400_000);
    const expired = await fetch(download.url);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toMatch(/expired/);
    // Expired files are dropped as new ones are stored.
    await agentSays("export 7d");
    const kept = await h.t.db
      .selectFrom("stored_files" as never)
      .select("token" as never)
      .execute();
    expect(kept.map((r) => (r as { token: string }).token)).not.toContain(token);
    expect(kept).toHaveLength(1);
  });

  it("without PUBLIC_URL the card says why there is no link, and nothing is served", async () => {
    await seeded({ publicUrl: null });
    const card = await agentSays("export 7d");
    expect(h.checkSentCards()).toBeGreaterThan(0);
    expect(elements(card, "Action.OpenUrl")).toEqual([]);
    expect(cardText(card)).toContain("this desk has no PUBLIC_URL");
    expect(h.logs.some((l) => l.includes("PUBLIC_URL is not set"))).toBe(true);
  });

  it("a file message from the outbox is posted as a card in the channel; a small picture is inlined", async () => {
    await seeded();
    // A 1x1 PNG: small enough to go in the card itself as a data URI.
    const tiny = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const ref = await storeFile(h.t.db, { name: "dot.png", title: "A dot", mime: "image/png", bytes: tiny, at: h.t.clock.now() });
    await queueFileMessage(h.t.db, {
      platform: "teams",
      key: "test-file",
      message: { text: "Weekly digest", files: [ref], to: { channel: CHANNEL } },
      at: h.t.clock.now(),
    });
    const before = h.connector.sent().length;
    await h.flush();
    const posted = h.connector
      .sent()
      .slice(before)
      .find((c) => c.conversationId === CHANNEL);
    expect(posted).toBeDefined();
    const card = posted!.body.attachments[0].content;
    expect(h.checkSentCards()).toBeGreaterThan(0);
    expect(cardText(card)).toContain("Weekly digest");
    expect(elements(card, "Image")[0].url).toBe(`data:image/png;base64,${tiny.toString("base64")}`);
    const row = await h.t.db.selectFrom("outbox").selectAll().where("key", "=", "test-file").executeTakeFirstOrThrow();
    expect(row.status).toBe("sent");
  });
});
