/**
 * The scrape endpoints of the real API and worker: what an operator sees from outside after
 * alerts arrive and pages go out. One person with two Teams contacts (one receiver accepts,
 * one refuses with 400); a bad alert and a good one; then the counters, the page latency
 * histogram, the open-incident gauge (from the read model) and the Temporal SDK's metrics
 * relayed by the worker, all behind the metrics token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let sys: System;
let teams: HttpReceiver;

/** The value of the sample `name{labels}` in exposition text, undefined when absent. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const scrape = async (url: string, token: string | null = METRICS_TOKEN) => {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
};

beforeAll(async () => {
  teams = await startHttpReceiver((req) =>
    req.path.endsWith('/refuses') ? { status: 400, body: 'bad' } : { status: 200, body: '1' },
  );
  sys = await startSystem('metrics', { VIGIL_MINUTE_MS: '1000', VIGIL_METRICS_TOKEN: METRICS_TOKEN });
  await seedOnePersonService(sys, {
    serviceId: 'checkout',
    contactMethods: [
      { id: 'card', type: 'teams', address: `${teams.base}/webhookb2/accepts` },
      { id: 'card-refused', type: 'teams', address: `${teams.base}/webhookb2/refuses` },
    ],
  });
});

afterAll(async () => {
  await sys?.stop();
  await teams?.close();
});

describe('/metrics on the real API and worker', () => {
  it('asks for the metrics token', async () => {
    expect((await scrape(sys.metricsUrls.api, null)).status).toBe(401);
    expect((await scrape(sys.metricsUrls.worker, 'wrong-token-0123456789abcdef')).status).toBe(401);
  });

  it('counts alerts, pages and failures, and shows the open incident', async () => {
    const bad = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { source: 'prometheus', service: 'checkout', severity: 'urgnet', summary: 'x' },
    });
    expect(bad.status).toBe(400);
    const id = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'payments' });
    try {
      // The gauge's counts are read when the API starts and again once 15 s old: scrape until
      // the read model's incident is counted.
      await eventually(async () => (await sys.db.collection('incidents').findOne({ incidentId: id })) ?? undefined);
      const api = await eventually(async () => {
        const a = await scrape(sys.metricsUrls.api);
        return valueOf(a.text, 'vigil_open_incidents', { status: 'triggered' }) === 1 ? a : undefined;
      }, 40_000);
      expect(api.status).toBe(200);
      expect(valueOf(api.text, 'vigil_alerts_received_total', { source: 'generic', outcome: 'accepted' })).toBe(1);
      expect(valueOf(api.text, 'vigil_alerts_received_total', { source: 'generic', outcome: 'invalid' })).toBe(1);
      expect(valueOf(api.text, 'vigil_open_incidents', { status: 'triggered' })).toBe(1);
      expect(valueOf(api.text, 'vigil_open_incidents', { status: 'acknowledged' })).toBe(0);
      expect(valueOf(api.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

      const page = { channel: 'teams', kind: 'page' };
      const worker = await eventually(async () => {
        const w = await scrape(sys.metricsUrls.worker);
        const failed = valueOf(w.text, 'vigil_notification_failures_total', { channel: 'teams', reason: 'http_4xx' });
        return valueOf(w.text, 'vigil_notifications_delivered_total', page) === 1 && failed === 1 ? w : undefined;
      });
      expect(valueOf(worker.text, 'vigil_notification_delivery_seconds_count', page)).toBe(1);
      expect(valueOf(worker.text, 'vigil_notification_delivery_seconds_bucket', { ...page, le: '+Inf' })).toBe(1);
      expect(teams.received.filter((r) => r.path.endsWith('/accepts'))).toHaveLength(1);
      // The Temporal SDK's own metrics, relayed within the same scrape.
      expect(valueOf(worker.text, 'vigil_temporal_sdk_metrics_up')).toBe(1);
      expect(worker.text).toContain('# TYPE temporal_workflow_task_schedule_to_start_latency_seconds histogram');
      expect(valueOf(worker.text, 'temporal_num_pollers', { task_queue: sys.taskQueue })).toBeGreaterThan(0);
    } finally {
      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }
  });
});
