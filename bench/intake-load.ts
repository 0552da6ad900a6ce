// The load generator of bench/intake, run in its own process (child_process.fork) so its work does not
// share the event loop it measures. Sends signed `/ticket <text>` requests at a fixed rate (open loop), or
// as fast as `concurrency` allows (closed loop), and reports each request's ack latency.
import { performance } from "node:perf_hooks";
import { slackSignature } from "../test/fakes/slack-sign.js";

export interface LoadJob {
  url: string;
  secret: string;
  /** Requests a second; 0 = closed loop at `concurrency`. */
  rate: number;
  count: number;
  concurrency: number;
  users: number;
  label: string;
  responseUrlBase: string;
  /** Stop sending after this long, whatever is left. */
  maxMs: number;
  /** The ack text of a request held in the inbox (its answer follows through response_url). */
  heldText: string;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Acked with the holding answer: the raw request was committed, the ticket followed after the ack. */
  held: number;
  latencies: number[];
  elapsedMs: number;
}

async function one(job: LoadJob, i: number, out: LoadResult): Promise<void> {
  const user = `UB${String(i % job.users).padStart(4, "0")}`;
  const body = new URLSearchParams({
    token: "t",
    team_id: "T0001",
    team_domain: "bench",
    channel_id: "CBENCH",
    channel_name: "bench",
    user_id: user,
    user_name: user.toLowerCase(),
    command: "/ticket",
    text: `printer ${job.label}-${i} jams on floor ${i % 7}`,
    api_app_id: "A0001",
    response_url: `${job.responseUrlBase}${job.label}-${i}`,
    trigger_id: `${job.label}.${i}.t`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const start = performance.now();
  out.sent++;
  try {
    const r = await fetch(job.url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(job.secret, ts, body),
      },
    });
    const text = await r.text();
    out.latencies.push(performance.now() - start);
    if (text && (JSON.parse(text) as { text?: string }).text === job.heldText) out.held++;
    if (r.status === 200) out.ok++;
    else out.failed++;
  } catch {
    out.failed++;
  }
}

async function run(job: LoadJob): Promise<LoadResult> {
  const out: LoadResult = { sent: 0, ok: 0, failed: 0, held: 0, latencies: [], elapsedMs: 0 };
  const start = performance.now();
  const inflight = new Set<Promise<void>>();
  if (job.rate > 0) {
    // Open loop: request i is due at start + i/rate, whether or not earlier ones have been answered.
    for (let i = 0; i < job.count && performance.now() - start < job.maxMs; i++) {
      const due = start + (i * 1000) / job.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const p = one(job, i, out).finally(() => inflight.delete(p));
      inflight.add(p);
    }
  } else {
    let next = 0;
    const worker = async () => {
      while (next < job.count && performance.now() - start < job.maxMs) await one(job, next++, out);
    };
    await Promise.all(Array.from({ length: job.concurrency }, worker));
  }
  await Promise.all(inflight);
  out.elapsedMs = performance.now() - start;
  return out;
}

process.on("message", (job: LoadJob) => {
  void run(job).then((r) => {
    process.send!(r);
  });
});
