import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { unavailable } from '../../api/errors';
import type { IncidentGateway } from '../../api/incident-gateway';
import type { Integration } from '../../api/ingest/integrations';
import { createLogger } from '../../lib/logger';
import type { ChangeEvent } from '../../lib/models/change-event';
import type { AlertEvent } from '../../domain/incident/incident';
import { memoryAuditLog } from '../helpers/memory-stores';

const INGEST = 'ingest-key-0123456789abcdef';
const RESPONDER = 'responder-token-0123456789abcdef';
const AM_KEY = 'am000000000000000000000000000001';
const GRAFANA_KEY = 'gf000000000000000000000000000001';
const PD_KEY = 'pd000000000000000000000000000001';
const PD_SLOW_KEY = 'pd000000000000000000000000000002';

const keys: Record<string, Integration> = {
  [AM_KEY]: { serviceId: 'checkout', source: 'alertmanager' },
  [GRAFANA_KEY]: { serviceId: 'checkout', source: 'grafana', mapping: { grouping: 'alert' } },
  [PD_KEY]: { serviceId: 'database', source: 'pagerduty' },
  [PD_SLOW_KEY]: { serviceId: 'database', source: 'pagerduty' },
};

let ingested: AlertEvent[] = [];
let resolvedCalls: Array<{ dedupKey: string; fingerprints?: string[] }> = [];
let commands: Array<{ id: string; name: string; by: string }> = [];
let changes: ChangeEvent[] = [];
let temporalDown = false;
let clock = 0; // each test starts with full rate buckets

const gateway = {
  async ingest(alert: AlertEvent) {
    if (temporalDown) throw unavailable('the workflow service');
    ingested.push(alert);
    return { incidentId: `incident-${alert.service}-x` };
  },
  async sourceResolved(service: string, dedupKey: string, _source: string, fingerprints?: string[]) {
    resolvedCalls.push({ dedupKey, fingerprints });
    return { incidentId: `incident-${service}-x`, delivered: true };
  },
  async command(id: string, name: string, cmd: { by: string }) {
    commands.push({ id, name, by: cmd.by });
    return {};
  },
} as unknown as IncidentGateway;

const app = createApp({
  audit: memoryAuditLog(),
  verifyReplies: true,
  log: createLogger({ level: 'silent', name: 'test' }),
  credentials: {
    ingestKeys: [{ name: 'monitoring', secret: INGEST }],
    responderTokens: [{ name: 'alice', secret: RESPONDER }],
    adminTokens: [],
  },
  incidents: gateway,
  ingest: {
    eventsPerMinute: 3,
    now: () => clock,
    integrations: { find: async (k: string) => keys[k] },
    changes: {
      record: async (e: ChangeEvent) => (changes.some((c) => c.id === e.id) ? false : (changes.push(e), true)),
      list: async (serviceId: string) => changes.filter((c) => c.serviceId === serviceId),
    },
  },
} as unknown as AppDeps);

beforeEach(() => {
  ingested = [];
  resolvedCalls = [];
  commands = [];
  changes = [];
  temporalDown = false;
  clock += 60_000;
});

const amAlert = (fingerprint: string, status: 'firing' | 'resolved') => ({
  status,
  fingerprint,
  labels: { alertname: 'HighErrorRate', severity: 'critical' },
  annotations: { summary: 'Errors' },
});
const amGroup = (alerts = [amAlert('aaaaaaaaaaaaaaaa', 'firing')]) => ({
  version: '4',
  groupKey: '{}:{alertname="HighErrorRate"}',
  status: 'firing',
  receiver: 'vigil',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  alerts,
});
const postAm = (body: unknown, key = AM_KEY) => request(app).post(`/api/v1/integrations/alertmanager/${key}`);

describe('POST /api/v1/integrations/alertmanager/:key', () => {
  it('accepts Bearer and basic auth (key as password) and tracks alerts by fingerprint', async () => {
    const bearer = await postAm(amGroup()).set('authorization', `Bearer ${INGEST}`).send(amGroup());
    expect(bearer.status).toBe(202);
    const basic = await postAm(amGroup()).auth('alertmanager', INGEST).send(amGroup());
    expect(basic.status).toBe(202);
    expect(ingested[0]).toMatchObject({
      service: 'checkout',
      severity: 'SEV1',
      sourceAlerts: [{ fingerprint: 'aaaaaaaaaaaaaaaa', status: 'firing' }],
    });
    expect(bearer.body.incidents[0]).toMatchObject({ incidentId: 'incident-checkout-x', firing: true });
  });

  it('a group with only resolved alerts reports their fingerprints as resolved', async () => {
    const r = await postAm(null)
      .set('authorization', `Bearer ${INGEST}`)
      .send(amGroup([amAlert('aaaaaaaaaaaaaaaa', 'resolved')]));
    expect(r.status).toBe(202);
    expect(ingested).toHaveLength(0);
    expect(resolvedCalls).toEqual([{ dedupKey: '{}:{alertname="HighErrorRate"}', fingerprints: ['aaaaaaaaaaaaaaaa'] }]);
  });

  it.each([
    ['no credentials', undefined, 401],
    ['a wrong basic password', ['x', 'wrong-password-0123456789'], 401],
    ['a responder token', `Bearer ${RESPONDER}`, 403],
  ])('refuses %s in the standard error shape', async (_what, auth, status) => {
    let req = postAm(null);
    if (typeof auth === 'string') req = req.set('authorization', auth);
    else if (auth) req = req.auth(auth[0] as string, auth[1] as string);
    const r = await req.send(amGroup());
    expect(r.status).toBe(status);
    expect(r.body.error.code).toMatch(/unauthenticated|forbidden/);
  });

  it('answers bad input with 400 naming the field, never a 500', async () => {
    const bad = await postAm(null)
      .set('authorization', `Bearer ${INGEST}`)
      .send({ ...amGroup(), alerts: [{ status: 'pending', labels: {} }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([{ path: 'alerts.0.status', message: 'must be "firing" or "resolved"' }]);
    const malformed = await postAm(null)
      .set('authorization', `Bearer ${INGEST}`)
      .set('content-type', 'application/json')
      .send('{"alerts":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
  });

  it('404 for a key that is not an alertmanager key; 400 naming the service label without a key', async () => {
    const wrong = await postAm(null, PD_KEY).set('authorization', `Bearer ${INGEST}`).send(amGroup());
    expect(wrong.status).toBe(404);
    const keyless = await request(app)
      .post('/api/v1/integrations/alertmanager')
      .set('authorization', `Bearer ${INGEST}`)
      .send(amGroup());
    expect(keyless.status).toBe(400);
    expect(keyless.body.error.issues[0].path).toBe('alerts.0.labels.service');
  });

  it('503 (Alertmanager retries) when Temporal cannot record it', async () => {
    temporalDown = true;
    const r = await postAm(null).set('authorization', `Bearer ${INGEST}`).send(amGroup());
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
  });
});

describe('POST /api/v1/integrations/grafana/:key', () => {
  it("accepts Grafana's version 1 payload with its mapping (one incident per alert)", async () => {
    const body = {
      ...amGroup([amAlert('1111111111111111', 'firing'), amAlert('2222222222222222', 'firing')]),
      version: '1',
      orgId: 1,
      title: '[FIRING:2] HighErrorRate',
      state: 'alerting',
      message: '...',
    };
    const r = await request(app)
      .post(`/api/v1/integrations/grafana/${GRAFANA_KEY}`)
      .set('authorization', `Bearer ${INGEST}`)
      .send(body);
    expect(r.status).toBe(202);
    expect(ingested.map((a) => [a.source, a.dedupKey])).toEqual([
      ['grafana', '1111111111111111'],
      ['grafana', '2222222222222222'],
    ]);
  });
});

const pd = (body: unknown) =>
  request(app)
    .post('/v2/enqueue')
    .send(body as object);
const trigger = (over: Record<string, unknown> = {}) => ({
  routing_key: PD_KEY,
  event_action: 'trigger',
  dedup_key: 'disk-db-1',
  payload: { summary: 'Disk full', source: 'db-1', severity: 'critical' },
  ...over,
});

describe('PagerDuty Events API v2', () => {
  it('trigger answers 202 with the dedup key, generating one when absent', async () => {
    const r = await pd(trigger());
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'disk-db-1' });
    const gen = await pd(trigger({ dedup_key: undefined, routing_key: PD_SLOW_KEY }));
    expect(gen.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(ingested.map((a) => [a.service, a.severity])).toEqual([
      ['database', 'SEV1'],
      ['database', 'SEV1'],
    ]);
  });

  it("acknowledge / resolve act on the key's incident and answer 202", async () => {
    for (const action of ['acknowledge', 'resolve']) {
      const r = await pd({ routing_key: PD_KEY, event_action: action, dedup_key: 'disk-db-1', client: 'Alertmanager' });
      expect(r.status).toBe(202);
    }
    expect(commands.map((c) => [c.name, c.by])).toEqual([
      ['acknowledge', 'Alertmanager'],
      ['resolve', 'Alertmanager'],
    ]);
  });

  it('answers invalid events as PagerDuty does, never a 500', async () => {
    const r = await pd(trigger({ payload: { summary: 'x', source: 'y', severity: 'high' } }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ["'payload.severity' must be one of critical, error, warning, info"],
    });
    const malformed = await request(app).post('/v2/enqueue').set('content-type', 'text/plain').send('{not json');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    const unknownKey = await pd(trigger({ routing_key: 'x'.repeat(32) }));
    expect(unknownKey.body.errors).toEqual(["'routing_key' does not match any integration key"]);
  });

  it('413 with a PagerDuty-shaped body over 512 KB', async () => {
    const r = await pd(
      trigger({
        payload: { summary: 'x', source: 'y', severity: 'info', custom_details: { blob: 'x'.repeat(600 * 1024) } },
      }),
    );
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ status: 'invalid event', errors: [expect.stringContaining('exceeds the limit')] });
  });

  it('429 with a JSON body and Retry-After once a routing key exceeds its rate; other keys unaffected', async () => {
    const key = 'pd00000000000000000000000000000r';
    keys[key] = { serviceId: 'database', source: 'pagerduty' };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await pd(trigger({ routing_key: key }))).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await pd(trigger({ routing_key: key }));
    expect(limited.body).toMatchObject({ status: 'throttle event', message: expect.stringContaining('retry later') });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await pd(trigger())).status).toBe(202);
  });

  it('stores change events once and lists them on the service', async () => {
    const change = {
      routing_key: PD_KEY,
      payload: { summary: 'Deployed v42', source: 'ci', timestamp: '2026-03-09T14:00:00Z' },
    };
    const r = await request(app).post('/v2/change/enqueue').send(change);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'success', message: 'Change event processed' });
    await request(app).post('/v2/change/enqueue').send(change);
    const list = await request(app)
      .get('/api/v1/services/database/changes')
      .set('authorization', `Bearer ${RESPONDER}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ serviceId: 'database', summary: 'Deployed v42', source: 'ci' });
  });
});
