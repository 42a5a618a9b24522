/** The status pages' read formats over HTTP: public and internal access, caching, v2 shapes, HTML and Atom. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { statusPageRoutes } from '../../api/status-page/routes';
import { createPageViews } from '../../api/status-page/views';
import type { StatusPageStore } from '../../lib/models/status-page';
import type { ConfigSnapshot } from '../../lib/models/config';
import { StatusPageSchema } from '../../domain/status-page';
import schema from './statuspage-v2.schema.json';
import { PAGE, PAGE_INPUT, SERVICES, incident } from './status-page-fixtures';

const INTERNAL = StatusPageSchema.parse({ ...PAGE_INPUT, id: 'internal', name: 'Internal', visibility: 'internal' });
const NOW = Date.parse('2026-05-01T10:30:00Z');

function app() {
  const calls = { incidents: 0 };
  const store: StatusPageStore = {
    async incidents() {
      calls.incidents += 1;
      return [incident({ id: 'open', createdAt: '2026-05-01T09:00:00.000Z' })];
    },
    incident: async () => undefined,
    create: async () => true,
    addUpdate: async () => true,
    patch: async () => undefined,
    latestFor: async () => undefined,
    forIncident: async () => [],
    editUpdate: async () => undefined,
  };
  const snap = { services: SERVICES, statusPages: [PAGE, INTERNAL] } as unknown as ConfigSnapshot;
  let now = NOW;
  const views = createPageViews({
    store,
    loadConfig: async () => snap,
    loadPage: async (id) => {
      const spec = [PAGE, INTERNAL].find((p) => p.id === id);
      return spec && { spec, updatedAt: new Date('2026-04-01T00:00:00Z') };
    },
    now: () => now,
  });
  const a = express();
  a.use(
    statusPageRoutes({
      views,
      authenticate: async (secret) =>
        secret === 'responder-secret' ? { role: 'responder', name: 'r', actor: 'system:r' } : undefined,
      sessions: { current: async () => undefined },
    }),
  );
  return { app: a, calls, views, advance: (ms: number) => (now += ms) };
}

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addSchema({ ...schema, $id: 'v2' });

describe('status page read formats', () => {
  it('serves summary.json to anyone for a public page, in the documented shape, cached', async () => {
    const { app: a, calls, advance } = app();
    const res = await request(a).get('/status/public/api/v2/summary.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=5');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(ajv.getSchema('v2#/formats/summary.json')!(res.body)).toBe(true);
    expect(res.body.page).toMatchObject({ id: 'public', url: 'https://status.example.com', time_zone: 'UTC' });
    expect(res.body.status.indicator).toBe('major');
    await request(a).get('/status/public/api/v2/status.json').expect(200);
    await request(a).get('/status/public/api/v2/incidents/unresolved.json').expect(200);
    expect(calls.incidents).toBe(1);
    advance(6_000);
    await request(a).get('/status/public/api/v2/components.json').expect(200);
    expect(calls.incidents).toBe(2);
  });

  it('refuses an internal page without a responder credential, and serves it privately with one', async () => {
    const { app: a } = app();
    const refused = await request(a).get('/status/internal/api/v2/status.json').expect(401);
    expect(refused.body.message).toMatch(/internal/);
    await request(a).get('/status/internal').set('authorization', 'Bearer wrong').expect(401);
    const ok = await request(a)
      .get('/status/internal/api/v2/status.json')
      .set('authorization', 'Bearer responder-secret');
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('private, no-store');
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 404 for an unknown page', async () => {
    const { app: a } = app();
    const res = await request(a).get('/status/nope/api/v2/summary.json').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: 'no status page "nope"' });
  });

  it('renders HTML with a strict CSP, no script, components by group and 90 bars each', async () => {
    const { app: a } = app();
    const res = await request(a).get('/status/public').expect(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toMatch(/^<!doctype html>/);
    expect(res.text).not.toContain('<script');
    expect(res.text).toContain('Partial System Outage');
    expect(res.text).toContain('<h3>Core</h3>');
    expect(res.text.match(/<rect /g)).toHaveLength(3 * 90);
    expect(res.text).toContain('We are investigating.');
    await request(a).get('/status/assets/status.css').expect(200).expect('content-type', /css/);
  });

  it('writes an Atom feed of incidents and maintenances', async () => {
    const { app: a } = app();
    const res = await request(a).get('/status/public/feed.atom').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(res.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(res.text).toContain('https://status.example.com#incident-open');
    expect(res.text).toContain('Database upgrade (scheduled)');
  });
});
