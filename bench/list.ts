/**
 * Incident list at scale: the read model is filled to `n` documents (written directly, as
 * the projector would have written them: opening 100,000 incidents through Temporal would
 * take an hour here), then GET /api/v1/incidents is timed against the same query made
 * straight to the database. Measured only once the list API exists.
 */
import mongoose from 'mongoose';
import { performance } from 'node:perf_hooks';
import { stackTokens } from '../test/helpers/own-stack';
import type { Bench } from './context';
import { p50p99, ratio, type Row } from './report';
import { percentile } from './stats';

const SAMPLES = 200;

export async function listBench(b: Bench, n: number, log: (m: string) => void): Promise<Row> {
  const measure = `Incident list (first page) p99 with ${n} incidents`;
  const probe = await b.stack.call('GET', '/api/v1/incidents', { token: stackTokens.responder });
  if (probe.status !== 200) {
    return {
      measure,
      vigil: `not measured: GET /api/v1/incidents answers ${probe.status}`,
      baseline: '',
      ratio: '',
      goal: '',
    };
  }
  const conn = await mongoose.createConnection(b.stack.mongoUri).asPromise();
  try {
    const incidents = conn.collection('incidents');
    const have = await incidents.countDocuments();
    log(`incident list: filling the read model from ${have} to ${n} documents`);
    for (let i = have; i < n; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - i) }, (_, j) => record(i + j));
      await incidents.insertMany(batch as never[], { ordered: false });
    }
    const api = await timed(async () => {
      const r = await b.stack.call('GET', '/api/v1/incidents', { token: stackTokens.responder });
      if (r.status !== 200) throw new Error(`list answered ${r.status}`);
    });
    const direct = await timed(async () => {
      await incidents.find({}).sort({ createdAt: -1 }).limit(50).toArray();
    });
    return {
      measure,
      vigil: p50p99(api),
      baseline: `the same page straight from the database: ${p50p99(direct)}`,
      ratio: ratio(percentile(api, 99), percentile(direct, 99)),
      goal: 'p99 < 500 ms',
      met: percentile(api, 99) < 500,
    };
  } finally {
    await conn.close();
  }
}

async function timed(fn: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function record(i: number) {
  const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  const incidentId = `incident-bench-list-${i.toString(16).padStart(24, '0')}`;
  return {
    _id: `${incidentId}:r${i}`,
    incidentId,
    runKey: `r${i}`,
    service: ['page', 'dedup', 'tick', 'probe'][i % 4],
    dedupKey: `list-${i}`,
    summary: `Seeded incident ${i}`,
    severity: ['SEV1', 'SEV2', 'SEV3', 'SEV4'][i % 4],
    status: i % 10 === 0 ? 'triggered' : i % 10 === 1 ? 'acknowledged' : 'resolved',
    alertCount: 1,
    createdAt: at,
    lastAlertAt: at,
    details: {},
    timeline: [{ at, type: 'triggered', message: 'Triggered' }],
    timelineDropped: 0,
    seq: 1,
    updatedAt: new Date(at),
  };
}
