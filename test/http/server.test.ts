// The HTTP server's own answers: a handler that throws gets 500 with no internal text, and one log line.
import { afterEach, describe, expect, it } from "vitest";
import { HttpServer } from "../../src/http/server.js";

let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

describe("HttpServer", () => {
  it("answers a handler's error with a bare 500, logs it as one line without the stack, and goes on serving", async () => {
    const logs: string[] = [];
    http = new HttpServer((m) => logs.push(m));
    const secret = "SQLITE_CORRUPT at /srv/deskhand/data/deskhand.db";
    http.route("POST", "/later", async () => {
      await new Promise((r) => setImmediate(r));
      throw new Error(`${secret}\nsecond line`);
    });
    http.route("POST", "/at-once", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'text')");
    });
    const port = await http.listen(0, "127.0.0.1");
    for (const path of ["/later", "/at-once"]) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", body: "x" });
      expect(r.status).toBe(500);
      expect(await r.text()).toBe("internal error");
    }
    expect(logs).toEqual([
      `http POST /later failed: Error: ${secret}`,
      "http POST /at-once failed: TypeError: Cannot read properties of undefined (reading 'text')",
    ]);
    expect(logs.join("\n")).not.toMatch(/\n\s+at /);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
