/** PagerDuty Events API v2 over plain HTTP against the real API, worker, Temporal and FerretDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../api/incident-id';
import { eventually, startSystem, tokens, type System } from './harness';

const KEY = 'pd0e2e000000000000000000000000b1';
const BUSY_KEY = 'pd0e2e000000000000000000000000b2';
/** Each routing key has its own rate: the tests after the first use their own. */
const OTHER_KEY = 'pd0e2e000000000000000000000000b3';
const RATE = 10;

let sys: System;
beforeAll(async () => {
  sys = await startSystem('pagerduty', { VIGIL_EVENTS_RATE_PER_MINUTE: String(RATE) });
  const admin = (route: string, body: unknown) => sys.call('POST', route, { token: tokens.admin, body });
  expect(
    (await admin('/api/v1/users', { id: 'erin', name: 'Erin', email: 'erin@example.com', timezone: 'UTC' })).status,
  ).toBe(201);
  expect(
    (
      await admin('/api/v1/escalation-policies', {
        id: 'dba',
        name: 'DBA',
        loops: 0,
        levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: 'erin' }] }],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await admin('/api/v1/teams', {
        id: 'data',
        name: 'Data',
        members: [{ userId: 'erin' }],
        defaultEscalationPolicyId: 'dba',
      })
    ).status,
  ).toBe(201);
  for (const [id, key] of [
    ['database', KEY],
    ['queue', BUSY_KEY],
    ['storage', OTHER_KEY],
  ]) {
    expect(
      (
        await admin('/api/v1/services', {
          id,
          name: id,
          tier: 2,
          teamId: 'data',
          escalationPolicyId: 'dba',
          integrationKeys: [{ source: 'pagerduty', key }],
        })
      ).status,
    ).toBe(201);
  }
});
afterAll(async () => {
  await sys?.stop();
});

const enqueue = (body: unknown, route = '/v2/enqueue') => sys.call('POST', route, { token: null, body });
const trigger = (over: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'disk-db-1',
  payload: { summary: 'Disk full on db-1', source: 'db-1', severity: 'critical', custom_details: { used: '99%' } },
  ...over,
});
const incident = incidentWorkflowId('database', 'disk-db-1');
const state = async () => (await sys.call('GET', `/api/v1/incidents/${incident}`, { token: tokens.responder })).body;

describe('PagerDuty Events API v2 on the real stack', () => {
  it('trigger opens, an identical re-send changes nothing, a new occurrence counts, ack and resolve act', async () => {
    const first = await enqueue(trigger());
    expect(first).toEqual({
      status: 202,
      body: { status: 'success', message: 'Event processed', dedup_key: 'disk-db-1' },
    });
    const opened = await eventually(async () => {
      const s = await state();
      return s?.status === 'triggered' ? s : undefined;
    });
    expect(opened).toMatchObject({
      service: 'database',
      severity: 'SEV1',
      alertCount: 1,
      summary: 'Disk full on db-1',
    });

    expect((await enqueue(trigger())).status).toBe(202); // a retried POST
    const next = trigger({
      payload: {
        summary: 'Disk full on db-1',
        source: 'db-1',
        severity: 'critical',
        timestamp: new Date().toISOString(),
      },
    });
    expect((await enqueue(next)).status).toBe(202);
    const repeated = await eventually(async () => {
      const s = await state();
      return s.alertCount >= 2 ? s : undefined;
    });
    expect(repeated.alertCount).toBe(2); // the identical re-send was not counted

    const ack = await enqueue({
      routing_key: KEY,
      event_action: 'acknowledge',
      dedup_key: 'disk-db-1',
      client: 'nagios',
    });
    expect(ack.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'disk-db-1' });
    expect(await state()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'nagios' });
    expect((await enqueue({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'disk-db-1' })).status).toBe(202); // already: dropped

    expect((await enqueue({ routing_key: KEY, event_action: 'resolve', dedup_key: 'disk-db-1' })).status).toBe(202);
    expect(await state()).toMatchObject({ status: 'resolved', resolvedBy: 'events-api' });
    expect((await enqueue({ routing_key: KEY, event_action: 'resolve', dedup_key: 'disk-db-1' })).status).toBe(202); // dropped
    expect((await enqueue({ routing_key: KEY, event_action: 'resolve', dedup_key: 'never-seen' })).status).toBe(202);
  });

  it('a trigger without dedup_key gets one, and a retry of it reaches the same incident', async () => {
    const body = trigger({
      routing_key: OTHER_KEY,
      dedup_key: undefined,
      payload: { summary: 'Replication lag', source: 'db-2', severity: 'warning' },
    });
    const a = await enqueue(body);
    const b = await enqueue(body);
    expect(a.status).toBe(202);
    expect(a.body.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(b.body.dedup_key).toBe(a.body.dedup_key);
    const id = incidentWorkflowId('storage', a.body.dedup_key);
    const s = await eventually(async () => {
      const r = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
      return r.status === 200 ? r.body : undefined;
    });
    expect(s).toMatchObject({ severity: 'SEV3', alertCount: 1 });
  });

  it("answers a bad event with 400 in PagerDuty's shape, and an unknown routing key too", async () => {
    const bad = await enqueue(
      trigger({ routing_key: OTHER_KEY, payload: { summary: '', source: 'x', severity: 'urgent' } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [
        "'payload.summary' is missing or blank",
        "'payload.severity' must be one of critical, error, warning, info",
      ],
    });
    const unknown = await enqueue(trigger({ routing_key: 'z'.repeat(32) }));
    expect(unknown.status).toBe(400);
    const notJson = await sys.call('POST', '/v2/enqueue', {
      token: null,
      raw: '{"routing_key":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body.status).toBe('invalid event');
  });

  it('answers 429 with a JSON body once a routing key exceeds its rate', async () => {
    const statuses: number[] = [];
    let throttled: { status: number; body: any } | undefined;
    for (let i = 0; i <= RATE; i++) {
      const r = await enqueue(trigger({ routing_key: BUSY_KEY, dedup_key: `burst-${i}` }));
      statuses.push(r.status);
      if (r.status === 429) throttled = r;
    }
    expect(statuses.slice(0, RATE).every((s) => s === 202)).toBe(true);
    expect(throttled).toMatchObject({ status: 429, body: { status: 'throttle event' } });
    expect(
      (await enqueue({ routing_key: OTHER_KEY, event_action: 'resolve', dedup_key: 'other-key-unaffected' })).status,
    ).toBe(202);
  });

  it('records change events on the service, once per event', async () => {
    const change = {
      routing_key: OTHER_KEY,
      payload: {
        summary: 'Deployed db schema v42',
        source: 'ci',
        timestamp: '2026-03-09T14:00:00Z',
        custom_details: { build: 42 },
      },
      links: [{ href: 'https://ci/42' }],
    };
    const r = await enqueue(change, '/v2/change/enqueue');
    expect(r).toEqual({ status: 202, body: { status: 'success', message: 'Change event processed' } });
    expect((await enqueue(change, '/v2/change/enqueue')).status).toBe(202);
    const list = await sys.call('GET', '/api/v1/services/storage/changes', { token: tokens.responder });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        serviceId: 'storage',
        summary: 'Deployed db schema v42',
        source: 'ci',
        customDetails: { build: 42 },
      }),
    ]);
    expect(await sys.db.collection('change_events').countDocuments({ serviceId: 'storage' })).toBe(1);
  });
});
