import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, tokens, type System } from './harness';

let sys: System;
beforeAll(async () => {
  // The API applies the shipped example folder at start-up, as `npm start` does.
  sys = await startSystem('config-apply', { VIGIL_CONFIG_DIR: path.resolve(__dirname, '../../config') });
});
afterAll(async () => {
  await sys?.stop();
});

describe('on-call as code through the real API', () => {
  it('applied the example folder at start-up, and it is read-only through the API', async () => {
    const services = await sys.call('GET', '/api/v1/services', { token: tokens.responder });
    expect(services.body.data.map((s: { id: string }) => s.id)).toContain('api-gateway');
    const gw = await sys.call('GET', '/api/v1/services/api-gateway');
    expect(gw.body.meta.managedBy).toBe('config');
    const put = await sys.call('PUT', '/api/v1/services/api-gateway', { body: { ...gw.body.data, tier: 3 } });
    expect(put.status).toBe(409);
    expect(put.body.error.message).toContain('managed by the config-as-code folder');
  });

  it('pages the seed chain level by level for a service', async () => {
    // Monday 2026-01-12 14:00 UTC = 09:00 New York: Bob's primary week starts, Alice is secondary.
    const r = await sys.call('GET', '/api/v1/services/api-gateway/on-call?at=2026-01-12T14:00:00Z');
    expect(r.status).toBe(200);
    expect(r.body.escalationPolicy).toMatchObject({ id: 'platform', loops: 2 });
    expect(r.body.levels.map((l: { delayMinutes: number }) => l.delayMinutes)).toEqual([5, 15, 30, 60]);
    expect(r.body.levels[0].users.map((u: { id: string }) => u.id)).toEqual(['bob-wilson']);
    expect(r.body.levels[1].users.map((u: { id: string }) => u.id)).toEqual(['alice-johnson']);
    expect(r.body.levels[2].users.map((u: { id: string }) => u.id)).toEqual(['jane-smith']);
    expect(r.body.levels[3].users.length).toBeGreaterThan(0);
  });

  it('re-applies on demand without changing anything, and only for admins', async () => {
    const dry = await sys.call('POST', '/api/v1/config/apply?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ ok: true, dryRun: true });
    const again = await sys.call('POST', '/api/v1/config/apply');
    expect(again.status).toBe(200);
    for (const kind of Object.values(again.body.changes) as Array<{
      created: string[];
      updated: string[];
      deleted: string[];
    }>) {
      expect([kind.created, kind.updated, kind.deleted]).toEqual([[], [], []]);
    }
    expect((await sys.call('POST', '/api/v1/config/apply', { token: tokens.responder })).status).toBe(403);
    const bad = await sys.call('POST', '/api/v1/config/apply?dryRun=maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('dryRun');

    // Each apply is audited: at start-up as the system, then each request as its caller
    // (the refused ones too); an apply that changed nothing has equal before and after hashes.
    const audit = (await sys.call('GET', '/api/v1/audit?target=config:folder')).body.data.reverse();
    expect(audit.map((e: any) => [e.actor, e.action, e.route, e.outcome])).toEqual([
      ['system:startup', 'config.apply', 'startup', 'accepted'],
      ['system:admin', 'config.apply-dry-run', 'POST /api/v1/config/apply', 'accepted'],
      ['system:admin', 'config.apply', 'POST /api/v1/config/apply', 'accepted'],
      ['system:alice', 'config.apply', 'POST /api/v1/config/apply', 'refused'],
      ['system:admin', 'config.apply', 'POST /api/v1/config/apply', 'refused'],
    ]);
    expect(audit[0].after).toMatch(/^[0-9a-f]{64}$/);
    expect(audit[0].before).not.toBe(audit[0].after); // the database was empty
    expect(audit[2]).toMatchObject({ before: audit[0].after, after: audit[0].after });
    expect(audit[3].reason).toBe('a responder token may not call this route');
  });
});
