import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, tokens, type System } from './harness';

let sys: System;
beforeAll(async () => {
  sys = await startSystem('lifecycle');
});
afterAll(async () => {
  await sys?.stop();
});

const alert = {
  source: 'prometheus',
  dedupKey: 'HighErrorRate/checkout',
  summary: 'Checkout error rate above 5%',
  severity: 'critical',
  service: 'checkout',
  details: { errorRate: 0.07 },
};

describe('an incident from first alert to resolution, on the real stack', () => {
  it('groups a repeated alert, acknowledges, resolves once, and projects to MongoDB', async () => {
    const first = await sys.call('POST', '/api/v1/alerts', { token: tokens.ingest, body: alert });
    expect(first.status).toBe(202);
    const id: string = first.body.incidentId;

    const second = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { ...alert, details: { errorRate: 0.09 } },
    });
    expect(second.status).toBe(202);
    expect(second.body.incidentId).toBe(id);

    const state = await eventually(async () => {
      const r = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
      return r.status === 200 && r.body.alertCount === 2 ? r.body : undefined;
    });
    expect(state).toMatchObject({
      incidentId: id,
      status: 'triggered',
      severity: 'SEV1',
      service: 'checkout',
      summary: alert.summary,
      details: { errorRate: 0.09 },
    });

    const ack = await sys.call('POST', `/api/v1/incidents/${id}/acknowledge`, {
      token: tokens.responder,
      body: { note: 'looking' },
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'system:alice' });

    const ackAgain = await sys.call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: tokens.responder });
    expect(ackAgain.status).toBe(409);
    expect(ackAgain.body.error.message).toContain('already acknowledged by system:alice');

    const resolved = await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    const core = ['triggered', 'alert', 'acknowledged', 'resolved'];
    expect(resolved.body.timeline.map((e: { type: string }) => e.type).filter((t: string) => core.includes(t))).toEqual(
      core,
    );
    const numbered = await eventually(
      async () => (await sys.call('GET', `/api/v1/incidents/${id}`)).body.number as number | undefined,
    );
    expect(numbered).toBeGreaterThan(0);

    const again = await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/resolved|closed/);

    const record = await eventually(async () => {
      const doc = await sys.db.collection('incidents').findOne({ incidentId: id, status: 'resolved' });
      return doc ?? undefined;
    });
    expect(record).toMatchObject({
      service: 'checkout',
      severity: 'SEV1',
      alertCount: 2,
      acknowledgedBy: 'system:alice',
      resolvedBy: 'system:alice',
    });
    expect(record.timeline.length).toBeGreaterThanOrEqual(4);

    const after = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('resolved');
  });

  it('opens a new incident when the key fires after resolution', async () => {
    const body = { ...alert, dedupKey: 'reopen-me' };
    const first = await sys.call('POST', '/api/v1/alerts', { token: tokens.ingest, body });
    const id: string = first.body.incidentId;
    await eventually(async () =>
      (await sys.call('GET', `/api/v1/incidents/${id}`)).status === 200 ? true : undefined,
    );
    const resolved = await sys.call('POST', `/api/v1/incidents/${id}/resolve`);
    expect(resolved.status).toBe(200);
    const runKey = resolved.body.runKey;

    const again = await sys.call('POST', '/api/v1/alerts', { token: tokens.ingest, body });
    expect(again.status).toBe(202);
    expect(again.body.incidentId).toBe(id);
    const reopened = await eventually(async () => {
      const r = await sys.call('GET', `/api/v1/incidents/${id}`);
      return r.status === 200 && r.body.runKey !== runKey ? r.body : undefined;
    });
    expect(reopened).toMatchObject({ status: 'triggered', alertCount: 1 });
  });

  it('takes escalate, snooze, severity, reassign and notes, refusing with reasons', async () => {
    const opened = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { ...alert, dedupKey: 'commands' },
    });
    const id: string = opened.body.incidentId;
    await eventually(async () =>
      (await sys.call('GET', `/api/v1/incidents/${id}`)).status === 200 ? true : undefined,
    );
    const url = (cmd: string) => `/api/v1/incidents/${id}/${cmd}`;

    const escalated = await sys.call('POST', url('escalate'), {
      token: tokens.responder,
      body: { note: 'need db help' },
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body.timeline.at(-1)).toMatchObject({ type: 'escalated', by: 'system:alice' });

    const badSnooze = await sys.call('POST', url('snooze'), { token: tokens.responder, body: { minutes: 0 } });
    expect(badSnooze.status).toBe(400);
    expect(badSnooze.body.error.issues[0].path).toBe('minutes');
    const snoozed = await sys.call('POST', url('snooze'), { token: tokens.responder, body: { minutes: 30 } });
    expect(snoozed.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'system:alice' });
    expect(Date.parse(snoozed.body.snoozedUntil) - Date.now()).toBeGreaterThan(29 * 60_000);

    const sev = await sys.call('POST', url('severity'), { token: tokens.responder, body: { severity: 'P3' } });
    expect(sev.body.severity).toBe('SEV4');
    const same = await sys.call('POST', url('severity'), { token: tokens.responder, body: { severity: 'low' } });
    expect(same.status).toBe(409);
    expect(same.body.error.message).toBe('severity is already SEV4');

    const unknown = await sys.call('POST', url('reassign'), {
      token: tokens.responder,
      body: { toUserIds: ['nobody'] },
    });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.message).toBe('unknown user "nobody"');
    const neither = await sys.call('POST', url('reassign'), { token: tokens.responder, body: {} });
    expect(neither.status).toBe(400);

    expect(
      (await sys.call('POST', url('notes'), { token: tokens.responder, body: { text: 'rolled back deploy 42' } }))
        .status,
    ).toBe(202);
    const gone = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { ...alert, dedupKey: 'commands', status: 'resolved' },
    });
    expect(gone.body).toMatchObject({ status: 'accepted', incidentId: id });
    const state = await eventually(async () => {
      const r = await sys.call('GET', `/api/v1/incidents/${id}`);
      const types = r.body.timeline.map((e: { type: string }) => e.type);
      return types.includes('note') && types.includes('alert_resolved') ? r.body : undefined;
    });
    expect(
      state.timeline.find((e: { type: string; by?: string }) => e.type === 'note' && e.by === 'system:alice').message,
    ).toBe('rolled back deploy 42');
    expect(state.status).toBe('acknowledged'); // the service does not auto-resolve

    const nothingOpen = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { ...alert, dedupKey: 'never-fired', status: 'resolved' },
    });
    expect(nothingOpen.body.status).toBe('ignored');
  });

  it('answers 404 for an unknown incident and 400 for a malformed id', async () => {
    const unknown = await sys.call('GET', '/api/v1/incidents/incident-checkout-000000000000000000000000');
    expect(unknown.status).toBe(404);
    const malformed = await sys.call('GET', '/api/v1/incidents/nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.issues[0].path).toBe('id');
  });

  it('reports readiness of Temporal and MongoDB', async () => {
    const ready = await sys.call('GET', '/readyz', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ temporal: { ok: true }, mongodb: { ok: true } });
  });
});

describe('bad input against the real API', () => {
  const post = (opts: Parameters<System['call']>[2]) =>
    sys.call('POST', '/api/v1/alerts', { token: tokens.ingest, ...opts });

  it('refuses malformed JSON with 400', async () => {
    const r = await post({ raw: '{"source": "x",' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_json');
  });

  it('names every missing field', async () => {
    const r = await post({ body: { source: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['service', 'severity', 'summary']);
  });

  it('names wrong types and unknown severities', async () => {
    const r = await post({ body: { ...alert, summary: 42, severity: 'urgent', details: 'x' } });
    expect(r.status).toBe(400);
    const byPath = Object.fromEntries(
      r.body.error.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual(['details', 'severity', 'summary']);
    expect(byPath.severity).toContain('unknown severity "urgent"');
  });

  it('refuses a body over 512 KB with 413', async () => {
    const r = await post({ body: { ...alert, details: { blob: 'x'.repeat(600 * 1024) } } });
    expect(r.status).toBe(413);
    expect(r.body.error.message).toContain('exceeds the limit');
  });

  it('refuses a JSON array or a non-JSON content type', async () => {
    expect((await post({ raw: '[1,2]' })).status).toBe(400);
    const text = await post({ raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(text.body.error.message).toContain('JSON object');
  });

  it('authenticates every route but health', async () => {
    expect((await post({ token: null, body: alert })).status).toBe(401);
    expect((await post({ token: 'wrong-token-0123456789', body: alert })).status).toBe(401);
    expect((await post({ token: tokens.responder, body: alert })).status).toBe(403);
    expect(
      (await sys.call('GET', '/api/v1/incidents/incident-checkout-000000000000000000000000', { token: tokens.ingest }))
        .status,
    ).toBe(403);
    expect((await sys.call('GET', '/healthz', { token: null })).status).toBe(200);
  });
});
