// `npm start` as a process: with an app id, Teams is served on the one HTTP server and verifies tokens;
// with TEAMS_EMULATOR=true (and no terminal), it runs in Emulator mode and keeps serving.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { tempDbPath } from "../helpers/desk.js";

let child: ReturnType<typeof spawn> | undefined;
afterEach(() => {
  child?.kill("SIGTERM");
  child = undefined;
});

describe("npm start with Teams credentials", () => {
  it("serves POST /api/messages on the shared server, says tokens are verified, and answers an unsigned activity 401", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...process.env,
        DESKHAND_DB: tempDbPath(),
        PORT: "0",
        HOST: "127.0.0.1",
        MicrosoftAppId: "cd59cf47-aca1-41e0-8441-387faee8331e",
        MicrosoftAppPassword: "secret",
        MicrosoftAppType: "MultiTenant",
        SLACK_BOT_TOKEN: "",
        SLACK_SIGNING_SECRET: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const port = await new Promise<number>((resolve, reject) => {
      child!.stderr!.on("data", (d: Buffer) => {
        log += d.toString();
        const m = /HTTP on 127\.0\.0\.1:(\d+)/.exec(log);
        if (m) resolve(Number(m[1]));
      });
      child!.on("exit", (code) => reject(new Error(`exited ${code}: ${log}`)));
    });
    expect(log).toContain("Teams: POST /api/messages for app cd59cf47-aca1-41e0-8441-387faee8331e; every activity's token is verified.");
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "message",
        id: "1",
        text: "printer jams",
        channelId: "msteams",
        serviceUrl: "http://127.0.0.1:9/",
        from: { id: "29:x" },
        recipient: { id: "28:bot" },
        conversation: { id: "a:x" },
      }),
    });
    expect(res.status).toBe(401);
  }, 60_000); // a process start (tsx, the Agents SDK, Bolt) on a loaded machine
});

/** Starts `npm start` with `env` and no terminal; resolves once it listens, with its port and log so far. */
function start(env: Record<string, string>): Promise<{ port: number; log: () => string }> {
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      ...process.env,
      DESKHAND_DB: tempDbPath(),
      PORT: "0",
      HOST: "127.0.0.1",
      MicrosoftAppId: "",
      MicrosoftAppPassword: "",
      SLACK_BOT_TOKEN: "",
      SLACK_SIGNING_SECRET: "",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let log = "";
  return new Promise((resolve, reject) => {
    child!.stderr!.on("data", (d: Buffer) => {
      log += d.toString();
      const m = /HTTP on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve({ port: Number(m[1]), log: () => log });
    });
    child!.on("exit", (code) => reject(new Error(`exited ${code}: ${log}`)));
  });
}

describe("npm start with TEAMS_EMULATOR=true", () => {
  it("runs Teams in Emulator mode without a terminal, says so, keeps serving after stdin closes, and answers loopback activities", async () => {
    const { port, log } = await start({ TEAMS_EMULATOR: "true" });
    expect(log()).toContain(
      "Teams: POST /api/messages in Emulator mode (TEAMS_EMULATOR=true): no MicrosoftAppId, so activities are NOT authenticated and only loopback clients are accepted.",
    );
    child!.stdin!.end();
    await new Promise((r) => setTimeout(r, 300));
    expect(child!.exitCode).toBeNull();
    // A bad activity is refused by the running adapter (it is there, and it checks what it is given).
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", channelId: "msteams", text: "printer jams" }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("conversation");
  }, 60_000);

  it("refuses Emulator mode under NODE_ENV=production, saying why", async () => {
    await expect(start({ TEAMS_EMULATOR: "true", NODE_ENV: "production" })).rejects.toThrow(
      /exited 1: deskhand: Teams Emulator mode \(no MicrosoftAppId\) cannot run with NODE_ENV=production/,
    );
  }, 60_000);

  it("refuses to start with both TEAMS_EMULATOR=true and an app id, saying why", async () => {
    await expect(start({ TEAMS_EMULATOR: "true", MicrosoftAppId: "cd59cf47-aca1-41e0-8441-387faee8331e", MicrosoftAppPassword: "secret" })).rejects.toThrow(
      /exited 1: deskhand: TEAMS_EMULATOR=true runs Teams without authentication/,
    );
  }, 60_000);
});
