/**
 * Every mutating route writes exactly one audit entry. This lists each POST / PUT / PATCH /
 * DELETE of the route table (api/routes: an app with every optional feature mounted serves
 * all of it) and calls it once as a known principal (a token, a signed link, Slack's or
 * Twilio's signature). Ingest routes (machine traffic, not commands) and POSTs that only read
 * are named as exempt, and shown to write nothing. A table route this file has no request
 * for fails the test.
 */
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { notFound } from '../../api/errors';
import { expressPath } from '../../api/http/mount';
import { ROUTES } from '../../api/routes';
import { twilioSignature } from '../../integrations/twilio/signature';
import { signSlackRequest } from '../../integrations/slack/verify';
import { mintToken } from '../../lib/models/api-token';
import { subscriberIdFor } from '../../lib/models/status-page-subscriber';
import { memoryAuditLog, memoryTokenStore } from '../helpers/memory-stores';
import { memorySubscriberStore } from '../helpers/memory-subscribers';

const ADMIN = 'admin-token-0123456789abcdef';
const INGEST = 'ingest-key-0123456789abcdef012';
const ID = 'incident-checkout-0123456789abcdef01234567';
const SLACK_SECRET = 'slack-signing-secret-0123456789';
const TWILIO_TOKEN = 'twilio-auth-token-0123456789';
const PUBLIC = 'https://vigil.example.com';
const NOW = Date.now();

const state = {
  incidentId: ID,
  runKey: 'run-1',
  service: 'checkout',
  dedupKey: 'k',
  summary: 'Checkout failing',
  severity: 'SEV1',
  status: 'triggered',
  alertCount: 1,
  createdAt: '2026-03-09T14:00:00Z',
  lastAlertAt: '2026-03-09T14:00:00Z',
  details: {},
  timeline: [],
  timelineDropped: 0,
  seq: 1,
  number: 42,
};
const audit = memoryAuditLog();
const subscribers = memorySubscriberStore();
// The DELETE runs before the POST (routes in order): its subscriber exists from the start.
void subscribers.putWebhook('sp1', 'https://hooks.example.com/status', undefined, new Date(0).toISOString());
const tokens = memoryTokenStore();
const stored = new Map<string, unknown>();
const specs: Record<string, Record<string, unknown>> = {
  user: { id: 'u1', name: 'U', email: 'u@example.com', timezone: 'UTC' },
  team: { id: 't1', name: 'T' },
  schedule: { id: 's1', name: 'S', timeZone: 'UTC' },
  escalationPolicy: { id: 'p1', name: 'P', levels: [{ delayMinutes: 5, targets: [] }] },
  service: { id: 'svc1', name: 'S', tier: 1, teamId: 't1', escalationPolicyId: 'p1' },
  statusPage: { id: 'sp1', name: 'Status', components: [{ id: 'c1', name: 'C' }] },
  role: { id: 'r1', name: 'R' },
  commsTemplate: { id: 'c1', kind: 'update', audience: 'internal', body: '{{summary}}' },
  incidentType: { id: 'it1', name: 'Security' },
};
const entity = (data: unknown) => ({ data, meta: { managedBy: 'api', createdAt: new Date(), updatedAt: new Date() } });
const config = {
  list: async () => [],
  get: async (kind: string, id: string) => {
    const data = stored.get(`${kind}:${id}`);
    if (!data) throw notFound(`${kind} "${id}"`);
    return entity(data);
  },
  create: async (kind: string, spec: { id: string }) => (stored.set(`${kind}:${spec.id}`, spec), entity(spec)),
  replace: async (kind: string, spec: { id: string }) => (
    stored.set(`${kind}:${spec.id}`, spec),
    { entity: entity(spec), created: false }
  ),
  remove: async (kind: string, id: string) => void stored.delete(`${kind}:${id}`),
};
const pageIncident = async () => ({
  ...{ id: 'pi1', pageId: 'sp1', incidentId: ID, name: 'Down', status: 'investigating', impact: 'major' },
  ...{ components: {}, held: false, createdAt: '2026-03-09T14:00:00Z', updatedAt: '2026-03-09T14:00:00Z', updates: [] },
});
const incidents = {
  state: async () => state,
  command: async () => state,
  note: async () => undefined,
  ingest: async () => ({ incidentId: ID }),
  sourceResolved: async () => ({ incidentId: ID, delivered: true }),
};
const app = createApp({
  log: pino({ level: 'silent' }),
  audit,
  identity: { tokens, user: async () => ({ name: 'Ola', createdAt: new Date(0) }) },
  credentials: {
    ingestKeys: [{ name: 'mon', secret: INGEST }],
    responderTokens: [],
    adminTokens: [{ name: 'root', secret: ADMIN }],
  },
  incidents,
  config,
  applyConfigFolder: async () => ({ ok: true, dryRun: false, errors: [], warnings: [], changes: {} }),
  readiness: {},
  reviews: {
    patchActionItems: async () => ({ ok: true, stored: { revision: 2, review: {} } }),
    findLatest: async () => ({ incidentId: ID, runKey: 'r', revision: 1, review: { actionItems: [{ id: 'A1' }] } }),
  },
  followUps: { startExport: async () => ({ workflowId: 'w' }) },
  statusPageCommands: { hold: pageIncident, edit: pageIncident, post: pageIncident, list: async () => [] },
  runbooks: {
    dir: path.resolve(__dirname, '../../runbooks'),
    gateway: {
      run: async () => ({ runId: 'cache-clear-0a1b2c3d', workflowId: 'w', runbook: 'cache-clear', dryRun: true }),
      decide: async () => ({ step: 'confirm', decision: 'approve' }),
    },
  },
  ingest: { integrations: { find: async () => undefined } },
  slack: {
    signingSecret: SLACK_SECRET,
    directory: { userBySlackId: async () => ({ id: 'ola', name: 'Ola' }), incidentIdByNumber: async () => ID },
    fetch: async () => new Response('ok'),
  },
  respond: { verifier: { verify: () => ({ ok: true, claims: { i: ID, u: 'ola', n: 42, exp: NOW / 1000 + 3600 } }) } },
  twilio: {
    authToken: TWILIO_TOKEN,
    publicUrl: PUBLIC,
    directory: {
      userByPhone: async () => ({ id: 'ola', name: 'Ola' }),
      smsPages: async () => [{ incidentId: ID, number: 42, at: '2026-03-09T14:00:00Z' }],
      claim: async () => true,
    },
  },
  channels: { email: { deliverable: true }, webhook: { deliverable: true } },
  statusPages: {
    page: async (id: string) => (id === 'sp1' ? { ...specs.statusPage, visibility: 'public' } : undefined),
    invalidate: () => undefined,
  },
  subscriptions: {
    store: subscribers,
    announcer: { sendConfirmation: async () => undefined },
    links: { verify: () => ({ ok: true, claims: { s: 'e0123456789abcdef01234567', a: 'confirm' } }) },
  },
} as unknown as AppDeps);

/** Every route of the table as Express mounts it ("METHOD /path/:param"): this app mounts every feature. */
const tableRoutes = (): string[] => ROUTES.map((r) => `${r.method.toUpperCase()} ${expressPath(r.path)}`);
/** The routes that declare an audit spec in their definition. */
const declared = new Set(ROUTES.filter((r) => r.audit).map((r) => `${r.method.toUpperCase()} ${expressPath(r.path)}`));

const EXEMPT: Record<string, string> = {
  'POST /api/v1/alerts': 'ingest',
  'POST /api/v1/integrations/alertmanager': 'ingest',
  'POST /api/v1/integrations/alertmanager/:key': 'ingest',
  'POST /api/v1/integrations/grafana': 'ingest',
  'POST /api/v1/integrations/grafana/:key': 'ingest',
  'POST /v2/enqueue': 'ingest (routing key)',
  'POST /v2/change/enqueue': 'ingest (routing key)',
  'POST /api/v1/runbooks/validate': 'reads only',
  'POST /api/v1/templates/:id/preview': 'reads only',
  'POST /status/:page/subscribers': 'public: anyone who may read the page, no principal',
  'POST /status/:page/subscribers/confirm': 'signed link of an anonymous subscriber',
  'POST /status/:page/subscribers/unsubscribe': 'signed link of an anonymous subscriber',
};

const bearer = (method: 'post' | 'put' | 'patch' | 'delete', url: string, body?: object, token = ADMIN) =>
  request(app)[method](url).set('authorization', `Bearer ${token}`).send(body);
const slack = (url: string, form: string) => {
  const ts = String(Math.floor(Date.now() / 1000));
  return request(app)
    .post(url)
    .set('content-type', 'application/x-www-form-urlencoded')
    .set('x-slack-request-timestamp', ts)
    .set('x-slack-signature', signSlackRequest(SLACK_SECRET, ts, form))
    .send(form);
};
const twilio = (url: string, form: Record<string, string>) => {
  const body = new URLSearchParams(form);
  return request(app)
    .post(url)
    .type('form')
    .set('x-twilio-signature', twilioSignature(TWILIO_TOKEN, PUBLIC + url, body))
    .send(body.toString());
};
const revocable = mintToken();

const CALLS: Record<string, () => request.Test> = {
  ...Object.fromEntries(
    (['acknowledge', 'resolve', 'escalate'] as const).map((c) => [
      `POST /api/v1/incidents/:id/${c}`,
      () => bearer('post', `/api/v1/incidents/${ID}/${c}`, {}),
    ]),
  ),
  'POST /api/v1/incidents/:id/reassign': () =>
    bearer('post', `/api/v1/incidents/${ID}/reassign`, { toUserIds: ['ola'] }),
  'POST /api/v1/incidents/:id/snooze': () => bearer('post', `/api/v1/incidents/${ID}/snooze`, { minutes: 5 }),
  'POST /api/v1/incidents/:id/severity': () => bearer('post', `/api/v1/incidents/${ID}/severity`, { severity: 'SEV2' }),
  'PUT /api/v1/incidents/:id/type': () => bearer('put', `/api/v1/incidents/${ID}/type`, { type: 'security' }),
  'PUT /api/v1/incidents/:id/roles/:roleId': () =>
    bearer('put', `/api/v1/incidents/${ID}/roles/incident-commander`, { userId: 'ola' }),
  'DELETE /api/v1/incidents/:id/roles/:roleId': () =>
    bearer('delete', `/api/v1/incidents/${ID}/roles/incident-commander`),
  'PUT /api/v1/incidents/:id/status-page/:pageId/hold': () =>
    bearer('put', `/api/v1/incidents/${ID}/status-page/sp1/hold`, { held: true }),
  'PATCH /api/v1/incidents/:id/status-page/:pageId': () =>
    bearer('patch', `/api/v1/incidents/${ID}/status-page/sp1`, { title: 'T' }),
  'POST /api/v1/incidents/:id/status-page/:pageId/updates': () =>
    bearer('post', `/api/v1/incidents/${ID}/status-page/sp1/updates`, { status: 'identified', message: 'm' }),
  'POST /api/v1/incidents/:id/notes': () => bearer('post', `/api/v1/incidents/${ID}/notes`, { text: 'n' }),
  'PATCH /api/v1/incidents/:id/review/action-items': () =>
    bearer('patch', `/api/v1/incidents/${ID}/review/action-items`, { op: 'add', title: 't' }),
  'POST /api/v1/incidents/:id/review/action-items/export': () =>
    bearer('post', `/api/v1/incidents/${ID}/review/action-items/export`, {}),
  'POST /api/v1/incidents/:id/runbooks/:name/run': () =>
    bearer('post', `/api/v1/incidents/${ID}/runbooks/cache-clear/run`, { dryRun: true }),
  'POST /api/v1/incidents/:id/runbooks/:runId/approvals/:step': () =>
    bearer('post', `/api/v1/incidents/${ID}/runbooks/cache-clear-0a1b2c3d/approvals/confirm`, { decision: 'approve' }),
  'POST /api/v1/config/apply': () => bearer('post', '/api/v1/config/apply'),
  'POST /api/v1/users/:userId/tokens': () =>
    bearer('post', '/api/v1/users/ola/tokens', { name: 'x', role: 'responder' }),
  'DELETE /api/v1/users/:userId/tokens/:tokenId': () => bearer('delete', `/api/v1/users/ola/tokens/${revocable.id}`),
  ...Object.fromEntries(
    Object.entries({
      user: 'users',
      team: 'teams',
      schedule: 'schedules',
      escalationPolicy: 'escalation-policies',
      service: 'services',
      statusPage: 'status-pages',
      role: 'roles',
      commsTemplate: 'templates',
      incidentType: 'incident-types',
    }).flatMap(([kind, p]) => [
      [`POST /api/v1/${p}`, () => bearer('post', `/api/v1/${p}`, specs[kind])],
      [`PUT /api/v1/${p}/:id`, () => bearer('put', `/api/v1/${p}/${specs[kind]?.id}`, specs[kind])],
      [`DELETE /api/v1/${p}/:id`, () => bearer('delete', `/api/v1/${p}/${specs[kind]?.id}`)],
    ]),
  ),
  'POST /api/v1/status-pages/:id/subscribers': () =>
    bearer('post', '/api/v1/status-pages/sp1/subscribers', { url: 'https://hooks.example.com/status' }),
  'DELETE /api/v1/status-pages/:id/subscribers/:subscriberId': () =>
    bearer(
      'delete',
      `/api/v1/status-pages/sp1/subscribers/${subscriberIdFor('sp1', 'webhook', 'https://hooks.example.com/status')}`,
    ),
  'POST /api/v1/slack/commands': () =>
    slack(
      '/api/v1/slack/commands',
      `command=%2Fincident&text=ack+${ID}&user_id=U0OLA01&response_url=https%3A%2F%2Fhooks.slack.com%2Fx`,
    ),
  'POST /api/v1/slack/interactions': () =>
    slack(
      '/api/v1/slack/interactions',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U0OLA01' }, actions: [{ action_id: 'vigil_resolve', value: ID }], response_url: 'https://hooks.slack.com/x' }))}`,
    ),
  'POST /respond/:token': () => request(app).post('/respond/t.s').type('form').send('action=acknowledge'),
  'POST /api/v1/integrations/twilio/voice': () =>
    twilio(`/api/v1/integrations/twilio/voice?i=${ID}&n=42&u=ola&t=${Math.floor(NOW / 1000)}`, {
      CallSid: `CA${'a'.repeat(32)}`,
      To: '+15551230002',
      Digits: '1',
    }),
  'POST /api/v1/integrations/twilio/sms': () =>
    twilio('/api/v1/integrations/twilio/sms', { MessageSid: `SM${'a'.repeat(32)}`, From: '+15551230001', Body: 'ack' }),
};

const MUTATING = /^(POST|PUT|PATCH|DELETE) /;

describe('the audit log covers every mutating route', () => {
  const routes = [...new Set(tableRoutes().filter((r) => MUTATING.test(r)))].sort();

  it('finds the routes, and has a request or a reason for each', () => {
    expect(routes.length).toBeGreaterThan(35);
    const missing = routes.filter((r) => !(r in CALLS) && !(r in EXEMPT));
    expect(missing, 'mounted routes without a request in this test').toEqual([]);
    expect(
      Object.keys(CALLS).filter((r) => !routes.includes(r)),
      'requests for routes not in the table',
    ).toEqual([]);
  });

  it('audits through the definitions: every called route declares its audit (Slack through its gateways), no exempt one does', () => {
    const slack = (r: string) => r.includes('/slack/');
    expect(Object.keys(CALLS).filter((r) => !slack(r) && !declared.has(r))).toEqual([]);
    expect(Object.keys(EXEMPT).filter((r) => declared.has(r))).toEqual([]);
  });

  it.each(routes)('%s writes exactly one entry', async (route) => {
    if (route.includes('/tokens/:tokenId')) {
      await tokens.insert({
        ...revocable,
        userId: 'ola',
        name: 'r',
        role: 'responder',
        userCreatedAt: new Date(0),
        createdAt: new Date(),
        createdBy: 'ola',
      });
    }
    const before = audit.entries.length;
    const call = CALLS[route];
    if (!call) {
      // Exempt: answered without writing an entry (whatever the outcome).
      await request(app)
        .post(route.slice(5).replace(/:(\w+)/g, 'x'))
        .set('authorization', `Bearer ${INGEST}`)
        .send({});
      expect(audit.entries.length, EXEMPT[route]).toBe(before);
      return;
    }
    const res = await call();
    expect(res.status, `${route}: ${res.text.slice(0, 300)}`).toBeLessThan(400);
    // Slack answers first and runs the command after.
    for (let i = 0; i < 50 && audit.entries.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    const written = audit.entries.slice(before);
    expect(written, route).toHaveLength(1);
    expect(written[0]).toMatchObject({ outcome: 'accepted', actor: expect.stringMatching(/^(ola|system:root)$/) });
    if (!route.includes('/slack/')) expect(written[0]?.route).toBe(route);
  });

  it('records configuration writes with the hash of the document before and after', async () => {
    const spec = { ...specs.service, id: 'svc2' };
    const before = audit.entries.length;
    await bearer('post', '/api/v1/services', spec);
    await bearer('put', '/api/v1/services/svc2', { ...spec, tier: 2 });
    await bearer('delete', '/api/v1/services/svc2');
    const [created, replaced, deleted] = audit.entries.slice(before);
    expect([created, replaced, deleted].map((e) => [e?.action, e?.target, e?.outcome])).toEqual([
      ['service.create', 'service:svc2', 'accepted'],
      ['service.replace', 'service:svc2', 'accepted'],
      ['service.delete', 'service:svc2', 'accepted'],
    ]);
    expect(created?.before).toBeUndefined();
    expect(created?.after).toMatch(/^[0-9a-f]{64}$/);
    expect(replaced?.before).toBe(created?.after);
    expect(replaced?.after).not.toBe(replaced?.before);
    expect(deleted?.before).toBe(replaced?.after);
    expect(deleted?.after).toBeUndefined();
  });
});
