/**
 * Reports and incident counters on the real stack: three incidents driven through
 * acknowledgement and resolution (one classified false_positive, one whose alert says when
 * it started, one that escalates to level 2), then the worker's counters and the report
 * figures (JSON and CSV) checked against what was done, and bad parameters refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let sys: System;
let hooks: HttpReceiver;
const started = Date.now() - 60_000;
const range = () => `from=${new Date(started).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;

/** The sum of the samples `name{labels...}` in exposition text. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
const scrapeWorker = async () =>
  (await fetch(sys.metricsUrls.worker, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
/** Until the incident's timeline shows the page of `level` (0-based). */
const pagedAt = (id: string, level: number) =>
  eventually(async () => {
    const s = (await responder('GET', `/api/v1/incidents/${id}`)).body;
    return s.timeline.some((e: any) => e.type === 'escalated' && e.data?.level === level) ? s : undefined;
  });
const responder = (method: string, route: string, body?: unknown) =>
  sys.call(method, route, { token: tokens.responder, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  hooks = await startHttpReceiver();
  sys = await startSystem('reports', { VIGIL_MINUTE_MS: '1000', VIGIL_METRICS_TOKEN: METRICS_TOKEN });
  await seedOnePersonService(sys, {
    serviceId: 'checkout',
    contactMethods: [{ id: 'hook', type: 'webhook', address: `${hooks.base}/page` }],
  });
  // A second service whose policy pages level 2 one (scaled) minute after level 1.
  const level = { delayMinutes: 1, targets: [{ type: 'user', id: 'ola' }] };
  const policy = { id: 'p2', name: 'P2', loops: 0, levels: [level, level] };
  expect((await sys.call('POST', '/api/v1/escalation-policies', { body: policy })).status).toBe(201);
  const service = { id: 'search', name: 'search', tier: 2, teamId: 'ops', escalationPolicyId: 'p2' };
  expect((await sys.call('POST', '/api/v1/services', { body: service })).status).toBe(201);
});

afterAll(async () => {
  await sys?.stop();
  await hooks?.close();
});

describe('reports and incident counters on the real stack', () => {
  it('counts and reports what was done to three incidents', async () => {
    const alertStart = new Date(Date.now() - 90_000).toISOString();
    const first = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: {
        source: 'prometheus',
        severity: 'SEV1',
        service: 'checkout',
        summary: 'Flaky probe',
        startedAt: alertStart,
      },
    });
    expect(first.status).toBe(202);
    const a = first.body.incidentId as string;
    const b = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'payments' });
    const c = await fireSev1(sys, { service: 'search', summary: 'Search slow', dedupKey: 'slow' });
    expect((await responder('GET', `/api/v1/incidents/${a}`)).body.alertStartedAt).toBe(alertStart);

    await pagedAt(a, 0);
    await pagedAt(b, 0);
    expect((await responder('POST', `/api/v1/incidents/${a}/acknowledge`)).status).toBe(200);
    const fp = await responder('POST', `/api/v1/incidents/${a}/resolve`, { classification: 'false_positive' });
    expect(fp.body).toMatchObject({ status: 'resolved', classification: 'false_positive' });
    expect((await responder('POST', `/api/v1/incidents/${b}/acknowledge`)).status).toBe(200);
    expect((await responder('POST', `/api/v1/incidents/${b}/resolve`, { classification: 'actionable' })).status).toBe(
      200,
    );
    // The search incident waits for its level-2 page, then is answered unclassified.
    await pagedAt(c, 1);
    expect((await responder('POST', `/api/v1/incidents/${c}/acknowledge`)).status).toBe(200);
    expect((await responder('POST', `/api/v1/incidents/${c}/resolve`)).status).toBe(200);

    const text = await eventually(async () => {
      const t = await scrapeWorker();
      return total(t, 'vigil_incidents_resolved_total') === 3 ? t : undefined;
    });
    expect(total(text, 'vigil_incidents_opened_total', { service: 'checkout', severity: 'SEV1' })).toBe(2);
    expect(total(text, 'vigil_incidents_opened_total', { service: 'search', severity: 'SEV1' })).toBe(1);
    expect(total(text, 'vigil_incidents_acknowledged_total')).toBe(3);
    for (const classification of ['false_positive', 'actionable', 'none'])
      expect(total(text, 'vigil_incidents_resolved_total', { classification }), classification).toBe(1);
    expect(total(text, 'vigil_escalation_timer_lateness_seconds_count')).toBe(1);
    expect(total(text, 'vigil_escalation_timer_lateness_seconds_sum')).toBeLessThan(30);

    const report = await eventually(async () => {
      const r = await responder('GET', `/api/v1/reports/incidents?${range()}&groupBy=service`);
      return r.status === 200 && r.body.totals.resolved === 3 ? r.body : undefined;
    });
    expect(report.totals).toMatchObject({
      count: 3,
      open: 0,
      acknowledged: 3,
      classified: 2,
      unclassified: 1,
      falsePositiveRate: 0.5,
      escalated: 1,
      escalationRate: 0.3333,
    });
    expect(report.totals.mttdSeconds.count).toBe(1);
    expect(report.totals.mttdSeconds.mean).toBeGreaterThanOrEqual(89);
    expect(report.totals.mttdSeconds.mean).toBeLessThan(150);
    expect(report.totals.mttrSeconds.count).toBe(3);
    expect(report.groups.map((g: any) => [g.key, g.figures.count])).toEqual([
      ['checkout', 2],
      ['search', 1],
    ]);
    expect(report.mtbfByService.find((m: any) => m.service === 'checkout').mtbfSeconds.count).toBe(1);

    const csv = await sys.call('GET', `/api/v1/reports/incidents?${range()}&groupBy=team`, {
      token: tokens.responder,
      headers: { accept: 'text/csv' },
    });
    expect(csv.status).toBe(200);
    const lines = String(csv.body).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^group,count,open,acknowledged,resolved,/);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['(total),3,0,3,3', 'ops,3,0,3,3']);

    const oncall = await responder('GET', `/api/v1/reports/oncall?${range()}&team=ops`);
    expect(oncall.status).toBe(200);
    const pages = oncall.body.people.reduce((n: number, p: any) => n + p.pages, 0);
    expect(pages).toBe(4); // checkout twice, search at levels 1 and 2
    expect(oncall.body.people.every((p: any) => p.userId === 'ola' && p.unacknowledgedPages === 0)).toBe(true);
  });

  it.each([
    ['/api/v1/reports/incidents?from=2026-03-10&to=2026-03-01', 'from: must be before to'],
    ['/api/v1/reports/incidents?groupBy=hour', 'groupBy: must be one of'],
    ['/api/v1/reports/incidents?from=2020-01-01&to=2026-01-01', 'to: must be at most two years after from'],
    ['/api/v1/reports/oncall?from=nope', 'from: must be an ISO instant'],
  ])('GET %s: 400 naming the parameter', async (route, message) => {
    const res = await responder('GET', route);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it('refuses a bad alert start and a bad classification by field', async () => {
    const alert = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { source: 'p', severity: 'SEV1', service: 'checkout', summary: 'x', startedAt: 'yesterday' },
    });
    expect(alert.status).toBe(400);
    expect(JSON.stringify(alert.body)).toContain('startedAt');
    const id = await fireSev1(sys, { service: 'checkout', summary: 'Another', dedupKey: 'another' });
    const bad = await responder('POST', `/api/v1/incidents/${id}/resolve`, { classification: 'bogus' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('classification');
    expect((await responder('POST', `/api/v1/incidents/${id}/resolve`)).status).toBe(200);
  });
});
