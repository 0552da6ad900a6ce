// Runs in a training thread (started by training.ts): fits the category model on the examples it was given
// and hands the fitted model back as plain data, so the seconds of L-BFGS never hold up the desk's thread.
import { parentPort, workerData } from "node:worker_threads";
import { LogisticModel, type Example } from "./classifier.js";

const { labels, examples } = workerData as { labels: string[]; examples: Example[] };
const model = new LogisticModel(labels);
model.fit(examples);
const state = model.state;
parentPort!.postMessage(state, [state.w.buffer as ArrayBuffer]);
