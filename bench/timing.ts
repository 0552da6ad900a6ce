// Shared by the benchmarks: run an async step n times and report throughput and latency percentiles.
import { performance } from "node:perf_hooks";

export interface Timing {
  perSec: number;
  p50: number;
  p99: number;
}

export async function timeIt(n: number, f: (i: number) => Promise<unknown>): Promise<Timing> {
  const lat: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    lat.push(performance.now() - t);
  }
  const total = performance.now() - start;
  lat.sort((a, b) => a - b);
  return { perSec: (n / total) * 1000, p50: lat[Math.floor(n * 0.5)]!, p99: lat[Math.floor(n * 0.99)]! };
}
