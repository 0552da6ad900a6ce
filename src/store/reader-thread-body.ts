// Runs in the reader thread: its own read-only connection to the SQLite file, and the read functions it is
// asked for, one at a time, by module URL and export name. See reader-thread.ts.
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "./connection.js";

export interface ReadJob {
  id: number;
  module: string;
  name: string;
  args: unknown[];
}

const { db } = openDatabase(workerData.path as string, { readonly: true });

// Every failure is answered to the caller inside, so nothing is left for the port to await.
parentPort!.on(
  "message",
  (job: ReadJob) =>
    void (async () => {
      try {
        const mod = (await import(job.module)) as Record<string, (...a: unknown[]) => Promise<unknown>>;
        const fn = mod[job.name];
        if (typeof fn !== "function") throw new Error(`${job.module} has no function ${job.name}`);
        const value = await fn(db, ...job.args);
        parentPort!.postMessage({ id: job.id, ok: true, value });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        parentPort!.postMessage({ id: job.id, ok: false, error: { name: e?.name ?? "Error", message: e?.message ?? String(err), code: e?.code } });
      }
    })(),
);
