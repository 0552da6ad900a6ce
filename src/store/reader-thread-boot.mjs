// The reader thread's entry: the app is TypeScript run through tsx, so the thread registers tsx's loader
// before it imports its TypeScript body (a worker does not inherit the main thread's loader).
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
