// A real kill -9 in the middle of an alert webhook burst: the bot (`src/main.ts`) runs as a child process,
// takes single-alert POSTs at 8 in flight and one 600-alert body (taken in chunks), and is killed with
// SIGKILL while the big body is part-way. After the restart on the same SQLite file, every request that was
// answered 200 is there exactly once (its ticket, or its repeat count), nothing is doubled, and the big
// body sent again continues after its last committed chunk: each of its alerts is one ticket, counted once.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { tempDbPath } from "../helpers/desk.js";

const TOKEN = "crash-test-token";
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startBot(path: string, port: number): Promise<{ proc: ChildProcess; exited: Promise<number | null>; log: () => string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DESKHAND_DB: path,
      PORT: String(port),
      HOST: "127.0.0.1",
      GENERIC_WEBHOOK_TOKEN: TOKEN,
      SLACK_BOT_TOKEN: "",
      MicrosoftAppId: "",
      DESKHAND_CONFIG: "deskhand.example.yaml",
    },
    // stdin stays open: the console waits on it, and the process keeps serving its webhooks.
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the bot did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100)); // another process starting: polled, there is no event to await
  }
  return { proc, exited, log: () => out };
}

function query<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

type Result = { fingerprint: string; ticket: number | null; action: string };
const alert = (fingerprint: string) => ({ source: "crash", fingerprint, status: "firing", summary: `${fingerprint} is down` });

describe("kill -9 during an alert webhook burst", () => {
  it(
    "every request answered 200 is in SQLite exactly once after the restart, nothing doubled, and the interrupted body continues",
    { timeout: 180_000 },
    async () => {
      const path = tempDbPath();
      const port = await freePort();
      const first = await startBot(path, port);
      child = first.proc;
      const url = `http://127.0.0.1:${port}/hooks/generic`;
      const post = (body: unknown) =>
        fetch(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } }).then(
          async (r) => ({ status: r.status, body: (await r.json()) as { results?: Result[] } }),
        );

      const big = { alerts: Array.from({ length: 600 }, (_, i) => alert(`big-${i}`)) };
      const answered: { fingerprint: string; ticket: number }[] = [];
      const sent = new Map<string, number>();
      let killed = false;
      const bigAnswer = post(big).then(
        (r) => r.status,
        () => "no answer" as const,
      );
      // Single alerts at 8 in flight; one in five repeats one shared fingerprint.
      let n = 0;
      const senders = Array.from({ length: 8 }, async () => {
        while (!killed) {
          const i = n++;
          const fingerprint = i % 5 === 0 ? "shared" : `small-${i}`;
          sent.set(fingerprint, (sent.get(fingerprint) ?? 0) + 1);
          const r = await post(alert(fingerprint)).catch(() => undefined);
          if (r?.status === 200) answered.push({ fingerprint, ticket: r.body.results![0]!.ticket! });
        }
      });
      // The kill: once the big body has committed some chunks but not all, and some small ones were answered.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const chunks = query<{ n: number }>(path, "SELECT count(*) AS n FROM alert_delivery_chunks")[0]!.n;
        if (chunks >= 2 && answered.length >= 20) break;
        if (Date.now() > deadline) throw new Error(`no partial delivery to interrupt (chunks ${chunks}, answered ${answered.length}): ${first.log()}`);
        await new Promise((r) => setTimeout(r, 5)); // the child's progress, read from its file
      }
      first.proc.kill("SIGKILL");
      killed = true;
      expect(await first.exited).toBe(null);
      await Promise.all(senders);
      expect(await bigAnswer).toBe("no answer");

      const second = await startBot(path, port);
      child = second.proc;
      // Every single alert answered 200 is there, on the ticket it was answered with.
      for (const a of answered) {
        const rows = query<{ ticket_id: number }>(path, "SELECT ticket_id FROM alerts WHERE source = 'generic' AND fingerprint = ?", a.fingerprint);
        expect(rows, a.fingerprint).toEqual([{ ticket_id: a.ticket }]);
        expect(query(path, "SELECT id FROM tickets WHERE id = ?", a.ticket)).toHaveLength(1);
      }
      // Nothing doubled: one ticket per fingerprint, and the shared one counted no more often than it was sent.
      expect(query(path, "SELECT source_ref FROM tickets GROUP BY source_ref HAVING count(*) > 1")).toEqual([]);
      const shared = query<{ repeats: number }>(path, "SELECT repeats FROM alerts WHERE fingerprint = 'shared'")[0]!.repeats;
      expect(shared).toBeGreaterThanOrEqual(answered.filter((a) => a.fingerprint === "shared").length);
      expect(shared).toBeLessThanOrEqual(sent.get("shared")!);
      // The big body: exactly its committed chunks are in, each alert once.
      const chunks = query<{ first: number; results: string }>(path, "SELECT first, results FROM alert_delivery_chunks ORDER BY first");
      const committed = chunks.reduce((k, c) => k + (JSON.parse(c.results) as unknown[]).length, 0);
      expect(committed).toBeGreaterThan(0);
      expect(committed).toBeLessThan(600);
      expect(query<{ n: number }>(path, "SELECT count(*) AS n FROM alerts WHERE fingerprint LIKE 'big-%'")[0]!.n).toBe(committed);

      // The sender, having heard no answer, sends the big body again: the rest is taken, none twice.
      const again = await post(big);
      expect(again.status).toBe(200);
      expect(again.body.results!.map((r) => r.fingerprint)).toEqual(big.alerts.map((a) => a.fingerprint));
      expect(query(path, "SELECT fingerprint FROM alerts WHERE fingerprint LIKE 'big-%' AND repeats != 1")).toEqual([]);
      expect(query<{ n: number }>(path, "SELECT count(DISTINCT ticket_id) AS n FROM alerts WHERE fingerprint LIKE 'big-%'")[0]!.n).toBe(600);
      expect(query(path, "SELECT * FROM alert_delivery_chunks")).toEqual([]);
    },
  );
});
