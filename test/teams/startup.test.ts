// `npm start` as a process: with an app id, Teams is served on the one HTTP server and verifies tokens.
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
      env: { ...process.env, DESKHAND_DB: tempDbPath(), PORT: "0", HOST: "127.0.0.1", MicrosoftAppId: "cd59cf47-aca1-41e0-8441-387faee8331e", MicrosoftAppPassword: "secret", MicrosoftAppType: "MultiTenant", SLACK_BOT_TOKEN: "", SLACK_SIGNING_SECRET: "" },
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
      body: JSON.stringify({ type: "message", id: "1", text: "printer jams", channelId: "msteams", serviceUrl: "http://127.0.0.1:9/", from: { id: "29:x" }, recipient: { id: "28:bot" }, conversation: { id: "a:x" } }),
    });
    expect(res.status).toBe(401);
  }, 60_000); // a process start (tsx, botbuilder, Bolt) on a loaded machine
});
