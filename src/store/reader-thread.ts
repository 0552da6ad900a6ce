// Long reads off the main thread. A report over a year of tickets, an export, the digest's figures and chart
// take seconds of CPU; on the main thread they would stop the desk acknowledging anyone (Slack gives 3 s).
// They run instead in one worker thread per database file, with its own read-only connection (WAL lets it
// read the last commit while the desk writes), started on first use and left unref'd so it never keeps the
// process alive. A function is named by its module URL and export name and is called as fn(db, ...args);
// its arguments and result cross threads by structured clone. An in-memory database has no file to share,
// so its reads run in place.
import { Worker } from "node:worker_threads";
import { sql } from "kysely";
import type { Db } from "./connection.js";
import type { ReadJob } from "./reader-thread-body.js";

type Settle = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

class ReaderThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Settle>();
  private seq = 0;

  constructor(private readonly path: string) {}

  run<T>(module: string, name: string, args: unknown[]): Promise<T> {
    const worker = this.worker ?? this.start();
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ id, module, name, args } satisfies ReadJob);
    });
  }

  private start(): Worker {
    const worker = new Worker(new URL("./reader-thread-boot.mjs", import.meta.url), {
      workerData: { path: this.path, entry: new URL("./reader-thread-body.ts", import.meta.url).href },
    });
    worker.unref();
    worker.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: { name: string; message: string; code?: string } }) => {
      const settle = this.waiting.get(m.id);
      if (!settle) return;
      this.waiting.delete(m.id);
      if (!this.waiting.size) worker.unref();
      if (m.ok) settle.resolve(m.value);
      else settle.reject(Object.assign(new Error(m.error!.message), { name: m.error!.name, ...(m.error!.code ? { code: m.error!.code } : {}) }));
    });
    // A thread that dies fails what it was doing; the next read starts a new one.
    const fail = (err: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const s of this.waiting.values()) s.reject(err instanceof Error ? err : new Error(`the reader thread stopped (${String(err)})`));
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the reader thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const threads = new Map<string, ReaderThread>();
const files = new WeakMap<Db, Promise<string>>();

/** The file a connection reads ("" for an in-memory database). */
function fileOf(db: Db): Promise<string> {
  let f = files.get(db);
  if (!f) {
    f = sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db).then((r) => r.rows.find((x) => x.name === "main")?.file ?? "");
    files.set(db, f);
  }
  return f;
}

/** Calls `name` from `module` as fn(db, ...args), in the reader thread of db's file. */
export async function readOffThread<T>(db: Db, module: URL, name: string, args: unknown[]): Promise<T> {
  const path = await fileOf(db);
  if (!path) {
    const mod = (await import(module.href)) as Record<string, (...a: unknown[]) => Promise<T>>;
    return mod[name]!(db, ...args);
  }
  let thread = threads.get(path);
  if (!thread) threads.set(path, (thread = new ReaderThread(path)));
  return thread.run<T>(module.href, name, args);
}
