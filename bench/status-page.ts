/**
 * Status page figures (issue 14), beside a baseline from the same run and the same
 * Express app: summary.json and the HTML page of a page with 50 components and 1,000
 * incidents of history (90 days, three updates each, a few unresolved), p50/p99 over
 * sequential requests, as served (built views cached for five seconds, rebuilt when
 * they expire during the run) and cold (the cache dropped before every request: the cost
 * of one build from FerretDB). Baseline: the page's stylesheet, a static file served by
 * the same app. Goal: p99 under 20 ms as served.
 * Starts its own FerretDB (FERRETDB_PATH, as `npm test` provisions) unless MONGODB_URI is
 * set. `npm run bench:status-page`; `BENCH_REQUESTS`, `BENCH_COMPONENTS`, `BENCH_HISTORY`
 * change the sizes.
 */
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createApp, type AppDeps } from '../api/app';
import { createPageViews } from '../api/status-page/views';
import { createLogger } from '../lib/logger';
import { ConfigModels, specHash } from '../lib/models/config';
import { StatusPageSchema, type ComponentStatus } from '../domain/status-page';
import { fmt, pct, runBench, timed, withDatabase } from './standalone';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 50);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1000);
const GOAL_P99_MS = 20;
const DAY = 86_400_000;
const log = createLogger({ level: 'silent', name: 'bench' });

const STATUSES: ComponentStatus[] = ['degraded_performance', 'partial_outage', 'major_outage'];

async function seed(nowMs: number): Promise<void> {
  const components = Array.from({ length: COMPONENTS }, (_, i) => ({
    id: `c${i}`,
    name: `Component ${i}`,
    group: `Group ${i % 8}`,
    description: `What component ${i} does`,
  }));
  const spec = StatusPageSchema.parse({ id: 'bench', name: 'Bench Status', components });
  const now = new Date(nowMs);
  await ConfigModels.statusPage.create({
    _id: 'bench',
    spec,
    specHash: specHash(spec),
    managedBy: 'api',
    createdAt: now,
    updatedAt: now,
  });
  const incidents = [];
  const updates: Array<Record<string, unknown>> = [];
  for (let i = 0; i < HISTORY; i++) {
    const created = nowMs - Math.floor(((i + 0.5) / HISTORY) * 89 * DAY);
    const iso = (ms: number) => new Date(ms).toISOString();
    const open = i < 3;
    const comps = { [`c${i % COMPONENTS}`]: STATUSES[i % 3]!, [`c${(i * 7) % COMPONENTS}`]: STATUSES[(i + 1) % 3]! };
    const id = `bench-${i}`;
    incidents.push({
      _id: id,
      pageId: 'bench',
      name: `Elevated errors on component ${i % COMPONENTS}`,
      status: open ? 'identified' : 'resolved',
      impact: (['minor', 'major', 'critical'] as const)[i % 3],
      components: comps,
      held: false,
      createdAt: iso(created),
      updatedAt: iso(created + 3_600_000),
      ...(open ? {} : { resolvedAt: iso(created + 3_600_000) }),
    });
    const steps = open ? ['investigating', 'identified'] : ['investigating', 'identified', 'resolved'];
    steps.forEach((status, k) =>
      updates.push({
        _id: `${id}:${k}`,
        pageId: 'bench',
        pageIncidentId: id,
        status,
        body: `Update ${k} on incident ${i}: we are working on it and will post again within the hour.`,
        createdAt: iso(created + k * 1_200_000),
        displayAt: iso(created + k * 1_200_000),
        by: 'vigil',
        ...(k === 0 ? { components: comps } : {}),
      }),
    );
  }
  await mongoose.connection.collection('status_page_incidents').insertMany(incidents as never[]);
  await mongoose.connection.collection('status_page_updates').insertMany(updates as never[]);
}

async function measure(base: string, drop: () => void): Promise<void> {
  const get = (p: string) =>
    fetch(`${base}${p}`).then(async (r) => {
      if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`);
      return r.text();
    });
  const summary = '/status/bench/api/v2/summary.json';
  const html = '/status/bench';
  const css = '/status/assets/status.css';
  for (const p of [summary, html, css]) await get(p); // warm: connections, JIT, first build
  const rows: Array<[string, number[]]> = [
    ['baseline: static stylesheet, same app', await timed(REQUESTS, () => get(css))],
    ['summary.json, as served (5 s cache)', await timed(REQUESTS, () => get(summary))],
    ['HTML page, as served (5 s cache)', await timed(REQUESTS, () => get(html))],
    ['summary.json, cold (cache dropped each time)', await timed(50, () => get(summary), drop)],
    ['HTML page, cold (cache dropped each time)', await timed(50, () => get(html), drop)],
  ];
  process.stdout.write(`Status page, ${COMPONENTS} components, ${HISTORY} incidents of history (FerretDB):\n`);
  for (const [name, xs] of rows) process.stdout.write(`  ${name.padEnd(46)} ${fmt(xs, 2)}\n`);
  const served = [rows[1]![1], rows[2]![1]].map((xs) => pct(xs, 0.99));
  const met = served.every((p) => p < GOAL_P99_MS);
  process.stdout.write(`goal: p99 < ${GOAL_P99_MS} ms as served: ${met ? 'met' : 'NOT met'}\n`);
}

async function main(): Promise<void> {
  await withDatabase('status', async () => {
    await mongoose.connection.dropDatabase();
    const t = performance.now();
    await seed(Date.now());
    process.stdout.write(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const statusPages = createPageViews({});
    const app = createApp({
      log,
      credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
      incidents: {} as AppDeps['incidents'],
      readiness: {},
      statusPages,
    } as unknown as AppDeps);
    const server = app.listen(0);
    try {
      await measure(`http://127.0.0.1:${(server.address() as { port: number }).port}`, () =>
        statusPages.invalidate('bench'),
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
}

runBench(main);
