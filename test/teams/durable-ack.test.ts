// Persist, then acknowledge, on Teams: an activity is answered 2xx only once the command it carries is
// committed. Proved twice: in process, by the order of the commit and the answer while the bot's reply is
// held; and with a real kill -9 of `npm start` (TEAMS_EMULATOR=true) in the middle of a burst of messages,
// after which every message that was answered 200 has its ticket in SQLite exactly once.
import { type ChildProcess, spawn } from "node:child_process";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../fakes/bot-connector.js";
import { tempDbPath } from "../helpers/desk.js";
import { personalMessage, ticketWithCard } from "./flows.js";
import { AGENT, executeInvoke, harness, newId, type Harness } from "./harness.js";

let h: Harness | undefined;
let child: ChildProcess | undefined;
let connector: FakeBotConnector | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await h?.close();
  h = undefined;
  await connector?.close();
  connector = undefined;
});

describe("the answer follows the commit", () => {
  it("a message's 200 comes after its ticket is committed (the bot's reply held meanwhile)", async () => {
    h = await harness();
    const events: string[] = [];
    h.t.desk.onCommit(() => events.push("commit"));
    // Only the reply is held (the member lookup before the command is answered at once).
    const release = h.connector.hold((c) => c.method === "POST" && c.path.includes("/activities"));
    const answer = personalMessage(h, "printer jams").then((r) => (events.push(`answer ${r.status}`), r));
    await h.connector.waitForHeld(1);
    // The command is in SQLite while the HTTP answer is still pending.
    expect(await h.t.db.selectFrom("tickets").select("title").execute()).toEqual([{ title: "printer jams" }]);
    expect(events).toEqual(["commit"]);
    release();
    await answer;
    expect(events).toEqual(["commit", "answer 200"]);
  });

  it("an Action.Execute click's 200 comes after the change it makes is committed", async () => {
    h = await harness();
    await ticketWithCard(h);
    const events: string[] = [];
    h.t.desk.onCommit(() => events.push("commit"));
    const res = await h.post(executeInvoke(h, AGENT, "claim", { verb: "claim", ticketId: 1 }));
    events.push(`answer ${res.status}`);
    expect(events[0]).toBe("commit");
    expect(events.at(-1)).toBe("answer 200");
    expect((await h.t.db.selectFrom("tickets").select("status").executeTakeFirstOrThrow()).status).toBe("in_progress");
  });
});

function startBot(path: string): { port: Promise<number>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DESKHAND_DB: path,
      PORT: "0",
      HOST: "127.0.0.1",
      TEAMS_EMULATOR: "true",
      MicrosoftAppId: "",
      SLACK_BOT_TOKEN: "",
      SLACK_SIGNING_SECRET: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  let log = "";
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const port = new Promise<number>((resolve, reject) => {
    proc.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      const m = /HTTP on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    proc.on("exit", (code) => reject(new Error(`exited ${code}: ${log}`)));
  });
  return { port, exited };
}

describe("kill -9 in the middle of a burst", () => {
  it("every message answered 200 before the kill has its ticket exactly once after it", async () => {
    connector = new FakeBotConnector();
    const serviceUrl = await connector.start();
    const path = tempDbPath();
    const bot = startBot(path);
    const port = await bot.port;
    const TOTAL = 400;
    const IN_FLIGHT = 16;
    const KILL_AFTER = 60;
    const answered: number[] = [];
    let next = 0;
    let killed = false;
    const send = async (i: number) => {
      const activity = {
        type: "message",
        id: newId(),
        channelId: "msteams",
        serviceUrl,
        text: `burst ticket ${i}`,
        from: { id: `29:req${i % 7}`, name: `Req ${i % 7}`, aadObjectId: `aad-req-${i % 7}` },
        recipient: { id: "28:bot", name: "Deskhand" },
        conversation: { conversationType: "personal", tenantId: "t1", id: `a:chat-${i % 7}` },
      };
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(activity),
        });
        await res.arrayBuffer();
        if (res.status === 200) answered.push(i);
      } catch {
        /* the connection died with the process: not answered */
      }
      if (!killed && answered.length >= KILL_AFTER) {
        killed = true;
        child!.kill("SIGKILL");
      }
    };
    const worker = async () => {
      while (next < TOTAL && !killed) await send(next++);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await bot.exited;
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(next).toBeLessThan(TOTAL); // the kill came mid-burst

    const db = new Database(path, { readonly: true });
    const titles = (db.prepare("SELECT title FROM tickets").all() as { title: string }[]).map((r) => r.title);
    db.close();
    for (const i of answered)
      expect(
        titles.filter((t) => t === `burst ticket ${i}`),
        `ticket ${i}`,
      ).toHaveLength(1);
    expect(new Set(titles).size).toBe(titles.length);
  }, 120_000);
});
