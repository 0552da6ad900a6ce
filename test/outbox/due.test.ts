// The worker's question on every pass, "the oldest due messages", must cost the same with a backlog of
// thousands (an outage's messages waiting for a channel's pace) as with a handful.
import { CompiledQuery } from "kysely";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { due, dueQuery, enqueue } from "../../src/store/outbox.js";
import { makeDesk } from "../helpers/desk.js";

describe("due messages", () => {
  it("are read in id order from the unfinished-rows index, without sorting every due row", async () => {
    const { db } = await makeDesk();
    const q = dueQuery(db, "slack", 0, 10).compile();
    const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
    const details = plan.rows.map((r) => r.detail).join("\n");
    expect(details).toContain("USING INDEX outbox_unfinished");
    expect(details).not.toContain("TEMP B-TREE");
  });

  it("give the oldest unfinished rows first, leave out finished ones and those behind a row waiting for its retry", async () => {
    const { db } = await makeDesk();
    const clock = new ManualClock();
    const at = clock.now();
    await enqueue(
      db,
      ["a1", "b1", "a2", "c1", "b2", "d1"].map((k) => ({ key: k, platform: "slack", kind: "say", target: k[0]!, payload: {}, at })),
    );
    await db.updateTable("outbox").set({ status: "sent", sent_at: at }).where("key", "=", "c1").execute();
    // b1 waits for its retry: b2 must not overtake it.
    await db
      .updateTable("outbox")
      .set({ status: "retrying", next_attempt_at: at + 60_000 })
      .where("key", "=", "b1")
      .execute();
    expect((await due(db, "slack", at, 10)).map((r) => r.key)).toEqual(["a1", "a2", "d1"]);
    expect((await due(db, "slack", at, 2)).map((r) => r.key)).toEqual(["a1", "a2"]);
    expect((await due(db, "slack", at + 60_000, 10)).map((r) => r.key)).toEqual(["a1", "b1", "a2", "b2", "d1"]);
    expect(await due(db, "teams", at, 10)).toEqual([]);
  });
});
