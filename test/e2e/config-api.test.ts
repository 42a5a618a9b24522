import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, tokens, type System } from './harness';

let sys: System;
beforeAll(async () => {
  sys = await startSystem('config-api');
});
afterAll(async () => {
  await sys?.stop();
});

const user = (id: string, name: string) => ({
  id,
  name,
  email: `${id}@example.com`,
  timezone: 'America/New_York',
  contactMethods: [{ id: 'mail', type: 'email', address: `${id}@example.com` }],
  notificationRules: [{ contactMethodId: 'mail', delayMinutes: 0 }],
});
const schedule = {
  id: 'primary',
  name: 'Primary',
  timeZone: 'America/New_York',
  layers: [{ id: 'weekly', start: '2026-03-02T09:00', rotation: { type: 'weekly' }, participants: ['alice', 'bob'] }],
  overrides: [
    { start: '2026-03-12T00:00:00-04:00', end: '2026-03-13T00:00:00-04:00', userId: 'carol', replacesUserId: 'bob' },
  ],
};
const policy = {
  id: 'platform',
  name: 'Platform',
  loops: 1,
  levels: [
    { delayMinutes: 5, targets: [{ type: 'schedule', id: 'primary' }] },
    { delayMinutes: 15, targets: [{ type: 'user', id: 'carol' }] },
  ],
};
const team = {
  id: 'platform-team',
  name: 'Platform',
  members: [{ userId: 'alice' }, { userId: 'bob' }],
  defaultEscalationPolicyId: 'platform',
};
const service = { id: 'checkout', name: 'Checkout', tier: 1, teamId: 'platform-team', escalationPolicyId: 'platform' };

const admin = (method: string, route: string, body?: unknown) => sys.call(method, route, { token: tokens.admin, body });

describe('configuration CRUD on the real API and FerretDB', () => {
  it('creates a whole paging chain and answers who is on call', async () => {
    for (const u of [user('alice', 'Alice'), user('bob', 'Bob'), user('carol', 'Carol')]) {
      expect((await admin('POST', '/api/v1/users', u)).status).toBe(201);
    }
    expect((await admin('POST', '/api/v1/schedules', schedule)).status).toBe(201);
    expect((await admin('POST', '/api/v1/escalation-policies', policy)).status).toBe(201);
    expect((await admin('POST', '/api/v1/teams', team)).status).toBe(201);
    expect((await admin('POST', '/api/v1/services', service)).status).toBe(201);

    // Week of 2026-03-09 is bob's (second week); DST starts 2026-03-08 and the 09:00 handoff holds.
    const before = await sys.call('GET', '/api/v1/schedules/primary/on-call?at=2026-03-09T12:59:00Z', {
      token: tokens.responder,
    });
    expect(before.body.userIds).toEqual(['alice']);
    const after = await sys.call('GET', '/api/v1/schedules/primary/on-call?at=2026-03-09T13:00:00Z', {
      token: tokens.responder,
    });
    expect(after.body.userIds).toEqual(['bob']);
    const covered = await sys.call('GET', '/api/v1/schedules/primary/on-call?at=2026-03-12T12:00:00Z');
    expect(covered.body).toMatchObject({
      userIds: ['carol'],
      overrideApplied: true,
      users: [{ id: 'carol', name: 'Carol' }],
    });

    const shifts = await sys.call(
      'GET',
      '/api/v1/schedules/primary/shifts?from=2026-03-09T00:00:00Z&to=2026-03-16T00:00:00Z',
    );
    expect(shifts.status).toBe(200);
    expect(shifts.body.shifts.map((s: { userId: string }) => s.userId)).toEqual(['alice', 'bob', 'carol', 'bob']);

    const oncall = await sys.call('GET', '/api/v1/services/checkout/on-call?at=2026-03-12T12:00:00Z', {
      token: tokens.responder,
    });
    expect(oncall.status).toBe(200);
    expect(oncall.body).toMatchObject({
      inMaintenance: false,
      escalationPolicy: { id: 'platform', loops: 1 },
      levels: [
        { level: 1, delayMinutes: 5, users: [{ id: 'carol' }] },
        { level: 2, delayMinutes: 15, users: [{ id: 'carol' }] },
      ],
    });
  });

  it('reads, replaces and refuses conflicting or dangling writes', async () => {
    const got = await sys.call('GET', '/api/v1/services/checkout', { token: tokens.responder });
    expect(got.body).toMatchObject({ data: { id: 'checkout', tier: 1 }, meta: { managedBy: 'api' } });
    const list = await sys.call('GET', '/api/v1/users', { token: tokens.responder });
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual(['alice', 'bob', 'carol']);

    const put = await admin('PUT', '/api/v1/services/checkout', { ...service, tier: 2 });
    expect(put.status).toBe(200);
    expect(put.body.data.tier).toBe(2);

    expect((await admin('POST', '/api/v1/users', user('alice', 'Again'))).status).toBe(409);
    const dangling = await admin('POST', '/api/v1/services', { ...service, id: 'orphan', teamId: 'nobody' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error.issues).toEqual([{ path: 'teamId', message: 'unknown team "nobody"' }]);

    // An integration key routes to one service: another service may not take it.
    const key = { source: 'pagerduty', key: 'k'.repeat(32) };
    expect((await admin('PUT', '/api/v1/services/checkout', { ...service, integrationKeys: [key] })).status).toBe(200);
    const taken = await admin('POST', '/api/v1/services', { ...service, id: 'payments', integrationKeys: [key] });
    expect(taken.status).toBe(409);
    expect(taken.body.error.issues).toEqual([
      { path: 'integrationKeys.0.key', message: 'integration key already used by service "checkout"' },
    ]);
    expect(JSON.stringify(taken.body)).not.toContain(key.key);
    expect((await admin('PUT', '/api/v1/services/checkout', { ...service, integrationKeys: [key] })).status).toBe(200); // its own key

    const inUse = await admin('DELETE', '/api/v1/users/carol');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('schedule "primary" (overrides[0].userId)');
    expect((await admin('DELETE', '/api/v1/services/checkout')).status).toBe(204);
    expect((await sys.call('GET', '/api/v1/services/checkout')).status).toBe(404);
  });

  it('names the field and the rule for bad input', async () => {
    const bad = await admin('POST', '/api/v1/users', { ...user('dave', 'Dave'), timezone: 'Mars/Olympus', extra: 1 });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('timezone');
    expect(bad.body.error.message).toContain('unknown field "extra"');

    const mismatch = await admin('PUT', '/api/v1/users/dave', user('erin', 'Erin'));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.issues[0]).toEqual({ path: 'id', message: 'must match the id in the path' });

    const badAt = await sys.call('GET', '/api/v1/schedules/primary/on-call?at=yesterday');
    expect(badAt.status).toBe(400);
    expect(badAt.body.error.issues[0].path).toBe('at');
    const badRange = await sys.call(
      'GET',
      '/api/v1/schedules/primary/shifts?from=2026-03-09T00:00:00Z&to=2026-03-01T00:00:00Z',
    );
    expect(badRange.status).toBe(400);
    expect(badRange.body.error.issues[0]).toMatchObject({ path: 'to', message: 'must be after from' });
    expect((await sys.call('GET', '/api/v1/schedules/nope/on-call')).status).toBe(404);
  });

  it('lets responders read but only admins write', async () => {
    expect(
      (await sys.call('POST', '/api/v1/users', { token: tokens.responder, body: user('zed', 'Zed') })).status,
    ).toBe(403);
    expect((await sys.call('DELETE', '/api/v1/users/alice', { token: tokens.responder })).status).toBe(403);
    expect((await sys.call('GET', '/api/v1/users', { token: tokens.ingest })).status).toBe(403);
    expect((await sys.call('GET', '/api/v1/users', { token: null })).status).toBe(401);
  });
});
