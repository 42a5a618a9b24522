/**
 * GET/POST /respond/:token through createApp with a fake incident gateway: the page shows
 * the incident and changes nothing, a POST runs the command as the token's user, bad and
 * expired links get pages (never a 500), and no request log line holds the token.
 */
import pino from 'pino';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { conflict, notFound } from '../../api/errors';
import type { IncidentGateway } from '../../api/incident-gateway';
import { createRespondLinks } from '../../integrations/respond/link';
import type { IncidentState } from '../../domain/incident/incident';
import type { Notification } from '../../domain/incident/notification';

const SECRET = 'respond-link-secret-0123456789abcdef';
const ID = 'incident-checkout-0123456789abcdef01234567';
const T0 = Date.parse('2026-03-09T14:00:00Z');

let clock = T0;
let state: IncidentState;
let commands: Array<{ id: string; name: string; by: string; note?: string }> = [];
let queries: string[] = [];
let logLines: string[] = [];

const gateway = {
  async state(id: string) {
    queries.push(id);
    if (id !== ID) throw notFound(`incident ${id}`);
    return state;
  },
  async command(id: string, name: 'acknowledge' | 'resolve', cmd: { by: string; note?: string }) {
    commands.push({ id, name, ...cmd });
    if (state.status === 'resolved') throw conflict(`incident is already resolved (by ${state.resolvedBy})`);
    state =
      name === 'acknowledge'
        ? { ...state, status: 'acknowledged', acknowledgedBy: cmd.by }
        : { ...state, status: 'resolved', resolvedBy: cmd.by };
    return state;
  },
} as unknown as IncidentGateway;

const links = createRespondLinks({ publicUrl: 'https://vigil.example.com', secret: SECRET, now: () => clock });
const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
const app = createApp({
  verifyReplies: true,
  log,
  credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
  incidents: gateway,
  respond: { verifier: links },
} as unknown as AppDeps);

function pathFor(over: Partial<Notification> = {}): string {
  const n: Notification = {
    idempotencyKey: 'k',
    kind: 'page',
    incidentId: ID,
    incidentNumber: 42,
    service: 'checkout',
    severity: 'SEV1',
    status: 'triggered',
    summary: 'Checkout <5xx> & "timeouts"',
    occurredAt: new Date(clock).toISOString(),
    recipient: {
      userId: 'alice',
      contactMethod: { id: 'alice-teams', type: 'teams', address: 'https://example.invalid/hook' },
    },
    ...over,
  };
  return new URL(links.linksFor(n).incident).pathname;
}
const tokenIn = (path: string) => path.slice('/respond/'.length);
const post = (path: string, form: string) => request(app).post(path).type('form').send(form);

beforeEach(() => {
  clock = T0;
  commands = [];
  queries = [];
  logLines = [];
  state = {
    incidentId: ID,
    runKey: 'run-1',
    service: 'checkout',
    dedupKey: 'k',
    summary: 'Checkout <5xx> & "timeouts"',
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
});

describe('GET /respond/:token', () => {
  it('shows the incident, escaped, with both forms, and calls no command', async () => {
    const res = await request(app).get(pathFor());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('[SEV1] #42 checkout');
    expect(res.text).toContain('Checkout &lt;5xx&gt; &amp; &quot;timeouts&quot;');
    expect(res.text).not.toContain('<5xx>');
    expect(res.text).toContain('name="action" value="acknowledge"');
    expect(res.text).toContain('name="action" value="resolve"');
    expect(res.text).toContain('You act as alice');
    expect(queries).toEqual([ID]);
    expect(commands).toEqual([]);
  });

  it('sends headers that keep the page and its link out of caches, referrers and frames', async () => {
    const res = await request(app).get(pathFor());
    expect(res.headers).toMatchObject({
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(res.text).not.toContain('<script');
  });

  it('?action= only preselects: the chosen form comes first and nothing runs', async () => {
    const res = await request(app).get(`${pathFor()}?action=resolve`);
    expect(res.status).toBe(200);
    expect(res.text.indexOf('value="resolve"')).toBeLessThan(res.text.indexOf('value="acknowledge"'));
    expect(res.text).toMatch(/<button type="submit" autofocus>Resolve<\/button>/);
    expect(commands).toEqual([]);
  });

  it('shows who acknowledged and resolved, and no forms once resolved', async () => {
    state = { ...state, status: 'resolved', acknowledgedBy: 'bob', resolvedBy: '<carol>' };
    const res = await request(app).get(pathFor());
    expect(res.status).toBe(200);
    expect(res.text).toContain('<dt>Acknowledged by</dt><dd>bob</dd>');
    expect(res.text).toContain('<dt>Resolved by</dt><dd>&lt;carol&gt;</dd>');
    expect(res.text).not.toContain('<form');
  });

  it('answers 404 for an incident that does not exist', async () => {
    const res = await request(app).get(pathFor({ incidentId: 'incident-checkout-ffffffffffffffffffffffff' }));
    expect(res.status).toBe(404);
    expect(res.text).toContain('Incident not found');
  });
});

describe('POST /respond/:token', () => {
  it("acknowledges as the token's user and shows the new state", async () => {
    const res = await post(pathFor(), 'action=acknowledge');
    expect(res.status).toBe(200);
    expect(commands).toEqual([{ id: ID, name: 'acknowledge', by: 'alice' }]);
    expect(res.text).toContain('Acknowledged by alice.');
    expect(res.text).toContain('<dt>Status</dt><dd>acknowledged</dd>');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('resolves with the note, trimmed; an empty note is no note', async () => {
    await post(
      pathFor({ recipient: { userId: 'bob', contactMethod: { id: 'b', type: 'email', address: 'b@x.io' } } }),
      'action=resolve&note=++rolled+back++',
    );
    expect(commands).toEqual([{ id: ID, name: 'resolve', by: 'bob', note: 'rolled back' }]);
    state = { ...state, status: 'triggered' };
    commands = [];
    await post(pathFor(), 'action=resolve&note=');
    expect(commands).toEqual([{ id: ID, name: 'resolve', by: 'alice' }]);
  });

  it('shows a refusal from the workflow as 409 with the reason and the current state', async () => {
    state = { ...state, status: 'resolved', resolvedBy: 'bob' };
    const res = await post(pathFor(), 'action=acknowledge');
    expect(res.status).toBe(409);
    expect(res.text).toContain('Not acknowledged: incident is already resolved (by bob).');
    expect(res.text).not.toContain('<form');
  });

  it.each([
    ['an unknown action', 'action=delete', 'action: must be &quot;acknowledge&quot; or &quot;resolve&quot;'],
    ['no action', 'note=hi', 'action: is required'],
    ['a repeated action', 'action=acknowledge&action=resolve', 'action: must be'],
    ['a note that is too long', `action=resolve&note=${'x'.repeat(2001)}`, 'note: must be at most 2000 characters'],
  ])('answers 400 naming the field and the rule for %s', async (_name, form, message) => {
    const res = await post(pathFor(), form);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    expect(commands).toEqual([]);
  });

  it('takes url-encoded forms only, up to 16 KB', async () => {
    const json = await request(app).post(pathFor()).send({ action: 'acknowledge' });
    expect(json.status).toBe(415);
    const big = await post(pathFor(), `action=resolve&note=${'x'.repeat(17 * 1024)}`);
    expect(big.status).toBe(413);
    const many = await post(pathFor(), `action=resolve&${Array.from({ length: 20 }, (_, i) => `f${i}=1`).join('&')}`);
    expect(many.status).toBe(413);
    expect(many.text).toContain('too many parameters');
    expect(commands).toEqual([]);
  });
});

describe('bad links', () => {
  const forged = () => {
    const [payload] = tokenIn(pathFor()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const mallory = Buffer.from(JSON.stringify({ ...claims, u: 'mallory' })).toString('base64url');
    return `/respond/${mallory}.${tokenIn(pathFor()).split('.')[1]}`;
  };
  const otherSecret = () => {
    const other = createRespondLinks({
      publicUrl: 'https://vigil.example.com',
      secret: 'another-link-secret-0123456789abcdef',
      now: () => clock,
    });
    return new URL(
      other.linksFor({
        ...({} as Notification),
        incidentId: ID,
        recipient: { userId: 'alice' } as Notification['recipient'],
        occurredAt: '',
      }).incident,
    ).pathname;
  };

  it.each([
    ['a forged payload', forged],
    ['another secret', otherSecret],
    ['garbage', () => '/respond/not-a-token'],
    ['broken %-encoding', () => '/respond/%E0%A4%A'],
    ['a huge token', () => `/respond/${'A'.repeat(3000)}.${'B'.repeat(43)}`],
  ])('%s: 403 page for GET and POST, nothing queried or run', async (_name, path) => {
    for (const res of [await request(app).get(path()), await post(path(), 'action=acknowledge')]) {
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('Invalid link');
    }
    expect(queries).toEqual([]);
    expect(commands).toEqual([]);
  });

  it.each([
    [
      'expired',
      () => {
        const path = pathFor();
        clock = T0 + 8 * 24 * 60 * 60 * 1000;
        return path;
      },
      'This link has expired',
    ],
    [
      'for the incident before the one now under that id',
      () => pathFor({ incidentNumber: 41 }),
      'This link was for incident #41',
    ],
  ])('%s: 410 page for GET and POST, nothing run', async (_name, path, message) => {
    const p = path();
    const res = await request(app).get(p);
    expect(res.status).toBe(410);
    expect(res.text).toContain(message);
    expect((await post(p, 'action=acknowledge')).status).toBe(410);
    expect(commands).toEqual([]);
  });
});

describe('request logs', () => {
  it('never hold the token: the path is logged with it redacted', async () => {
    const path = pathFor();
    await request(app).get(`${path}?action=acknowledge`);
    await post(path, 'action=acknowledge');
    await post(path, 'action=bogus');
    clock = T0 + 8 * 24 * 60 * 60 * 1000;
    await request(app).get(path);
    const token = tokenIn(path);
    const [payload, signature] = token.split('.') as [string, string];
    const logged = logLines.join('');
    expect(logLines.length).toBeGreaterThanOrEqual(4);
    expect(logged).toContain('/respond/[redacted]');
    expect(logged).not.toContain(payload);
    expect(logged).not.toContain(signature);
    expect(logged).not.toContain(SECRET);
  });
});

describe('without respond configured', () => {
  it('is not mounted', async () => {
    const bare = createApp({
      log: pino({ level: 'silent' }),
      credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
      incidents: gateway,
    } as unknown as AppDeps);
    expect((await request(bare).get(pathFor())).status).toBe(404);
  });
});
