/**
 * Status-page responder commands and mirrors on the real stack. One incident publishes
 * on two pages: one mirrored to a hosted Statuspage, one to Cachet, both played by a
 * local receiver that checks the vendors' documented requests (paths, bodies, auth
 * headers) and answers as they do. Responders post an update, hold back and release,
 * edit, and resolve through the API; summary.json, the mirrors and the incident's
 * timeline follow. Bad input is a 4xx naming it, and a mirror that cannot push (its
 * credential is not set) says so on the timeline while the incident carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';
import { startHttpReceiver, type HttpReceiver, type Received } from '../helpers/http-receiver';

let sys: System;
let receiver: HttpReceiver;
let spCreated = 0;

const COMPONENTS = [
  { id: 'checkout', name: 'Checkout', services: ['checkout'] },
  { id: 'search', name: 'Search' },
];
const rules = [{ severities: ['SEV1'] }];
const page = (id: string, name: string, mirror: unknown) => ({
  id,
  name,
  quietMinutes: 0,
  components: COMPONENTS,
  rules,
  mirror,
});

/** Statuspage answers the incident it made; Cachet `{data: {...}}`; both 401 without their credential. */
function vendor(req: Received) {
  if (req.path.startsWith('/v1/pages/')) {
    if (req.headers.authorization !== 'OAuth sp-secret') return { status: 401, body: { error: 'unauthorized' } };
    if (req.method === 'POST') return { status: 201, body: { id: `sp-${++spCreated}`, status: 'investigating' } };
    return { status: req.method === 'DELETE' ? 204 : 200, body: req.method === 'DELETE' ? '' : {} };
  }
  if (req.headers['x-cachet-token'] !== 'cachet-secret') return { status: 401, body: { errors: ['unauthorized'] } };
  if (req.method === 'POST') return { status: 200, body: { data: { id: 31 } } };
  return { status: 200, body: { data: {} } };
}

beforeAll(async () => {
  receiver = await startHttpReceiver(vendor);
  sys = await startSystem('status-page-mirrors', { SP_KEY: 'sp-secret', CACHET_TOKEN: 'cachet-secret' });
  await seedOnePersonService(sys, { serviceId: 'checkout', contactMethods: [] });
  const pages = [
    page('public', 'Public Status', {
      type: 'statuspage',
      pageId: 'sp-page',
      apiKeyEnv: 'SP_KEY',
      url: receiver.base,
      components: { checkout: 'sp-checkout', search: 'sp-search' },
    }),
    page('cachet', 'Cachet Status', {
      type: 'cachet',
      url: receiver.base,
      tokenEnv: 'CACHET_TOKEN',
      components: { checkout: 4 },
    }),
    page('broken', 'Broken Mirror', {
      type: 'cachet',
      url: receiver.base,
      tokenEnv: 'NOT_SET_ANYWHERE',
      components: {},
    }),
  ];
  for (const body of pages) {
    const created = await sys.call('POST', '/api/v1/status-pages', { token: tokens.admin, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await sys?.stop();
  await receiver?.close();
});

const summary = async (pageId: string) =>
  (await sys.call('GET', `/status/${pageId}/api/v2/summary.json`, { token: null })).body;
const sent = (method: string, path: string) => receiver.received.filter((r) => r.method === method && r.path === path);
const json = (r: Received | undefined) => JSON.parse(r?.body ?? 'null');
const waitSent = (method: string, path: string, count = 1) =>
  receiver.waitFor(`${count} ${method} ${path}`, () => sent(method, path).length >= count, 60_000);

describe('status page responder commands and mirrors', () => {
  let id: string;
  const cmd = (method: string, route: string, body?: unknown) =>
    sys.call(method, `/api/v1/incidents/${id}/status-page${route}`, { token: tokens.responder, body });

  it('publishes the incident and mirrors it to Statuspage and Cachet in their documented shapes', async () => {
    id = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'mirror-1' });
    await eventually(async () => ((await summary('public')).incidents.length === 1 ? true : undefined), 60_000);
    await waitSent('POST', '/v1/pages/sp-page/incidents');
    const create = sent('POST', '/v1/pages/sp-page/incidents')[0]!;
    expect(create.headers['content-type']).toBe('application/json');
    expect(json(create)).toEqual({
      incident: {
        name: 'Service disruption: Checkout',
        status: 'investigating',
        body: expect.stringContaining('We are investigating an issue affecting Checkout'),
        component_ids: ['sp-checkout'],
        components: { 'sp-checkout': 'major_outage' },
      },
    });
    await waitSent('PATCH', '/v1/pages/sp-page/components/sp-checkout');
    expect(json(sent('PATCH', '/v1/pages/sp-page/components/sp-checkout')[0])).toEqual({
      component: { status: 'major_outage' },
    });
    await waitSent('POST', '/api/v1/incidents');
    const cachet = sent('POST', '/api/v1/incidents')[0]!;
    expect(cachet.headers['x-cachet-token']).toBe('cachet-secret');
    expect(json(cachet)).toMatchObject({
      name: 'Service disruption: Checkout',
      status: 1,
      visible: 1,
      component_id: 4,
      component_status: 4,
    });
    await waitSent('PUT', '/api/v1/components/4');
    expect(json(sent('PUT', '/api/v1/components/4')[0])).toEqual({ status: 4 });
  }, 120_000);

  it('posts a responder update: summary.json shows it, Statuspage gets a PATCH of the same incident', async () => {
    const r = await cmd('POST', '/public/updates', {
      status: 'identified',
      message: 'A bad deploy; rolling back.',
      components: { search: 'degraded_performance' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.updates.at(-1)).toMatchObject({ status: 'identified', by: 'system:alice' });
    const s = await summary('public');
    expect(s.incidents[0]).toMatchObject({ status: 'identified' });
    expect(s.incidents[0].incident_updates[0].body).toBe('A bad deploy; rolling back.');
    expect(s.components.find((c: { id: string }) => c.id === 'search').status).toBe('degraded_performance');
    await waitSent('PATCH', '/v1/pages/sp-page/incidents/sp-1');
    expect(json(sent('PATCH', '/v1/pages/sp-page/incidents/sp-1')[0])).toEqual({
      incident: {
        status: 'identified',
        body: 'A bad deploy; rolling back.',
        component_ids: ['sp-search'],
        components: { 'sp-search': 'degraded_performance' },
      },
    });
  }, 60_000);

  it('refuses bad input with a 4xx naming it', async () => {
    const unknownComponent = await cmd('POST', '/public/updates', {
      status: 'identified',
      message: 'x',
      components: { db: 'major_outage' },
    });
    expect(unknownComponent.status).toBe(422);
    expect(unknownComponent.body.error.message).toContain('components.db: unknown component "db"');
    const badStatus = await cmd('POST', '/public/updates', { status: 'fixed', message: 'x' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.issues).toEqual([
      { path: 'status', message: 'must be one of: investigating, identified, monitoring, resolved' },
    ]);
    const unknownPage = await cmd('PUT', '/nope/hold', { held: true });
    expect(unknownPage.status).toBe(404);
    expect(unknownPage.body.error.message).toContain('status page "nope"');
    const noToken = await sys.call('PUT', `/api/v1/incidents/${id}/status-page/public/hold`, {
      token: null,
      body: { held: true },
    });
    expect(noToken.status).toBe(401);
  });

  it('holds back (withdrawn from summary.json and deleted on Statuspage), releases, and edits', async () => {
    expect((await cmd('PUT', '/public/hold', { held: true })).status).toBe(200);
    expect((await summary('public')).incidents).toEqual([]);
    await waitSent('DELETE', '/v1/pages/sp-page/incidents/sp-1');
    expect((await cmd('PUT', '/public/hold', { held: false })).status).toBe(200);
    expect((await summary('public')).incidents).toHaveLength(1);
    await waitSent('POST', '/v1/pages/sp-page/incidents', 2);
    expect(json(sent('POST', '/v1/pages/sp-page/incidents')[1]).incident.status).toBe('identified');

    const edited = await cmd('PATCH', '/public', {
      title: 'Checkout payments failing',
      message: 'A bad deploy; rolled back.',
    });
    expect(edited.status).toBe(200);
    const s = await summary('public');
    expect(s.incidents[0].name).toBe('Checkout payments failing');
    expect(s.incidents[0].incident_updates[0].body).toBe('A bad deploy; rolled back.');
    await receiver.waitFor(
      'renamed on Statuspage',
      () =>
        sent('PATCH', '/v1/pages/sp-page/incidents/sp-2').some(
          (r) => json(r).incident.name === 'Checkout payments failing',
        ),
      60_000,
    );
  }, 120_000);

  it('resolves by hand; a later update is 409; the timeline says every step and the failed mirror', async () => {
    const resolved = await cmd('POST', '/public/updates', { status: 'resolved', message: 'Payments work again.' });
    expect(resolved.status).toBe(200);
    expect((await summary('public')).incidents).toEqual([]);
    const again = await cmd('POST', '/public/updates', { status: 'monitoring', message: 'still watching' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('is resolved');

    const listed = await cmd('GET', '');
    expect(listed.body.map((p: { pageId: string }) => p.pageId).sort()).toEqual(['broken', 'cachet', 'public']);

    const timeline = await eventually(async () => {
      const state = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
      const notes = (state.body.timeline as Array<{ type: string; message: string }>).map((e) => e.message);
      return notes.some((m) => m.startsWith('Could not mirror status page "broken"')) &&
        notes.some((m) => m.startsWith('Posted on status page "Public Status" (resolved)'))
        ? notes
        : undefined;
    }, 60_000);
    expect(timeline).toEqual(
      expect.arrayContaining([
        'Posted on status page "Public Status" (identified): A bad deploy; rolling back.',
        'Held back the incident on status page "Public Status": not shown until released',
        'Released the incident on status page "Public Status"',
        'Edited the incident on status page "Public Status": title "Checkout payments failing" and the latest message',
        expect.stringContaining('NOT_SET_ANYWHERE is not set on the worker'),
      ]),
    );
    // The incident itself carries on: the mirror's failure held nothing up.
    const state = await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder });
    expect(state.body.status).toBe('triggered');
  }, 120_000);
});
