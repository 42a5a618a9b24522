/**
 * What the single-purpose benches (bench/console.ts, bench/status-page.ts) share: their own
 * FerretDB unless MONGODB_URI is set, sequential timing, the printed percentiles, and the
 * entry point. `npm run bench` (bench/main.ts) has its own stack and stats (./stats).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { freePort, startFerret, stopProcess, type Managed } from '../scripts/stack';

/** The value below which a share `p` (0..1) of `xs` lies. */
export const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

/** "p50 … ms  p99 … ms  (n=…)" with `digits` decimals. */
export const fmt = (xs: number[], digits = 1) =>
  `p50 ${pct(xs, 0.5).toFixed(digits)} ms  p99 ${pct(xs, 0.99).toFixed(digits)} ms  (n=${xs.length})`;

/** Runs `fn` `n` times one after another (`before` untimed ahead of each); each run's ms. */
export async function timed(n: number, fn: () => Promise<unknown>, before?: () => void): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    before?.();
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Connects mongoose to MONGODB_URI, or to a FerretDB of its own (FERRETDB_PATH) that it stops after `body`. */
export async function withDatabase(name: string, body: () => Promise<void>): Promise<void> {
  let ferret: Managed | undefined;
  let tmp: string | undefined;
  let uri = process.env.MONGODB_URI;
  try {
    if (!uri) {
      const bin = process.env.FERRETDB_PATH;
      if (!bin) throw new Error('set FERRETDB_PATH (scripts/provision.sh prints it) or MONGODB_URI');
      tmp = mkdtempSync(path.join(os.tmpdir(), `vigil-bench-${name}-`));
      const port = await freePort();
      ferret = await startFerret({ bin, port, dataDir: tmp, output: 'ignore' });
      uri = `mongodb://127.0.0.1:${port}/vigil_bench_${name}`;
    }
    await mongoose.connect(uri, { bufferCommands: false });
    await body();
  } finally {
    await mongoose.disconnect();
    if (ferret) await stopProcess(ferret);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** The entry point: exit 0 when `main` ends, 1 with its stack when it fails. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
