// Group commit: commands queued together share one transaction, each in its own savepoint, and a caller
// hears of its command only once the batch has committed.
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { CommandBatches } from "../../src/core/batches.js";
import { appendAudit } from "../../src/store/audit.js";
import { verifyChain } from "../../src/store/audit-chain.js";
import { openDatabase, type Db } from "../../src/store/connection.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { makeDesk, tempDbPath, type TestDesk } from "../helpers/desk.js";

let db: Db;
let path: string;
let desk: TestDesk | undefined;

async function openTables(): Promise<void> {
  path = tempDbPath("batches.db");
  db = openDatabase(path).db;
  await sql`CREATE TABLE rows (name TEXT NOT NULL)`.execute(db);
  await sql`CREATE TABLE parents (id INTEGER PRIMARY KEY)`.execute(db);
  await sql`CREATE TABLE children (parent INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)`.execute(db);
}

/** What another connection to the file sees: only what has been committed. */
function committed(): string[] {
  const other = new SQLite(path, { readonly: true });
  try {
    return (other.prepare("SELECT name FROM rows ORDER BY rowid").all() as { name: string }[]).map((r) => r.name);
  } finally {
    other.close();
  }
}

/** A command during which SQLite rolls the whole transaction back (as on a full disk or an I/O error), then throws `error`. */
const rollsEverythingBack = (error: Error) => async (trx: Db) => {
  await sql`ROLLBACK`.execute(trx);
  throw error;
};

const insert = (name: string) => async (trx: Db) => {
  await sql`INSERT INTO rows (name) VALUES (${name})`.execute(trx);
  return name;
};

afterEach(async () => {
  await db?.destroy();
  await desk?.db.destroy();
  desk = undefined;
});

describe("group commit", () => {
  it("commits the commands queued together once, and answers each only when its rows are on disk", async () => {
    await openTables();
    let commits = 0;
    const batches = new CommandBatches(db, () => commits++);
    const seenAtAnswer: string[][] = [];
    const answers = ["a", "b", "c", "d"].map((n) => batches.run(insert(n)).then((v) => (seenAtAnswer.push(committed()), v)));
    expect(await Promise.all(answers)).toEqual(["a", "b", "c", "d"]);
    expect(commits).toBe(1);
    // Every caller heard only after the commit: all four rows were already visible to another connection.
    expect(seenAtAnswer).toEqual([
      ["a", "b", "c", "d"],
      ["a", "b", "c", "d"],
      ["a", "b", "c", "d"],
      ["a", "b", "c", "d"],
    ]);
  });

  it("rolls a failed command back to its savepoint and keeps the others in the batch", async () => {
    await openTables();
    const batches = new CommandBatches(db, () => {});
    const failing = batches.run(async (trx) => {
      await insert("half-done")(trx);
      throw new Error("refused");
    });
    const [a, bad, c] = await Promise.allSettled([batches.run(insert("a")), failing, batches.run(insert("c"))]);
    expect(a).toEqual({ status: "fulfilled", value: "a" });
    expect(bad).toMatchObject({ status: "rejected", reason: { message: "refused" } });
    expect(c).toEqual({ status: "fulfilled", value: "c" });
    expect(committed()).toEqual(["a", "c"]);
  });

  it("keeps the audit chain whole when a command rolls back after recording events", async () => {
    path = tempDbPath("batches-audit.db");
    db = openDatabase(path).db;
    await migrateToLatest(db);
    const batches = new CommandBatches(db, () => {});
    const event = (action: string) => ({ at: 1, platform: "test", action });
    // The rolled-back command's events moved the chain's head in memory; the next command must link to the
    // last event that stayed, or every hash after it would break.
    const results = await Promise.allSettled([
      batches.run((trx) => appendAudit(trx, [event("first"), event("second")])),
      batches.run(async (trx) => {
        await appendAudit(trx, [event("undone")]);
        throw new Error("refused");
      }),
      batches.run((trx) => appendAudit(trx, [event("third")])),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const actions = (await db.selectFrom("audit_events").select("action").orderBy("id").execute()).map((r) => r.action);
    expect(actions).toEqual(["first", "second", "third"]);
    expect(await verifyChain(db)).toEqual({ ok: true, events: 3 });
  });

  it("fails every command of a batch whose commit fails, and none of their rows stay", async () => {
    await openTables();
    const batches = new CommandBatches(db, () => {});
    // A deferred foreign key is checked at COMMIT: the one command breaks the commit of the whole batch.
    const orphan = async (trx: Db) => {
      await sql`INSERT INTO children (parent) VALUES (42)`.execute(trx);
      return "orphan";
    };
    const results = await Promise.allSettled([batches.run(insert("a")), batches.run(orphan), batches.run(insert("c"))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_CONSTRAINT_FOREIGNKEY" });
    expect(committed()).toEqual([]);
    // The next batch starts clean.
    expect(await batches.run(insert("after"))).toBe("after");
    expect(committed()).toEqual(["after"]);
  });

  it("fails the whole batch with the cause when SQLite has rolled the transaction back under it", async () => {
    await openTables();
    const batches = new CommandBatches(db, () => {});
    // The whole transaction is gone, savepoints too.
    const lost = rollsEverythingBack(Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" }));
    const results = await Promise.allSettled([batches.run(insert("a")), batches.run(lost), batches.run(insert("c"))]);
    // "a" was undone with the transaction and is told why; "c" was still queued and runs in the next batch.
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    for (const r of results.slice(0, 2)) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_FULL" });
    expect(committed()).toEqual(["c"]);
  });

  it("tells the others of an undone batch only that storage failed, never the failing command's own words", async () => {
    await openTables();
    const batches = new CommandBatches(db, () => {});
    const lost = rollsEverythingBack(new Error("Only agents can do that; you are a requester."));
    const [a, own] = await Promise.allSettled([batches.run(insert("a")), batches.run(lost)]);
    expect((own as PromiseRejectedResult).reason.message).toBe("Only agents can do that; you are a requester.");
    expect((a as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_ABORT", message: "the change was undone with its batch: a storage error" });
  });

  it("commits what was done when a command hits a storage error, and runs the rest in a fresh transaction", async () => {
    await openTables();
    let commits = 0;
    const batches = new CommandBatches(db, () => commits++);
    const busy = async () => {
      throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    };
    const seenByC: string[][] = [];
    const c = async (trx: Db) => {
      seenByC.push(committed());
      return insert("c")(trx);
    };
    const results = await Promise.allSettled([batches.run(insert("a")), batches.run(busy), batches.run(c)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(commits).toBe(2);
    expect(seenByC).toEqual([["a"]]);
    expect(committed()).toEqual(["a", "c"]);
  });

  it("runs solo work in a transaction of its own: what was queued before it is committed first", async () => {
    await openTables();
    let commits = 0;
    const batches = new CommandBatches(db, () => commits++);
    const seenBySolo: string[][] = [];
    const long = async (trx: Db) => {
      seenBySolo.push(committed());
      return insert("solo")(trx);
    };
    await Promise.all([
      batches.run(insert("a")),
      batches.run(insert("b")),
      batches.run(long, { solo: true }),
      batches.run(insert("c")),
      batches.run(insert("d")),
    ]);
    expect(seenBySolo).toEqual([["a", "b"]]);
    expect(commits).toBe(3);
    expect(committed()).toEqual(["a", "b", "solo", "c", "d"]);
  });

  it("keeps a batch to its command limit", async () => {
    await openTables();
    let commits = 0;
    const batches = new CommandBatches(db, () => commits++, { maxCommands: 3, maxMs: 10_000 });
    await Promise.all(["a", "b", "c", "d", "e", "f", "g"].map((n) => batches.run(insert(n))));
    expect(commits).toBe(3);
    expect(committed()).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
  });
});

describe("the desk's commands in one batch", () => {
  it("makes one ticket of a command and its retry queued together (the retry sees the receipt)", async () => {
    desk = await makeDesk();
    const env = {
      actor: { platform: "slack", userId: "U1", displayName: "rita" },
      command: { kind: "create" as const, title: "vpn drops" },
      idempotencyKey: "evt:1",
    };
    const [first, retry, other] = await Promise.all([
      desk.desk.handle(env),
      desk.desk.handle(env),
      desk.desk.handle({ ...env, command: { kind: "create", title: "printer jams" }, idempotencyKey: "evt:2" }),
    ]);
    expect(retry).toEqual(first);
    expect(other.ok && other.text).toMatch(/#2/);
    const titles = (await desk.db.selectFrom("tickets").select("title").orderBy("id").execute()).map((t) => t.title);
    expect(titles).toEqual(["vpn drops", "printer jams"]);
  });
});
