/**
 * What the instrumented code counts: notification sends (through the real notify
 * activities), runbook step attempts (through the real step activities), and ingest
 * requests (through the real app).
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createNotifyActivities, type NotificationChannel } from '../../activities/notify';
import { failureReason, notifyMeter } from '../../activities/notify/metrics';
import { createRunbookActivities } from '../../activities/runbook';
import { createApp, type AppDeps } from '../../api/app';
import { unavailable } from '../../api/errors';
import type { IncidentGateway } from '../../api/incident-gateway';
import { ingestOutcome, ingestSource } from '../../api/ingest/metrics';
import { createApiMetrics, createWorkerMetrics } from '../../lib/metrics';
import { createLogger } from '../../lib/logger';
import type { Notification } from '../../domain/incident/notification';
import { rejected, transient } from '../../activities/notify/channel';

const log = createLogger({ level: 'silent', name: 'test' });

/** The value of one sample of a registry's metric, 0 when absent. */
async function sample(
  registry: { getSingleMetric(name: string): unknown },
  name: string,
  labels: Record<string, string>,
  suffix = '',
): Promise<number> {
  const metric = registry.getSingleMetric(name) as { get(): Promise<{ values: Array<any> }> };
  const { values } = await metric.get();
  const hit = values.find(
    (v) =>
      (suffix === '' || v.metricName === `${name}${suffix}`) &&
      Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  );
  return hit?.value ?? 0;
}

describe('failure reasons (bounded label values)', () => {
  it.each([
    [rejected('bad', { reason: 'invalid_address' }), 'invalid_address'],
    [transient('slow', { details: { status: 503 } }), 'http_5xx'],
    [transient('busy', { details: { status: 429 } }), 'http_429'],
    [rejected('no', { status: 404 }), 'http_4xx'],
    [rejected('slack', { status: 200, slackError: 'channel_not_found' }), 'provider_error'],
    [rejected('smtp', { smtpCode: 550 }), 'smtp_5xx'],
    [transient('down', { details: { code: 'ECONNREFUSED' } }), 'network'],
    [transient('webhook channel timed out'), 'timeout'],
    [rejected('plain'), 'rejected'],
    [transient('plain'), 'transient'],
    [rejected('odd', { reason: 'Not A Slug!' }), 'rejected'],
    [new CancelledFailure('cancelled'), 'cancelled'],
    [new Error('boom'), 'error'],
  ])('%s -> %s', (err, reason) => {
    expect(failureReason(err)).toBe(reason);
  });
});

describe('notification metrics', () => {
  const n: Notification = {
    idempotencyKey: 'k1',
    kind: 'page',
    incidentId: 'incident-db-1',
    service: 'db',
    severity: 'SEV1',
    status: 'triggered',
    summary: 'down',
    recipient: { userId: 'alice', contactMethod: { id: 'alice-sms', type: 'sms', address: '+15551234567' } },
    occurredAt: '2026-03-02T10:00:00.000Z',
  };
  const channel = (fail?: Error): NotificationChannel => ({
    type: 'sms',
    async send(x) {
      if (fail) throw fail;
      return { channel: 'sms', idempotencyKey: x.idempotencyKey, deliveredAt: x.occurredAt };
    },
  });

  it('counts a delivery and observes the time since the incident decided to notify', async () => {
    const m = createWorkerMetrics();
    const now = () => Date.parse('2026-03-02T10:00:04.000Z');
    const { sendNotification } = createNotifyActivities({
      channels: { sms: channel() },
      log,
      metrics: notifyMeter(m, now),
    });
    await sendNotification({ notification: n });
    const labels = { channel: 'sms', kind: 'page' };
    expect(await sample(m.registry, 'vigil_notifications_delivered_total', labels)).toBe(1);
    expect(await sample(m.registry, 'vigil_notification_delivery_seconds', labels, '_sum')).toBe(4);
    expect(await sample(m.registry, 'vigil_notification_delivery_seconds', { ...labels, le: '5' }, '_bucket')).toBe(1);
    expect(await sample(m.registry, 'vigil_notification_delivery_seconds', { ...labels, le: '2' }, '_bucket')).toBe(0);
  });

  it('counts failed attempts by reason, but not cancellations or in-place updates', async () => {
    const m = createWorkerMetrics();
    const failing = (err: Error) =>
      createNotifyActivities({ channels: { sms: channel(err) }, log, metrics: notifyMeter(m) });
    await expect(
      failing(rejected('bad', { reason: 'invalid_address' })).sendNotification({ notification: n }),
    ).rejects.toThrow();
    await expect(failing(new CancelledFailure('acked')).sendNotification({ notification: n })).rejects.toThrow();
    await expect(
      failing(new Error('x')).updateNotification({ notification: n, messageRef: { channel: 'c', ts: '1' } }),
    ).rejects.toThrow();
    const failures = await (m.registry.getSingleMetric('vigil_notification_failures_total') as any).get();
    expect(failures.values).toEqual([{ labels: { channel: 'sms', reason: 'invalid_address' }, value: 1 }]);
    expect(await sample(m.registry, 'vigil_notifications_delivered_total', { channel: 'sms' })).toBe(0);
  });
});

describe('runbook step metrics', () => {
  it('counts each step attempt by kind and outcome', async () => {
    const m = createWorkerMetrics();
    const activities = createRunbookActivities({
      log,
      runbookDir: '/nonexistent',
      allowlist: { true: '/bin/true', false: '/bin/false' },
      outputLimit: 1024,
      metrics: m,
    });
    const run = (program: string) =>
      new MockActivityEnvironment({ attempt: 1 }).run(() =>
        activities.runRunbookCommand({
          action: { kind: 'command', program, args: [], expectExitCodes: [0] },
          incidentId: 'i',
          runId: 'r',
          stepId: 's',
        }),
      );
    await run('true');
    await expect(run('false')).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(run('not-allowed')).rejects.toBeInstanceOf(ApplicationFailure);
    const attempts = { kind: 'command' };
    expect(await sample(m.registry, 'vigil_runbook_step_attempts_total', { ...attempts, outcome: 'succeeded' })).toBe(
      1,
    );
    expect(await sample(m.registry, 'vigil_runbook_step_attempts_total', { ...attempts, outcome: 'failed' })).toBe(2);
    expect(
      await sample(m.registry, 'vigil_runbook_step_duration_seconds', { ...attempts, outcome: 'failed' }, '_count'),
    ).toBe(2);
  });
});

describe('ingest metrics', () => {
  it.each([
    ['/v2/enqueue', 'pagerduty'],
    ['/v2/change/enqueue', 'pagerduty_change'],
    ['/api/v1/alerts', 'generic'],
    ['/api/v1/integrations/alertmanager', 'alertmanager'],
    ['/api/v1/integrations/alertmanager/am000000000000000000000000000001', 'alertmanager'],
    ['/api/v1/integrations/grafana/key', 'grafana'],
    ['/api/v1/incidents', undefined],
    ['/api/v1/integrations/alertmanager/a/b', undefined],
  ])('%s is source %s', (path, source) => {
    expect(ingestSource(path)).toBe(source);
  });

  it.each([
    [202, 'accepted'],
    [400, 'invalid'],
    [413, 'invalid'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'unknown_integration'],
    [429, 'rate_limited'],
    [503, 'unavailable'],
    [500, 'error'],
  ])('status %d is outcome %s', (status, outcome) => {
    expect(ingestOutcome(status)).toBe(outcome);
  });

  const INGEST = 'ingest-key-0123456789abcdef';
  let temporalDown = false;
  const metrics = createApiMetrics();
  const gateway = {
    async ingest(alert: { service: string }) {
      if (temporalDown) throw unavailable('the workflow service');
      return { incidentId: `incident-${alert.service}-x` };
    },
  } as unknown as IncidentGateway;
  const app = createApp({
    log,
    credentials: { ingestKeys: [{ name: 'monitoring', secret: INGEST }], responderTokens: [], adminTokens: [] },
    incidents: gateway,
    ingest: { integrations: { find: async () => undefined } },
    metrics,
  } as unknown as AppDeps);
  beforeEach(() => {
    temporalDown = false;
  });

  it('counts each request to an ingest route by the outcome it was answered with', async () => {
    const alert = { source: 'curl', service: 'db', severity: 'SEV2', summary: 'disk' };
    const post = (body: unknown, token = INGEST) =>
      request(app)
        .post('/api/v1/alerts')
        .set('authorization', `Bearer ${token}`)
        .send(body as object);
    expect((await post(alert)).status).toBe(202);
    expect((await post(alert)).status).toBe(202);
    expect((await post({ ...alert, severity: 'urgnet' })).status).toBe(400);
    expect((await post(alert, 'wrong-key-0123456789abcdef')).status).toBe(401);
    temporalDown = true;
    expect((await post(alert)).status).toBe(503);
    await request(app).get('/api/v1/incidents').set('authorization', `Bearer ${INGEST}`);
    const counted = await (metrics.registry.getSingleMetric('vigil_alerts_received_total') as any).get();
    expect(counted.values.map((v: any) => [v.labels.source, v.labels.outcome, v.value])).toEqual([
      ['generic', 'accepted', 2],
      ['generic', 'invalid', 1],
      ['generic', 'unauthorized', 1],
      ['generic', 'unavailable', 1],
    ]);
  });
});
