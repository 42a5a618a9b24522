import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import type { FeedEvent, IncidentFeed } from '../../api/incident-list/feed';
import { createReportIndex, type ReportSource } from '../../api/reports/report-index';
import { createReports } from '../../api/reports/service';
import { acknowledge, openIncident, resolve, type IncidentState } from '../../domain/incident/incident';
import { recordPage } from '../../domain/incident/commands';
import { reportFieldsOf } from '../../domain/report/from-incident';
import { createLogger } from '../../lib/logger';
import type { IncidentReportDoc } from '../../lib/models/incident-report';
import { memoryAuditLog } from '../helpers/memory-stores';

const RESPONDER = 'responder-token-0123456789abcdef';
const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const log = createLogger({ level: 'silent', name: 'test' });

function incident(n: number, service: string, opts: { ackMin?: number; resolveMin?: number; fp?: boolean } = {}) {
  let s: IncidentState = openIncident(`incident-${service}-${n}`, 'run', {
    source: 'alertmanager',
    dedupKey: `k${n}`,
    service,
    summary: 'down',
    severity: 'SEV2',
    details: {},
    receivedAt: at(n * 60),
    startedAt: at(n * 60 - 2),
  });
  s = recordPage(s, { loop: 0, level: 0, userIds: ['alice'] }, at(n * 60));
  if (opts.ackMin !== undefined) s = acknowledge(s, { by: 'alice' }, at(n * 60 + opts.ackMin));
  if (opts.resolveMin !== undefined) {
    const classification = opts.fp ? ('false_positive' as const) : ('actionable' as const);
    s = resolve(s, { by: 'alice', classification }, at(n * 60 + opts.resolveMin));
  }
  return s;
}
const doc = (s: IncidentState): IncidentReportDoc => ({
  _id: `${s.incidentId}:run`,
  incidentId: s.incidentId,
  service: s.service,
  severity: s.severity,
  seq: s.seq,
  report: reportFieldsOf(s),
});

function fakeFeed() {
  const subscribers: Array<(e: FeedEvent) => void> = [];
  const feed = { subscribe: (fn: (e: FeedEvent) => void) => (subscribers.push(fn), () => undefined) };
  const emit = (recordId: string) =>
    subscribers.forEach((fn) =>
      fn({ id: 1, at: at(0), incidentId: 'x', changes: ['updated'], row: { recordId } } as FeedEvent),
    );
  return { feed: feed as unknown as IncidentFeed, emit };
}

function setup() {
  const stored = new Map<string, IncidentReportDoc>();
  for (const s of [
    incident(0, 'api', { ackMin: 4, resolveMin: 30 }),
    incident(1, 'api', { ackMin: 10, resolveMin: 20, fp: true }),
    incident(2, 'db'),
  ])
    stored.set(doc(s)._id, doc(s));
  const source: ReportSource = { all: async () => [...stored.values()], get: async (id) => stored.get(id) };
  const { feed, emit } = fakeFeed();
  const index = createReportIndex({ feed, feedReady: async () => undefined, log, source });
  const config = {
    users: [{ id: 'alice', timezone: 'Europe/Oslo' }],
    teams: [{ id: 'platform', members: [{ userId: 'alice' }] }],
    schedules: [],
    services: [
      { id: 'api', teamId: 'platform' },
      { id: 'db', teamId: 'storage' },
    ],
  };
  const reports = createReports(index, async () => config as never);
  const app = createApp({
    audit: memoryAuditLog(),
    verifyReplies: true,
    log,
    credentials: { ingestKeys: [], responderTokens: [{ name: 'alice', secret: RESPONDER }], adminTokens: [] },
    reports,
  } as unknown as AppDeps);
  const get = (path: string, accept = 'application/json') =>
    request(app).get(path).set('authorization', `Bearer ${RESPONDER}`).set('accept', accept);
  return { get, stored, emit };
}

const RANGE = 'from=2026-03-02&to=2026-03-03';

describe('GET /api/v1/reports/incidents', () => {
  it('answers the figures of the incidents in range, grouped by team', async () => {
    const { get } = setup();
    const res = await get(`/api/v1/reports/incidents?${RANGE}&groupBy=team`);
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ count: 3, resolved: 2, open: 1, classified: 2, falsePositiveRate: 0.5 });
    expect(res.body.totals.mttaSeconds).toMatchObject({ count: 2, mean: 420, p50: 240, p99: 600 });
    expect(res.body.totals.mttdSeconds).toMatchObject({ count: 3, mean: 120 });
    expect(res.body.groups.map((g: { key: string }) => g.key)).toEqual(['platform', 'storage']);
    expect(res.body.mtbfByService).toEqual([
      { service: 'api', incidents: 2, mtbfSeconds: { count: 1, mean: 3600, p50: 3600, p90: 3600, p99: 3600 } },
      { service: 'db', incidents: 1, mtbfSeconds: null },
    ]);
  });

  it('filters by team and serves CSV by Accept or format', async () => {
    const { get } = setup();
    const byTeam = await get(`/api/v1/reports/incidents?${RANGE}&team=storage`);
    expect(byTeam.body.totals.count).toBe(1);
    const csv = await get(`/api/v1/reports/incidents?${RANGE}&groupBy=service`, 'text/csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^group,count,open,acknowledged,resolved,mtta_mean_seconds/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['(total),3', 'api,2', 'db,1']);
    const byFormat = await get(`/api/v1/reports/incidents?${RANGE}&format=csv`);
    expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
  });

  it.each([
    ['from=2026-03-10&to=2026-03-01', 'from: must be before to'],
    ['groupBy=hour', 'groupBy: must be one of: day, week, month, service, team, severity'],
    ['from=2024-01-01&to=2026-03-01', 'to: must be at most two years after from'],
    ['from=yesterday', 'from: must be an ISO instant'],
  ])('%s: 400 naming the parameter', async (query, message) => {
    const res = await setup().get(`/api/v1/reports/incidents?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it('follows the feed: a changed report is re-read by id', async () => {
    const { get, stored, emit } = setup();
    expect((await get(`/api/v1/reports/incidents?${RANGE}`)).body.totals.resolved).toBe(2);
    const closed = doc(resolve(incident(2, 'db'), { by: 'alice', classification: 'noise' }, at(150)));
    stored.set(closed._id, closed);
    emit(closed._id);
    await new Promise((r) => setTimeout(r, 20));
    const after = (await get(`/api/v1/reports/incidents?${RANGE}`)).body.totals;
    expect(after).toMatchObject({ resolved: 3, classified: 3, noiseRate: 0.3333 });
  });
});

describe('GET /api/v1/reports/oncall', () => {
  it("counts each person's pages per week in their zone, as JSON and CSV", async () => {
    const { get } = setup();
    const res = await get(`/api/v1/reports/oncall?${RANGE}&team=platform`);
    expect(res.status).toBe(200);
    expect(res.body.people).toEqual([
      expect.objectContaining({ userId: 'alice', week: '2026-03-02', timeZone: 'Europe/Oslo', pages: 3 }),
    ]);
    expect(res.body.people[0].unacknowledgedPages).toBe(1);
    const csv = await get(`/api/v1/reports/oncall?${RANGE}&format=csv`);
    expect(csv.text.split(/\r?\n/)[1]).toMatch(/^alice,2026-03-02,Europe\/Oslo,3,/);
    const other = await get(`/api/v1/reports/oncall?${RANGE}&team=storage`);
    expect(other.body.people).toEqual([]);
  });

  it('refuses from after to, naming it', async () => {
    const res = await setup().get('/api/v1/reports/oncall?from=2026-03-03&to=2026-03-02');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('from: must be before to');
  });
});
