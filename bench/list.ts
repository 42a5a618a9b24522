/**
 * Incident list at scale. The list's rows (`incident_list`, one small row per incident, as
 * the projector writes them) are filled to `n` directly with large unordered `insertMany`
 * batches: opening 100,000 incidents through Temporal would take hours here. The API keeps
 * every row in memory, loaded once at start (api/incident-list/), so the bench restarts the
 * API after filling (readModelPhase in run.ts) and times the load apart. GET
 * /api/v1/incidents is then timed against the same page asked of the database.
 */
import type { Connection } from 'mongoose';
import { performance } from 'node:perf_hooks';
import type { IncidentRowDoc } from '../lib/models/incident-row';
import { stackTokens } from '../test/helpers/own-stack';
import type { Bench } from './context';
import { p50p99, ratio, type Row } from './report';
import { percentile, sleep } from './stats';

const SAMPLES = 200;
/** The same page straight from FerretDB sorts the whole collection each time: a few samples. */
const DIRECT_SAMPLES = 2;
/** Documents per insertMany: one round trip and one FerretDB transaction per batch. */
export const FILL_BATCH = 5_000;

/** Inserts `make(i)` for i from what `collection` holds up to `n`, in FILL_BATCH batches. */
export async function fill<T>(
  conn: Connection,
  collection: string,
  n: number,
  make: (i: number) => T,
): Promise<number> {
  const c = conn.collection(collection);
  const have = await c.countDocuments();
  for (let i = have; i < n; i += FILL_BATCH) {
    const batch = Array.from({ length: Math.min(FILL_BATCH, n - i) }, (_, j) => make(i + j));
    await c.insertMany(batch as never[], { ordered: false });
  }
  return Math.max(0, n - have);
}

export const fillListRows = (conn: Connection, n: number) => fill(conn, 'incident_list', n, row);

/** GET /api/v1/incidents until it answers 200 (503 while the API loads the rows): ms it took. */
export async function awaitListLoaded(b: Bench, timeoutMs = 600_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await b.stack
      .call('GET', '/api/v1/incidents', { token: stackTokens.responder, timeoutMs })
      .catch(() => ({ status: 0 }));
    if (r.status === 200) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`incident list not loaded: last answer ${r.status}`);
    await sleep(250);
  }
}

export async function listBench(b: Bench, conn: Connection, n: number, loadMs: number): Promise<Row> {
  const api = await timed(SAMPLES, async () => {
    const r = await b.stack.call('GET', '/api/v1/incidents', { token: stackTokens.responder });
    if (r.status !== 200) throw new Error(`list answered ${r.status}`);
  });
  const rows = conn.collection('incident_list');
  const direct = await timed(DIRECT_SAMPLES, async () => {
    await rows.find({}).sort({ createdAt: -1 }).limit(50).toArray();
  });
  return {
    measure: `Incident list (first page) with ${n} incidents`,
    vigil: `${p50p99(api)} (after the API loaded the rows at start: ${Math.round(loadMs / 1000)} s)`,
    baseline: `the same page straight from the database: ${p50p99(direct)}`,
    ratio: ratio(percentile(api, 99), percentile(direct, 99)),
    goal: 'p99 < 500 ms',
    met: percentile(api, 99) < 500,
  };
}

export async function timed(samples: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function row(i: number): IncidentRowDoc {
  const createdAt = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  const open = i % 10 < 2;
  return {
    _id: `incident-bench-list-${i.toString(16).padStart(8, '0')}:r`,
    incidentId: `incident-bench-list-${i.toString(16).padStart(8, '0')}`,
    number: i + 1_000_000,
    service: ['page', 'dedup', 'tick', 'probe'][i % 4] as string,
    severity: (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const)[i % 4] ?? 'SEV4',
    status: i % 10 === 0 ? 'triggered' : i % 10 === 1 ? 'acknowledged' : 'resolved',
    summary: `Seeded incident ${i}: disk latency on db-${i % 97}`,
    createdAt,
    alertCount: 1 + (i % 5),
    holderIds: open ? [`u${i % 8}`] : [],
    pagedUserIds: [`u${i % 8}`],
    ...(open ? { level: 1, loop: 1 } : { resolvedAt: new Date(Date.parse(createdAt) + 3_600_000).toISOString() }),
    seq: 5,
  };
}
