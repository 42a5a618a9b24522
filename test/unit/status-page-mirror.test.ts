import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import {
  CACHET_COMPONENT_STATUS,
  CACHET_INCIDENT_STATUS,
  MirrorSchema,
  StatusPageSchema,
  cachetRequests,
  statuspageRequests,
  type MirrorState,
  type PageIncidentRecord,
} from '../../domain/status-page';
import { createMirrorActivities } from '../../activities/status-page/mirror';
import type { StatusPageStore } from '../../lib/models/status-page';
import type { MirrorStateStore } from '../../lib/models/status-page-mirror';
import type { ConfigSnapshot } from '../../lib/models/config';
import { createLogger } from '../../lib/logger';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { PAGE_INPUT, incident } from './status-page-fixtures';

const SP = MirrorSchema.parse({
  type: 'statuspage',
  pageId: 'kctbh9vrtdwd',
  apiKeyEnv: 'SP_KEY',
  components: { api: 'c-api' },
});
const CACHET = MirrorSchema.parse({
  type: 'cachet',
  url: 'https://cachet.example.com',
  tokenEnv: 'CACHET_TOKEN',
  components: { api: 7, web: 8 },
});
if (SP.type !== 'statuspage' || CACHET.type !== 'cachet') throw new Error('fixture');
const FRESH: MirrorState = { pushed: [] };
const at = '2026-05-01T10:00:00.000Z';

function withUpdate(r: PageIncidentRecord, over: Partial<PageIncidentRecord['updates'][number]> & { id: string }) {
  return {
    ...r,
    updates: [
      ...r.updates,
      { status: 'identified' as const, body: 'Found it.', createdAt: at, displayAt: at, by: 'alice', ...over },
    ],
  };
}

describe('mirror mapping', () => {
  it('maps component statuses to Cachet 1-4 and incident statuses to 1-4 (0 is scheduled maintenance)', () => {
    expect(CACHET_COMPONENT_STATUS).toEqual({
      operational: 1,
      under_maintenance: 2,
      degraded_performance: 2,
      partial_outage: 3,
      major_outage: 4,
    });
    expect(CACHET_INCIDENT_STATUS).toEqual({ investigating: 1, identified: 2, monitoring: 3, resolved: 4 });
  });

  it('refuses a secret in place of an env var name, an unknown provider and an unknown component', () => {
    const bad = MirrorSchema.safeParse({ type: 'statuspage', pageId: 'p', apiKeyEnv: 'sk-live-123' });
    expect(bad.error?.issues[0]?.message).toMatch(/environment variable/);
    expect(MirrorSchema.safeParse({ type: 'pingdom' }).error?.issues[0]?.message).toMatch(/statuspage.*cachet/);
    const page = StatusPageSchema.safeParse({ ...PAGE_INPUT, mirror: { ...SP, components: { nope: 'x' } } });
    expect(page.error?.issues[0]).toMatchObject({
      path: ['mirror', 'components', 'nope'],
      message: 'unknown component "nope"',
    });
  });

  it('Statuspage: creates once with name, status, body and components, then PATCHes each new update', () => {
    const r = incident({ id: 'pi1', createdAt: at });
    const [create, component] = statuspageRequests(SP, r, FRESH);
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v1/pages/kctbh9vrtdwd/incidents',
      body: {
        incident: {
          name: 'Service disruption: API',
          status: 'investigating',
          body: 'We are investigating.',
          component_ids: ['c-api'],
          components: { 'c-api': 'partial_outage' },
        },
      },
    });
    expect(component).toMatchObject({
      method: 'PATCH',
      path: '/v1/pages/kctbh9vrtdwd/components/c-api',
      body: { component: { status: 'partial_outage' } },
    });
    const created = create!.after(FRESH, 'sp-inc-1');
    expect(created).toMatchObject({ externalId: 'sp-inc-1', pushed: ['pi1-1'] });
    expect(statuspageRequests(SP, r, created)).toEqual([]);
    const next = withUpdate({ ...r, name: 'API errors' }, { id: 'u2', components: { api: 'major_outage' } });
    const reqs = statuspageRequests(SP, next, created);
    expect(reqs.map((q) => `${q.method} ${q.path}`)).toEqual([
      'PATCH /v1/pages/kctbh9vrtdwd/incidents/sp-inc-1',
      'PATCH /v1/pages/kctbh9vrtdwd/components/c-api',
      'PATCH /v1/pages/kctbh9vrtdwd/incidents/sp-inc-1',
    ]);
    expect(reqs[0]!.body).toEqual({
      incident: {
        status: 'identified',
        body: 'Found it.',
        component_ids: ['c-api'],
        components: { 'c-api': 'major_outage' },
      },
    });
    expect(reqs[2]!.body).toEqual({ incident: { name: 'API errors' } });
  });

  it('Statuspage: a held incident is never created, and withdrawn (DELETE) when it was', () => {
    const held = incident({ id: 'pi1', createdAt: at, held: true });
    expect(statuspageRequests(SP, held, FRESH)).toEqual([]);
    const [del] = statuspageRequests(SP, held, { externalId: 'sp-1', pushed: ['pi1-1'] });
    expect(del).toMatchObject({ method: 'DELETE', path: '/v1/pages/kctbh9vrtdwd/incidents/sp-1' });
    expect(del!.after({ externalId: 'sp-1', pushed: ['pi1-1'] })).toEqual({ pushed: [] });
  });

  it('Cachet: creates with status, visible, component and component_status, PUTs components, hides when held', () => {
    const r = incident({ id: 'pi1', createdAt: at, components: { api: 'major_outage', web: 'degraded_performance' } });
    const reqs = cachetRequests(CACHET, r, FRESH);
    expect(reqs[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/incidents',
      body: {
        name: r.name,
        message: 'We are investigating.',
        status: 1,
        visible: 1,
        component_id: 7,
        component_status: 4,
        notify: false,
      },
    });
    expect(reqs.slice(1).map((q) => [q.path, q.body])).toEqual([
      ['/api/v1/components/7', { status: 4 }],
      ['/api/v1/components/8', { status: 2 }],
    ]);
    const state = reqs[0]!.after(FRESH, '12');
    const resolved = withUpdate(
      { ...r, status: 'resolved' },
      { id: 'u2', status: 'resolved', body: 'Fixed.', components: { api: 'operational', web: 'operational' } },
    );
    const [put] = cachetRequests(CACHET, resolved, state);
    expect(put).toMatchObject({
      method: 'PUT',
      path: '/api/v1/incidents/12',
      body: { status: 4, message: 'Fixed.', component_status: 1 },
    });
    const [hide] = cachetRequests(CACHET, { ...r, held: true }, state);
    expect(hide).toMatchObject({ method: 'PUT', path: '/api/v1/incidents/12', body: { visible: 0 } });
    const hidden = hide!.after(state);
    const [show] = cachetRequests(CACHET, r, hidden);
    expect(show).toMatchObject({ method: 'PUT', body: { visible: 1 } });
    expect(show!.after(hidden).hidden).toBe(false);
  });
});

describe('pushStatusPageMirror against a local receiver', () => {
  let receiver: HttpReceiver | undefined;
  afterEach(async () => receiver?.close());

  function setup(mirror: unknown, record: PageIncidentRecord, env: Record<string, string>) {
    const page = StatusPageSchema.parse({ ...PAGE_INPUT, mirror });
    const saved = new Map<string, MirrorState>();
    const states: MirrorStateStore = {
      get: async (key) => saved.get(key) ?? { pushed: [] },
      put: async (key, _t, s) => void saved.set(key, s),
    };
    const store = { incident: async () => record } as unknown as StatusPageStore;
    const acts = createMirrorActivities({
      log: createLogger({ level: 'silent', name: 'test' }),
      store,
      states,
      env,
      loadConfig: async () => ({ statusPages: [page], services: [] }) as unknown as ConfigSnapshot,
    });
    return { acts, saved };
  }

  it('sends Statuspage requests with the OAuth key, remembers the incident id, and PATCHes it next time', async () => {
    receiver = await startHttpReceiver((req) =>
      req.method === 'POST' ? { status: 201, body: { id: 'sp-42' } } : { status: 200, body: {} },
    );
    const r = incident({ id: 'pi1', createdAt: at });
    const { acts, saved } = setup({ ...SP, url: receiver.base }, r, { SP_KEY: 'key-123' });
    expect(await acts.pushStatusPageMirror({ pageId: 'public', pageIncidentId: 'pi1' })).toEqual({ requests: 2 });
    expect(receiver.received[0]).toMatchObject({ method: 'POST', path: '/v1/pages/kctbh9vrtdwd/incidents' });
    expect(receiver.received[0]!.headers.authorization).toBe('OAuth key-123');
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    expect(saved.get('public:pi1')).toMatchObject({ externalId: 'sp-42' });
    r.updates.push({
      id: 'u2',
      status: 'monitoring',
      body: 'Fix deployed.',
      createdAt: at,
      displayAt: at,
      by: 'alice',
    });
    await acts.pushStatusPageMirror({ pageId: 'public', pageIncidentId: 'pi1' });
    expect(receiver.received[2]).toMatchObject({ method: 'PATCH', path: '/v1/pages/kctbh9vrtdwd/incidents/sp-42' });
    expect(JSON.parse(receiver.received[2]!.body)).toMatchObject({
      incident: { status: 'monitoring', body: 'Fix deployed.' },
    });
  });

  it('fails at once, naming the variable, without the credential; a 4xx is a refusal, a 5xx is retried', async () => {
    receiver = await startHttpReceiver(() => ({ status: 422, body: { message: ['component_id is invalid'] } }));
    const r = incident({ id: 'pi1', createdAt: at });
    const none = setup({ ...CACHET, url: receiver.base }, r, {});
    await expect(none.acts.pushStatusPageMirror({ pageId: 'public', pageIncidentId: 'pi1' })).rejects.toThrow(
      /CACHET_TOKEN is not set/,
    );
    const { acts } = setup({ ...CACHET, url: receiver.base }, r, { CACHET_TOKEN: 'tok' });
    const refused = await acts
      .pushStatusPageMirror({ pageId: 'public', pageIncidentId: 'pi1' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).nonRetryable).toBe(true);
    expect(receiver.received[0]!.headers['x-cachet-token']).toBe('tok');
    receiver.fallback = () => ({ status: 503 });
    const later = await acts.pushStatusPageMirror({ pageId: 'public', pageIncidentId: 'pi1' }).catch((e: unknown) => e);
    expect((later as ApplicationFailure).nonRetryable).toBe(false);
  });
});
