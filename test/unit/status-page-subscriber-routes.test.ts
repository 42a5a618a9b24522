/**
 * Status-page subscriptions over HTTP, with in-memory stores: subscribe (double opt-in,
 * the same answer whatever the address, one confirmation per address every five minutes,
 * a rate limit per page, internal pages only with a token, every bad field named), the
 * signed links' pages (a button that changes nothing, then the action; forged, foreign
 * and expired links refused), and admins' webhook subscribers.
 */
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { createSubscriberLinks } from '../../lib/subscriber-links';
import { StatusPageSchema } from '../../domain/status-page';
import { memorySubscriberStore } from '../helpers/memory-subscribers';
import { PAGE, PAGE_INPUT } from './status-page-fixtures';

const ADMIN = 'admin-token-0123456789abcdef';
const RESPONDER = 'responder-token-0123456789abcdef';
const INTERNAL = StatusPageSchema.parse({ ...PAGE_INPUT, id: 'internal', name: 'Internal', visibility: 'internal' });
const SECRET = 'subscriber-link-secret-0123456789abcdef';

function setup() {
  let now = Date.parse('2026-05-01T12:00:00Z');
  const store = memorySubscriberStore();
  const confirmations: Array<[string, number]> = [];
  const links = createSubscriberLinks({ publicUrl: 'http://vigil.test', secret: SECRET, now: () => now });
  const app = createApp({
    log: pino({ level: 'silent' }),
    credentials: {
      ingestKeys: [],
      responderTokens: [{ name: 'r', secret: RESPONDER }],
      adminTokens: [{ name: 'root', secret: ADMIN }],
    },
    audit: { record: async () => undefined },
    identity: { tokens: { findByHash: async () => undefined, findById: async () => undefined } },
    channels: { email: { deliverable: true }, webhook: { deliverable: true } },
    statusPages: { page: async (id: string) => [PAGE, INTERNAL].find((p) => p.id === id) },
    subscriptions: {
      store,
      links,
      announcer: { sendConfirmation: async (id: string, nth: number) => void confirmations.push([id, nth]) },
      now: () => now,
    },
  } as unknown as AppDeps);
  const linkFor = (subscriberId: string, action: 'confirm' | 'unsubscribe', page = 'public') =>
    new URL(links.link(page, subscriberId, action, now)).pathname +
    new URL(links.link(page, subscriberId, action, now)).search;
  return { app, store, confirmations, linkFor, advance: (ms: number) => (now += ms) };
}

const subscribe = (app: Express.Application, body: object, page = 'public') =>
  request(app as never)
    .post(`/status/${page}/subscribers`)
    .send(body);

describe('subscribing by email', () => {
  it('answers the same whatever the address, and mails one confirmation per address every five minutes', async () => {
    const { app, confirmations, store, advance } = setup();
    const first = await subscribe(app, { email: 'ola@example.com' });
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('accepted');
    expect((await subscribe(app, { email: 'OLA@example.com' })).body).toEqual(first.body);
    expect(confirmations).toHaveLength(1);
    advance(5 * 60_000);
    await subscribe(app, { email: 'ola@example.com', components: ['api'] });
    expect(confirmations.map(([, n]) => n)).toEqual([1, 2]);
    expect([...store.all.values()][0]).toMatchObject({ state: 'pending', components: ['api'] });
  });

  it('names each bad field, an unknown component and an unknown page', async () => {
    const { app } = setup();
    const bad = await subscribe(app, { email: 'nope', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'extra']);
    const unknown = await subscribe(app, { email: 'a@example.com', components: ['api', 'nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues).toEqual([
      { path: 'components.1', message: 'unknown component "nope" on this page' },
    ]);
    expect((await subscribe(app, { email: 'a@example.com' }, 'missing')).status).toBe(404);
  });

  it('takes an internal page only from a responder or admin, and at most 30 requests a minute per page', async () => {
    const { app } = setup();
    expect((await subscribe(app, { email: 'a@example.com' }, 'internal')).status).toBe(401);
    const withToken = await request(app)
      .post('/status/internal/subscribers')
      .set('authorization', `Bearer ${RESPONDER}`)
      .send({ email: 'a@example.com' });
    expect(withToken.status).toBe(202);
    const answers = [];
    for (let i = 0; i < 31; i++) answers.push((await subscribe(app, { email: `x${i}@example.com` })).status);
    expect(answers.filter((s) => s === 202)).toHaveLength(30);
    expect(answers.at(-1)).toBe(429);
  });
});

describe('the signed links', () => {
  it('open a page with a button that changes nothing; its POST confirms, then unsubscribes', async () => {
    const { app, store, linkFor } = setup();
    await subscribe(app, { email: 'ola@example.com' });
    const id = [...store.all.keys()][0]!;
    const page = await request(app).get(linkFor(id, 'confirm'));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('<form method="post"><button type="submit">Confirm</button></form>');
    expect(page.text).not.toContain('<script');
    expect(store.all.get(id)?.state).toBe('pending');
    const done = await request(app).post(linkFor(id, 'confirm'));
    expect(done.status).toBe(200);
    expect(done.text).toContain('Subscribed: ola@example.com');
    expect(store.all.get(id)?.state).toBe('confirmed');
    expect((await request(app).get(linkFor(id, 'unsubscribe'))).text).toContain('Unsubscribe</button>');
    await request(app).post(linkFor(id, 'unsubscribe')).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(store.all.get(id)?.state).toBe('unsubscribed');
    expect((await request(app).post(linkFor(id, 'confirm'))).status).toBe(410);
  });

  it('refuse a forged link, one for another page or action, and an expired confirmation, as pages', async () => {
    const { app, store, linkFor, advance } = setup();
    await subscribe(app, { email: 'ola@example.com' });
    const id = [...store.all.keys()][0]!;
    const forged = linkFor(id, 'confirm').replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const bad = await request(app).post(forged);
    expect(bad.status).toBe(403);
    expect(bad.headers['content-type']).toMatch(/^text\/html/);
    expect(bad.text).toContain('Invalid link');
    expect((await request(app).post(linkFor(id, 'confirm', 'internal'))).status).toBe(403);
    expect((await request(app).post(linkFor(id, 'unsubscribe').replace('unsubscribe', 'confirm'))).status).toBe(403);
    expect((await request(app).get('/status/public/subscribers/confirm')).status).toBe(403);
    const link = linkFor(id, 'confirm');
    advance(7 * 24 * 3600_000);
    expect((await request(app).post(link)).status).toBe(410);
    expect(store.all.get(id)?.state).toBe('pending');
  });
});

describe('webhook subscribers', () => {
  it('are added, listed (origin only) and removed by an admin', async () => {
    const { app } = setup();
    const admin = (r: request.Test) => r.set('authorization', `Bearer ${ADMIN}`);
    const url = 'https://hooks.example.com/secret-path?token=abc';
    const created = await admin(request(app).post('/api/v1/status-pages/public/subscribers')).send({ url });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'webhook', state: 'confirmed', address: 'https://hooks.example.com' });
    const list = await admin(request(app).get('/api/v1/status-pages/public/subscribers'));
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain('secret-path');
    const bad = await admin(request(app).post('/api/v1/status-pages/public/subscribers')).send({
      url: 'https://u:p@hooks.example.com/x',
      components: ['nope'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['url']);
    const responder = await request(app)
      .post('/api/v1/status-pages/public/subscribers')
      .set('authorization', `Bearer ${RESPONDER}`)
      .send({ url });
    expect(responder.status).toBe(403);
    await admin(request(app).delete(`/api/v1/status-pages/public/subscribers/${created.body.id}`)).expect(204);
    await admin(request(app).delete(`/api/v1/status-pages/public/subscribers/${created.body.id}`)).expect(404);
  });
});
