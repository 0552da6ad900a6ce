// The alert storm of bench/alerts, sent from its own process: generic-format alerts for one service,
// at a fixed rate (or as fast as `concurrency` allows with rate 0), each with its own fingerprint or one shared.
import { performance } from "node:perf_hooks";

export interface StormJob {
  url: string;
  token: string;
  rate: number;
  /** POSTs to send. */
  count: number;
  concurrency: number;
  /** One fingerprint for the whole storm (one ticket, a repeat count) or one per alert. */
  sameFingerprint: boolean;
  label: string;
  /** Alerts in each POST (one by default): 2,000 in one body is a monitoring tool's flush after an outage. */
  perPost?: number;
}

export interface StormResult {
  sent: number;
  accepted: number;
  failed: number;
  elapsedMs: number;
}

async function storm(job: StormJob): Promise<void> {
  const out: StormResult = { sent: 0, accepted: 0, failed: 0, elapsedMs: 0 };
  const start = performance.now();
  let next = 0;
  const perPost = job.perPost ?? 1;
  const alert = (i: number) => ({
    source: "bench",
    fingerprint: job.sameFingerprint ? `${job.label}-storm` : `${job.label}-${i}`,
    status: "firing",
    severity: "critical",
    summary: `checkout 5xx above 5% (${job.label})`,
    labels: { service: `checkout-${job.label}` },
  });
  const one = async (i: number) => {
    const body = JSON.stringify(perPost === 1 ? alert(i) : { alerts: Array.from({ length: perPost }, (_, k) => alert(i * perPost + k)) });
    out.sent += perPost;
    try {
      const r = await fetch(job.url, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${job.token}` } });
      const j = (await r.json()) as { accepted?: number };
      if (r.status === 200) out.accepted += j.accepted ?? 0;
      else out.failed += perPost;
    } catch {
      out.failed += perPost;
    }
  };
  if (job.rate > 0) {
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < job.count; i++) {
      const due = start + (i * 1000) / job.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(one(i));
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        while (next < job.count) await one(next++);
      }),
    );
  }
  out.elapsedMs = performance.now() - start;
  process.send!(out);
}

// The parent waits for the answer message, not for this promise: each post catches its own failure.
process.on("message", (job: StormJob) => void storm(job));
