/** Percentiles and a load driver for `npm run bench`. */
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of `values` (p in 0..100); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface LoadResult {
  /** Completed calls per second over the whole run. */
  rate: number;
  /** Per-call latency in ms, in completion order. */
  latencies: number[];
  wallMs: number;
  errors: number;
  /** The first few error messages, for the log. */
  errorSamples: string[];
}

/**
 * Runs `fn(i)` for i in 0..n-1 with `clients` calls in flight at a time (each client
 * starts its next call when its last one answers), as `clients` senders would.
 */
export async function drive(n: number, clients: number, fn: (i: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const client = async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      try {
        await fn(i);
        latencies.push(performance.now() - s);
      } catch (err) {
        errors++;
        if (errorSamples.length < 3) errorSamples.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, n) }, client));
  const wallMs = performance.now() - t0;
  return { rate: (latencies.length / wallMs) * 1000, latencies, wallMs, errors, errorSamples };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Polls until `fn` returns a value that is not undefined, or the time is up (then undefined). */
export async function poll<T>(fn: () => T | undefined, timeoutMs: number, everyMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}
