// Bad requests on POST /api/messages, through the real server and the real Agents SDK adapter: each one gets a
// 4xx, opens no ticket, sends nothing, and leaves exactly one log line without a stack trace.
import http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { counts } from "../helpers/desk.js";
import { personalMessage } from "./flows.js";
import { PERSONAL, TENANT, harness, newId, recorded, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const message = (patch: Record<string, unknown> = {}) =>
  recorded("20191021205338231-request-integrationBot.json", h.connector.url, { id: newId(), text: "printer jams", ...patch });
const without = (a: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(a).filter(([k]) => !keys.includes(k)));
const taskSubmit = (value: unknown) =>
  recorded("20191020021910141-request-integrationBot.json", h.connector.url, {
    id: newId(),
    conversation: { conversationType: "personal", tenantId: TENANT, id: PERSONAL },
    value,
  });

async function expectRefused(body: unknown, status = 400): Promise<string> {
  const before = await counts(h.t.db);
  const logsBefore = h.logs.length;
  const res = await fetch(`${h.base}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status).toBe(status);
  expect(text).not.toMatch(/TypeError|\bat \S+ \(|node_modules/);
  expect(await counts(h.t.db)).toEqual(before);
  expect(h.connector.calls).toEqual([]);
  const lines = h.logs.slice(logsBefore);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`(${status})`);
  expect(lines[0]).not.toMatch(/\n\s+at /);
  return text;
}

describe("malformed activities", () => {
  it("a message without a sender (from), or whose from has no id, is refused, not filed as teams/unknown", async () => {
    expect(await expectRefused(without(message(), "from"))).toContain("from.id");
    await expectRefused(message({ from: { name: "No Id" } }));
  });

  it("no conversation, no recipient, or no serviceUrl is refused before anything is tried", async () => {
    expect(await expectRefused(without(message(), "conversation"))).toContain("conversation");
    expect(await expectRefused(without(message(), "recipient"))).toContain("recipient");
    expect(await expectRefused(without(message(), "serviceUrl"))).toContain("serviceUrl");
  });

  it("no type, a number as text, or a task/submit whose value is null is refused", async () => {
    expect(await expectRefused(without(message(), "type"))).toContain("type");
    expect(await expectRefused(message({ text: 42 }))).toContain("text");
    expect(await expectRefused(taskSubmit(null))).toContain("task/submit");
  });

  it("a body that is not a JSON object is refused", async () => {
    await expectRefused("{not json");
    await expectRefused([1, 2]);
  });

  it("after all of these, a good activity still opens its ticket", async () => {
    await expectRefused(without(message(), "from"));
    expect((await personalMessage(h, "printer jams")).status).toBe(200);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toHaveLength(1);
  });
});

describe("a body over 1 MiB", () => {
  /** Two requests on one kept-alive connection: the first too large, the second a good activity. */
  function twoOnOneConnection(first: Buffer, second: string): Promise<{ statuses: number[]; closeHeader?: string; sockets: number }> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const statuses: number[] = [];
    let closeHeader: string | undefined;
    const send = (body: Buffer | string) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          `${h.base}/api/messages`,
          { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
          (res) => {
            statuses.push(res.statusCode ?? 0);
            closeHeader ??= res.headers.connection;
            res.resume();
            res.on("end", resolve);
          },
        );
        req.on("socket", (s) => sockets.add(s));
        req.on("error", reject);
        req.end(body);
      });
    return send(first)
      .then(() => send(second))
      .then(() => {
        agent.destroy();
        return { statuses, closeHeader, sockets: sockets.size };
      });
  }

  it("gets 413 and the connection is closed, so the sender's next request arrives whole on a new one", async () => {
    const big = Buffer.from(JSON.stringify(message({ text: "x".repeat(1024 * 1024 + 10) })));
    const good = JSON.stringify(message({ text: "printer on 2nd floor jams" }));
    const r = await twoOnOneConnection(big, good);
    expect(r.statuses).toEqual([413, 200]);
    expect(r.closeHeader).toBe("close");
    expect(r.sockets).toBe(2);
    const tickets = await h.t.db.selectFrom("tickets").select("title").execute();
    expect(tickets).toEqual([{ title: "printer on 2nd floor jams" }]);
    expect(h.logs.filter((l) => l.includes("(413)"))).toHaveLength(1);
  });

  it("a sender that declares no length (chunked) is cut off at 1 MiB too", async () => {
    const res = await fetch(`${h.base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(100_000)));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await h.t.db.selectFrom("tickets").selectAll().execute()).toEqual([]);
  });
});
