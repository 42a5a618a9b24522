/**
 * Reports and scrapes at scale. The report documents are filled to `n` directly (as the
 * projector writes them, in large insertMany batches; opening 100,000 incidents through
 * Temporal would take hours here) and the API restarted to load them, then GET
 * /api/v1/reports/incidents is timed against the same figures computed in this process over
 * the same documents (the floor: no HTTP, no JSON). The first request, which waits for the
 * loading, is reported apart. `/metrics` of the API and the worker are timed against `/healthz`.
 */
import type { Connection } from 'mongoose';
import { toReportIncident } from '../domain/report/from-incident';
import { incidentReport } from '../domain/report/incident-report';
import type { IncidentReportDoc } from '../lib/models/incident-report';
import { stackTokens } from '../test/helpers/own-stack';
import type { Bench } from './context';
import { ms, p50p99, ratio, type Row } from './report';
import { percentile } from './stats';
import { fill, timed } from './list';

const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2026, 0, 1);
const QUERY = `from=2025-01-01&to=2026-01-01&groupBy=week`;

export const fillReportDocs = (conn: Connection, n: number) => fill(conn, 'incident_reports', n, reportDoc);

/** Run after fillReportDocs and an API restart (readModelPhase in run.ts): the API loads them at start. */
export async function reportBench(b: Bench, conn: Connection, n: number, log: (m: string) => void): Promise<Row> {
  const get = async () => {
    const r = await b.stack.call('GET', `/api/v1/reports/incidents?${QUERY}`, {
      token: stackTokens.responder,
      timeoutMs: 600_000,
    });
    if (r.status !== 200) throw new Error(`report answered ${r.status}`);
    return r.body;
  };
  const [first] = await timed(1, get);
  log(`reports: first request (waits for the documents loading since the API started) ${ms(first ?? NaN)}`);
  const api = await timed(20, get);
  const docs = await conn.collection<IncidentReportDoc>('incident_reports').find({}).toArray();
  const direct = await timed(5, async () => {
    incidentReport(
      docs.map((d) => toReportIncident(d)),
      { from: FROM, to: TO, groupBy: 'week' },
    );
  });
  return {
    measure: `Incident report (a year by week) over ${n} incidents`,
    vigil: `${p50p99(api)} (first request: ${ms(first ?? NaN)})`,
    baseline: `the same figures in-process over the same documents: ${p50p99(direct)}`,
    ratio: ratio(percentile(api, 99), percentile(direct, 99)),
    goal: 'p99 < 2 s',
    met: percentile(api, 99) < 2000,
  };
}

export async function scrapeBench(b: Bench): Promise<Row[]> {
  const fetchText = async (url: string) => {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return res.text();
  };
  const health = await timed(50, () => fetchText(`${b.stack.apiUrl}/healthz`));
  const row = (name: string, xs: number[]): Row => ({
    measure: `${name} /metrics scrape p99`,
    vigil: p50p99(xs),
    baseline: `API /healthz: ${p50p99(health)}`,
    ratio: ratio(percentile(xs, 99), percentile(health, 99)),
    goal: 'p99 < 50 ms',
    met: percentile(xs, 99) < 50,
  });
  const { api, worker } = b.metricsUrls;
  return [row('API', await timed(50, () => fetchText(api))), row('Worker', await timed(50, () => fetchText(worker)))];
}

function reportDoc(i: number): IncidentReportDoc {
  const createdAt = FROM + i * 5 * 60_000;
  const acked = i % 7 !== 0;
  const service = ['page', 'dedup', 'tick', 'probe'][i % 4] as string;
  return {
    _id: `incident-bench-report-${i}:r`,
    incidentId: `incident-bench-report-${i}`,
    service,
    severity: (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const)[i % 4] ?? 'SEV4',
    seq: 5,
    report: {
      version: 1,
      createdAt,
      ...(acked ? { acknowledgedAt: createdAt + (30 + (i % 600)) * 1000 } : {}),
      ...(i % 10 !== 0 ? { resolvedAt: createdAt + (600 + (i % 3600)) * 1000 } : {}),
      ...(i % 3 === 0 ? { alertStartedAt: createdAt - (i % 120) * 1000 } : {}),
      ...(i % 5 === 0 ? { classification: (['actionable', 'false_positive', 'noise'] as const)[i % 3] } : {}),
      autoRemediated: i % 11 === 0,
      maxLevelReached: 1 + (i % 3 === 0 ? 1 : 0),
      maxLoopReached: 1,
      slaBreaches: i % 13 === 0 ? ['response'] : [],
      pages: [{ userId: `u${i % 8}`, at: createdAt, ...(acked ? { acknowledgedAt: createdAt + 30_000 } : {}) }],
    },
  };
}
