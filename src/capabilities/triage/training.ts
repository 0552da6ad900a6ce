// Fitting the category model without stopping the desk. A few thousand tickets take seconds of L-BFGS, during
// which a desk on one thread would answer nobody (Slack gives 3 s), so a large history is fitted in a thread of
// its own (train-thread.ts), started through the same tsx boot as the reader thread (src/store/reader-thread-boot.mjs);
// a small one, milliseconds of work, is fitted in place so a fresh desk's first ticket already sees it.
import { Worker } from "node:worker_threads";
import { LogisticModel, type Example, type ModelState } from "./classifier.js";

/** Up to this many examples are fitted in place: well under a tenth of a second. */
export const IN_PLACE_MAX = 200;

/** A model fitted on `examples` (with `labels` known beforehand), off the desk's thread when there are many. */
export async function fitModel(labels: string[], examples: Example[], inPlaceMax = IN_PLACE_MAX): Promise<LogisticModel> {
  if (examples.length <= inPlaceMax) {
    const model = new LogisticModel(labels);
    if (examples.length) model.fit(examples);
    return model;
  }
  const state = await new Promise<ModelState>((resolve, reject) => {
    const worker = new Worker(new URL("../../store/reader-thread-boot.mjs", import.meta.url), {
      workerData: { labels, examples, entry: new URL("./train-thread.ts", import.meta.url).href },
    });
    // A desk that stops while the model trains does not wait for it.
    worker.unref();
    worker.once("message", (s: ModelState) => {
      resolve(s);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the triage training thread exited with code ${code}`)));
  });
  return LogisticModel.fromState(state);
}
