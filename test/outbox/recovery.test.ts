// Crash recovery in the outbox worker: a row left `sending` by a process that died is looked for before it
// is sent again (where the platform can tell), or sent again and counted (where it cannot). The kill is
// simulated by leaving rows as the dead process left them and starting a new worker on the same file.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import type { OutboxRow } from "../../src/store/database.js";
import type { Db } from "../../src/store/connection.js";
import { enqueue, markCalled, markSending, recoveryCounts } from "../../src/store/outbox.js";
import { type Deliverer, type DeliveryAttempt, OutboxWorker } from "../../src/outbox/worker.js";
import { makeDesk } from "../helpers/desk.js";

/** A platform that keeps what it was sent, and can be asked whether a key is there (like Slack's history). */
class Platform {
  readonly posted: string[] = [];
  readonly lookups: string[] = [];
  /** Fails the next post after accepting it, as when the answer is lost on the way back. */
  loseNextAnswer = false;

  deliverer(looksUp: boolean): Deliverer {
    return {
      platform: "p",
      looksUp,
      marksCalls: true,
      deliver: async (row: OutboxRow, attempt: DeliveryAttempt) => {
        if (attempt.lookFirst) {
          this.lookups.push(row.key);
          if (this.posted.includes(row.key)) return "found";
        }
        await attempt.calling();
        this.posted.push(row.key);
        if (this.loseNextAnswer) {
          this.loseNextAnswer = false;
          throw new Error("socket hang up");
        }
      },
    };
  }
}

async function rows(db: Db) {
  return db.selectFrom("outbox").select(["key", "status", "attempts", "recovery", "called_at", "first_attempt_at"]).orderBy("id").execute();
}

async function setup() {
  const { db, path } = await makeDesk();
  const clock = new ManualClock();
  const add = (key: string, target = key) => enqueue(db, [{ key, platform: "p", kind: "say", target, payload: {}, at: clock.now() }]);
  const id = async (key: string) => (await db.selectFrom("outbox").select("id").where("key", "=", key).executeTakeFirstOrThrow()).id;
  /** What a process killed mid-delivery leaves: the row `sending`, and, if its call had started, called_at. */
  const killedWhile = async (key: string, called: boolean) => {
    await markSending(db, await id(key), clock.now());
    if (called) await markCalled(db, await id(key), clock.now());
  };
  return { db, path, clock, add, killedWhile };
}

describe("outbox recovery after a kill", () => {
  it("looks for rows whose call had started: found ones are marked sent without sending, absent ones are sent once", async () => {
    const { db, clock, add, killedWhile } = await setup();
    const slack = new Platform();
    await add("k-found");
    await add("k-absent");
    await add("k-waiting");
    await killedWhile("k-found", true);
    slack.posted.push("k-found"); // it reached the platform before the kill
    await killedWhile("k-absent", true);
    await killedWhile("k-waiting", false); // it was still queued in a limiter: nothing went out

    const logs: string[] = [];
    clock.advance(5_000);
    const worker = new OutboxWorker({ db, clock, deliverer: slack.deliverer(true), log: (m) => logs.push(m) });
    expect(await worker.recoverInFlight()).toBe(2);
    expect(logs).toEqual(["p: 2 messages were in flight at the last stop; each is looked for in its channel and sent again only if absent"]);
    expect(await worker.drainAll()).toBe(3);

    expect(slack.lookups.sort()).toEqual(["k-absent", "k-found"]);
    expect(slack.posted.filter((k) => k === "k-found")).toHaveLength(1);
    expect(slack.posted.filter((k) => k === "k-absent")).toHaveLength(1);
    expect(slack.posted.filter((k) => k === "k-waiting")).toHaveLength(1);
    expect((await rows(db)).map((r) => [r.key, r.status, r.recovery])).toEqual([
      ["k-found", "sent", "found"],
      ["k-absent", "sent", "resent"],
      ["k-waiting", "sent", null],
    ]);
    expect(await recoveryCounts(db)).toEqual([
      { platform: "p", recovery: "found", n: 1 },
      { platform: "p", recovery: "resent", n: 1 },
    ]);
  });

  it("where the platform cannot be asked, rows whose call had started are sent again and counted as possible repeats", async () => {
    const { db, clock, add, killedWhile } = await setup();
    const teams = new Platform();
    await add("t1");
    await add("t2");
    await add("t3");
    await killedWhile("t1", true);
    teams.posted.push("t1");
    await killedWhile("t2", true);
    await killedWhile("t3", false);

    const logs: string[] = [];
    const worker = new OutboxWorker({ db, clock, deliverer: teams.deliverer(false), log: (m) => logs.push(m) });
    expect(await worker.drainAll()).toBe(3); // drain() recovers first by itself
    expect(logs).toEqual(["p: 2 messages were in flight at the last stop and may show twice"]);
    expect(teams.lookups).toEqual([]);
    expect(teams.posted.sort()).toEqual(["t1", "t1", "t2", "t3"]);
    expect(await recoveryCounts(db)).toEqual([{ platform: "p", recovery: "may_repeat", n: 2 }]);
    // Counted once, at the start that found them; a later start finds nothing in flight.
    expect(await new OutboxWorker({ db, clock, deliverer: teams.deliverer(false), log: (m) => logs.push(m) }).recoverInFlight()).toBe(0);
  });

  it("the worker marks a row sending before delivering and records the call; a finished row keeps no trace of recovery", async () => {
    const { db, clock, add } = await setup();
    const seen: unknown[] = [];
    await add("k1");
    const worker = new OutboxWorker({
      db,
      clock,
      deliverer: {
        platform: "p",
        marksCalls: true,
        deliver: async (_row, attempt) => {
          seen.push((await rows(db))[0]!.status);
          await attempt.calling();
          seen.push((await rows(db))[0]!.called_at);
        },
      },
    });
    await worker.drainAll();
    expect(seen).toEqual(["sending", clock.now()]);
    expect(await rows(db)).toEqual([{ key: "k1", status: "sent", attempts: 1, recovery: null, called_at: clock.now(), first_attempt_at: clock.now() }]);
  });

  it("a post whose answer was lost (timeout, 5xx) is looked for on its retry, so it is not posted twice", async () => {
    const { db, clock, add } = await setup();
    const slack = new Platform();
    slack.loseNextAnswer = true;
    await add("k1");
    const worker = new OutboxWorker({ db, clock, deliverer: slack.deliverer(true), backoffMs: 1000 });
    expect(await worker.drain()).toBe(0);
    expect((await rows(db))[0]).toMatchObject({ status: "retrying", recovery: "lookup" });
    clock.advance(60_000);
    expect(await worker.drain()).toBe(1);
    expect(slack.posted).toEqual(["k1"]);
    expect((await rows(db))[0]).toMatchObject({ status: "sent", recovery: "found", attempts: 2 });
  });

  it("a kill during the lookup itself leaves the row to be looked for again at the next start", async () => {
    const { db, clock, add, killedWhile } = await setup();
    await add("k1");
    await killedWhile("k1", true);
    const first = new OutboxWorker({ db, clock, deliverer: new Platform().deliverer(true) });
    expect(await first.recoverInFlight()).toBe(1);
    // The second life starts the lookup (the row is `sending` again, no call yet) and is killed.
    const id = (await db.selectFrom("outbox").select("id").executeTakeFirstOrThrow()).id;
    await markSending(db, id, clock.now());
    const slack = new Platform();
    slack.posted.push("k1");
    const third = new OutboxWorker({ db, clock, deliverer: slack.deliverer(true) });
    expect(await third.recoverInFlight()).toBe(1);
    await third.drainAll();
    expect(slack.posted).toEqual(["k1"]);
    expect((await rows(db))[0]).toMatchObject({ status: "sent", recovery: "found", first_attempt_at: clock.now() });
  });
});
