// The reader thread: long reads run in a worker thread with its own read-only connection, see the last
// commit, cannot write, and hand back errors with their code.
import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { readOffThread } from "../../src/store/reader-thread.js";
import { makeDesk, ok } from "../helpers/desk.js";

const FIXTURE = new URL("./reader-fixture.ts", import.meta.url);

describe("readOffThread", () => {
  it("runs the function in another thread, on the file's last commit", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "printer on 3rd floor jams"));
    const r = await readOffThread<{ tickets: number; threadId: number }>(d.db, FIXTURE, "ticketsAndThread", []);
    expect(r.tickets).toBe(1);
    expect(r.threadId).not.toBe(threadId);
    ok(await d.as("carol", "vpn drops"));
    expect((await readOffThread<{ tickets: number }>(d.db, FIXTURE, "ticketsAndThread", [])).tickets).toBe(2);
  });

  it("cannot write, and hands back a function's error with its code", async () => {
    const d = await makeDesk();
    ok(await d.as("carol", "printer on 3rd floor jams"));
    await expect(readOffThread(d.db, FIXTURE, "writes", [])).rejects.toMatchObject({ code: "SQLITE_READONLY" });
    await expect(readOffThread(d.db, FIXTURE, "failsLikeAFolder", [])).rejects.toMatchObject({
      code: "ENOTDIR",
      message: "ENOTDIR: not a directory, mkdir '/srv/x'",
    });
    expect((await d.db.selectFrom("tickets").selectAll().execute()).length).toBe(1);
  });
});
