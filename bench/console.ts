/**
 * Console and incident-list figures (issue 13), each beside its baseline, in one run:
 *  - GET /api/v1/incidents with 100,000 incidents in the read model (FerretDB), p50/p99 per
 *    query shape, against a bare query on the same collection (`incident_list`, find + sort
 *    + limit), which FerretDB answers by reading the whole collection;
 *  - the incident page rendered with 10,000 open incidents, against the bare read of one
 *    read-model record by `_id`. The workflow query is replaced by a fixed state here: the
 *    figure is the console's own work (configuration read, model, rendering).
 * Starts its own FerretDB (FERRETDB_PATH, as `npm test` provisions) unless MONGODB_URI is set.
 * `npm run bench` calls it; `BENCH_INCIDENTS` / `BENCH_OPEN` change the sizes.
 */
import { performance } from 'node:perf_hooks';
import { createApp, type AppDeps } from '../api/app';
import type { IncidentState } from '../domain/incident/incident';
import { createLogger } from '../lib/logger';
import { docFromRow, IncidentRowModel } from '../lib/models/incident-row';
import { toListRow } from '../domain/incident/list-row';
import { IncidentRecordModel } from '../lib/models/incident-record';
import { fmt, runBench, timed, withDatabase } from './standalone';

const TOTAL = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const TOKEN = 'bench-responder-token-0123456789';
const SERVICES = Array.from({ length: 40 }, (_, i) => `svc-${i}`);
const log = createLogger({ level: 'silent', name: 'bench' });

function state(i: number, open: boolean): IncidentState {
  const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 30_000).toISOString();
  return {
    incidentId: `incident-bench-${i}`,
    runKey: `run-${i}`,
    service: SERVICES[i % SERVICES.length] as string,
    dedupKey: `k${i}`,
    summary: `Latency above SLO on host-${i % 997} (${i % 5 === 0 ? 'disk' : 'cpu'})`,
    severity: (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const)[i % 4] ?? 'SEV1',
    status: open ? (i % 3 ? 'triggered' : 'acknowledged') : 'resolved',
    alertCount: 1 + (i % 7),
    createdAt,
    lastAlertAt: createdAt,
    details: { host: `host-${i % 997}` },
    timeline: Array.from({ length: 12 }, (_, k) => ({
      at: createdAt,
      type: 'notified' as const,
      message: `Notified user-${k % 6} by email`,
      data: { userId: `user-${k % 6}` },
    })),
    timelineDropped: 0,
    seq: 5,
    number: i + 1,
    escalation: { epoch: 0, loop: 0, level: 0, userIds: [`user-${i % 6}`], pagedAt: createdAt, exhausted: false },
  };
}

async function seed(): Promise<IncidentState> {
  await IncidentRowModel.deleteMany({});
  await IncidentRecordModel.deleteMany({});
  const t = performance.now();
  for (let b = 0; b < TOTAL; b += 2000) {
    const rows = [];
    for (let i = b; i < Math.min(TOTAL, b + 2000); i++)
      rows.push(docFromRow(toListRow(state(i, i >= TOTAL - OPEN), `incident-bench-${i}:run-${i}`)));
    await IncidentRowModel.insertMany(rows, { lean: true });
  }
  const page = state(TOTAL - 1, true);
  await IncidentRecordModel.create({ _id: `${page.incidentId}:${page.runKey}`, ...page, updatedAt: new Date() });
  process.stdout.write(
    `seeded ${TOTAL} incidents (${OPEN} open) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  return page;
}

async function main(): Promise<void> {
  await withDatabase('console', async () => {
    const page = await seed();
    const gateway = { state: async () => page } as unknown as AppDeps['incidents'];
    const app = createApp({
      log,
      credentials: { ingestKeys: [], responderTokens: [{ name: 'bench', secret: TOKEN }], adminTokens: [] },
      incidents: gateway,
      readiness: {},
    } as unknown as AppDeps);
    const server = app.listen(0);
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const get = (p: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${p}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } }).then((r) => r.text());

    const t = performance.now();
    await get('/api/v1/incidents?limit=1');
    process.stdout.write(
      `list index loaded from incident_list in ${((performance.now() - t) / 1000).toFixed(1)} s (once per API process)\n\n`,
    );
    const shapes: Array<[string, string]> = [
      ['open, newest first', '?status=triggered,acknowledged'],
      ['resolved, newest first', '?status=resolved'],
      ['one service + severity', '?service=svc-7&severity=SEV1,SEV2'],
      ['words in summary', '?q=disk%20host-5'],
      [
        'paged to a user, created between',
        '?pagedTo=user-3&createdFrom=2026-01-05T00:00:00Z&createdTo=2026-01-20T00:00:00Z',
      ],
    ];
    process.stdout.write(`GET /api/v1/incidents (${TOTAL} incidents, FerretDB):\n`);
    for (const [name, q] of shapes)
      process.stdout.write(`  ${name.padEnd(34)} ${fmt(await timed(300, () => get(`/api/v1/incidents${q}`)))}\n`);
    const first = JSON.parse(await get('/api/v1/incidents?status=resolved')) as { nextCursor: string };
    process.stdout.write(
      `  ${'next page (cursor)'.padEnd(34)} ${fmt(await timed(300, () => get(`/api/v1/incidents?status=resolved&cursor=${first.nextCursor}`)))}\n`,
    );
    const bare = await timed(3, () =>
      IncidentRowModel.find({ status: { $in: ['triggered', 'acknowledged'] } })
        .sort({ createdAt: -1 })
        .limit(50)
        .lean(),
    );
    process.stdout.write(`  baseline: bare find(open).sort(createdAt).limit(50) on incident_list  ${fmt(bare)}\n\n`);

    // The incident page, signed in through the console's own form.
    const signIn = await fetch(`${base}/sign-in`);
    const jar = (signIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await signIn.text())?.[1] ?? '';
    const posted = await fetch(`${base}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: TOKEN }),
    });
    const session = (posted.headers.getSetCookie?.() ?? [])
      .map((c) => c.split(';')[0])
      .filter((c) => !c?.endsWith('='))
      .join('; ');
    const pageUrl = `/incidents/${page.incidentId}`;
    const pageTimes = await timed(300, () => get(pageUrl, { cookie: session }));
    process.stdout.write(`incident page (${OPEN} open incidents):     ${fmt(pageTimes)}\n`);
    const record = await timed(300, () =>
      IncidentRecordModel.findOne({ _id: `${page.incidentId}:${page.runKey}` }).lean(),
    );
    process.stdout.write(`  baseline: one record by _id                 ${fmt(record)}\n`);
    process.stdout.write(
      `incident list page (HTML, open):       ${fmt(await timed(100, () => get('/incidents', { cookie: session })))}\n`,
    );
    server.closeAllConnections();
    server.close();
  });
}

runBench(main);
