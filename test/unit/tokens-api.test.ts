/**
 * Personal tokens through the real app (supertest) with in-memory token and audit stores:
 * who may create, list and revoke which tokens; the secret shown once and stored only as
 * its hash; a personal token acting as its user; revoked, expired and orphaned tokens
 * refused; every create and revoke audited, and the secret in neither log nor audit log.
 */
import { createHash } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { createAuthenticator } from '../../api/auth';
import type { IncidentGateway } from '../../api/incident-gateway';
import { redactPaths } from '../../lib/logger';
import { memoryAuditLog, memoryTokenStore } from '../helpers/memory-stores';

const ADMIN = 'admin-token-0123456789abcdef';
const RESPONDER = 'responder-token-0123456789abcdef';
const INGEST = 'ingest-key-0123456789abcdef012';
const ID = 'incident-checkout-0123456789abcdef01234567';
const CREATED = new Date('2026-01-01T00:00:00Z');

let users: Record<string, { name: string; createdAt: Date }>;
let tokens: ReturnType<typeof memoryTokenStore>;
let audit: ReturnType<typeof memoryAuditLog>;
let logs: string[];
let commands: Array<{ name: string; cmd: { by: string } }>;
let app: ReturnType<typeof createApp>;

beforeEach(() => {
  users = { ola: { name: 'Ola', createdAt: CREATED }, kim: { name: 'Kim', createdAt: CREATED } };
  tokens = memoryTokenStore();
  audit = memoryAuditLog();
  logs = [];
  commands = [];
  const incidents = {
    async command(_id: string, name: string, cmd: { by: string }) {
      commands.push({ name, cmd });
      return { status: 'acknowledged' };
    },
  } as unknown as IncidentGateway;
  const log = pino({ level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } }, {
    write: (line: string) => void logs.push(line),
  } as never);
  app = createApp({
    log,
    audit,
    incidents,
    identity: { tokens, user: async (id: string) => users[id] },
    credentials: {
      ingestKeys: [{ name: 'mon', secret: INGEST }],
      responderTokens: [{ name: 'alice', secret: RESPONDER }],
      adminTokens: [{ name: 'root', secret: ADMIN }],
    },
  } as unknown as AppDeps);
});

const call = (method: 'get' | 'post' | 'delete', url: string, token: string, body?: unknown) => {
  const r = request(app)[method](`/api/v1${url}`).set('authorization', `Bearer ${token}`);
  return body === undefined ? r : r.send(body as object);
};
const mint = async (userId: string, body: object, token = ADMIN) => {
  const res = await call('post', `/users/${userId}/tokens`, token, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; token: string; role: string };
};

describe('creating a token', () => {
  it('shows the secret once as vgl_<base64url of 32 bytes> and stores only its SHA-256', async () => {
    const res = await call('post', '/users/ola/tokens', ADMIN, {
      name: 'laptop',
      role: 'responder',
      expiresAt: '2099-01-01T00:00:00+01:00',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^tok_[A-Za-z0-9_-]{16}$/),
      name: 'laptop',
      role: 'responder',
      userId: 'ola',
      createdAt: expect.any(String),
      expiresAt: '2098-12-31T23:00:00.000Z',
      token: expect.stringMatching(/^vgl_[A-Za-z0-9_-]{43}$/),
    });
    const secret = res.body.token as string;
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
    const [stored] = tokens.tokens;
    expect(stored?.hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(tokens.tokens)).not.toContain(secret.slice(4));
    const listed = await call('get', '/users/ola/tokens', ADMIN);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([{ ...res.body, token: undefined }].map(({ token: _t, ...v }) => v));
  });

  it('lets a person mint their own responder token, not an admin one nor anyone else’s', async () => {
    const own = await mint('ola', { name: 'cli', role: 'responder' });
    expect((await call('post', '/users/ola/tokens', own.token, { name: 'phone', role: 'responder' })).status).toBe(201);
    const admin = await call('post', '/users/ola/tokens', own.token, { name: 'root', role: 'admin' });
    expect(admin.status).toBe(403);
    expect(admin.body.error.issues).toEqual([{ path: 'role', message: 'only an admin may create an admin token' }]);
    for (const [method, url] of [
      ['post', '/users/kim/tokens'],
      ['get', '/users/kim/tokens'],
      ['delete', `/users/kim/tokens/${own.id}`],
    ] as const) {
      const res = await call(method, url, own.token, { name: 'x', role: 'responder' });
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.message).toContain('only an admin, or user "kim"');
    }
    // A shared responder token is nobody in particular: it manages no one's tokens.
    expect((await call('get', '/users/ola/tokens', RESPONDER)).status).toBe(403);
    expect((await call('get', '/users/ola/tokens', INGEST)).status).toBe(403);
  });

  it('an admin personal token may mint admin tokens for others', async () => {
    const boss = await mint('kim', { name: 'admin', role: 'admin' });
    expect((await mint('ola', { name: 'ops', role: 'admin' }, boss.token)).role).toBe('admin');
  });

  it.each([
    [{ role: 'responder' }, 'name', 'expected string'],
    [{ name: '  ', role: 'responder' }, 'name', 'must not be empty'],
    [{ name: 'x'.repeat(101), role: 'responder' }, 'name', 'at most 100'],
    [{ name: 'a', role: 'root' }, 'role', 'must be one of: responder, admin'],
    [{ name: 'a', role: 'responder', expiresAt: 'tomorrow' }, 'expiresAt', 'ISO instant'],
    [{ name: 'a', role: 'responder', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt', 'must be in the future'],
    [{ name: 'a', role: 'responder', scope: 'all' }, 'scope', 'Unrecognized key'],
  ])('refuses %j naming %s', async (body, field, rule) => {
    const res = await call('post', '/users/ola/tokens', ADMIN, body);
    expect(res.status).toBe(400);
    const issue = (res.body.error.issues as Array<{ path: string; message: string }>).find((i) => i.path === field);
    expect(issue?.message, JSON.stringify(res.body)).toContain(rule);
  });

  it('404 naming an unknown user; 400 for a malformed user or token id', async () => {
    const res = await call('post', '/users/nobody/tokens', ADMIN, { name: 'a', role: 'responder' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('user "nobody" not found');
    expect((await call('get', '/users/Not%20A%20Slug/tokens', ADMIN)).body.error.issues[0].path).toBe('userId');
    const bad = await call('delete', '/users/ola/tokens/42', ADMIN);
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0]).toMatchObject({ path: 'tokenId' });
    expect((await call('delete', '/users/ola/tokens/tok_0123456789abcdef', ADMIN)).status).toBe(404);
  });
});

describe('using a token', () => {
  it('acts as its user: the user id is the actor of commands', async () => {
    const { token } = await mint('ola', { name: 'cli', role: 'responder' });
    expect((await call('post', `/incidents/${ID}/acknowledge`, token, {})).status).toBe(200);
    expect((await call('post', `/incidents/${ID}/acknowledge`, RESPONDER, {})).status).toBe(200);
    expect(commands.map((c) => c.cmd.by)).toEqual(['ola', 'system:alice']);
    expect(audit.entries.filter((e) => e.action === 'incident.acknowledge').map((e) => e.actor)).toEqual([
      'ola',
      'system:alice',
    ]);
  });

  it('is refused once revoked (at once on this API), when expired, and when its user is gone or re-created', async () => {
    const a = await mint('ola', { name: 'a', role: 'responder' });
    const b = await mint('ola', { name: 'b', role: 'responder' });
    const ok = (token: string) => call('get', '/users/ola/tokens', token).then((r) => r.status);
    expect(await ok(a.token)).toBe(200);
    expect((await call('delete', `/users/ola/tokens/${a.id}`, b.token)).status).toBe(204);
    expect(await ok(a.token)).toBe(401);
    const revokedAt = tokens.tokens.find((t) => t.id === a.id)?.revokedAt;
    expect((await call('delete', `/users/ola/tokens/${a.id}`, ADMIN)).status).toBe(204);
    expect(tokens.tokens.find((t) => t.id === a.id)?.revokedAt).toEqual(revokedAt);
    expect((await call('get', '/users/ola/tokens', ADMIN)).body.data[0].revokedAt).toBe(revokedAt?.toISOString());

    const b1 = tokens.tokens.find((t) => t.id === b.id);
    if (b1) b1.expiresAt = new Date(Date.now() - 1000);
    expect(await ok(b.token)).toBe(401);

    const c = await mint('ola', { name: 'c', role: 'responder' });
    users.ola = { name: 'Ola', createdAt: new Date('2026-02-01T00:00:00Z') }; // deleted, created again
    expect(await ok(c.token)).toBe(401);
    delete users.ola;
    expect(await ok(c.token)).toBe(401);
  });

  it('caches a lookup briefly at most', async () => {
    let lookups = 0;
    let t = 0;
    const store = memoryTokenStore();
    const auth = createAuthenticator(
      { ingestKeys: [], responderTokens: [], adminTokens: [] },
      {
        findByHash: (h) => (lookups++, store.findByHash(h)),
        user: async () => ({ name: 'Ola', createdAt: CREATED }),
      },
      { now: () => t, cacheMs: 5_000 },
    );
    await store.insert({
      id: 'tok_0123456789abcdef',
      userId: 'ola',
      name: 'x',
      role: 'admin',
      hash: createHash('sha256').update('vgl_secret').digest('hex'),
      userCreatedAt: CREATED,
      createdAt: CREATED,
      createdBy: 'ola',
    });
    expect(await auth('vgl_secret')).toEqual({
      role: 'admin',
      name: 'Ola',
      actor: 'ola',
      userId: 'ola',
      tokenId: 'tok_0123456789abcdef',
    });
    await auth('vgl_secret');
    expect(lookups).toBe(1);
    t = 5_001;
    await auth('vgl_secret');
    expect(lookups).toBe(2);
    expect(await auth('vgl_other')).toBeUndefined();
    expect(await auth('admin')).toBeUndefined();
  });

  it('says whether a principal it returned still holds, without its cache (what console sessions ask)', async () => {
    const store = memoryTokenStore();
    let user: { name: string; createdAt: Date } | undefined = { name: 'Ola', createdAt: CREATED };
    const auth = createAuthenticator(
      { ingestKeys: [], responderTokens: [{ name: 'ops', secret: 'ops-secret' }], adminTokens: [] },
      { findByHash: (h) => store.findByHash(h), findById: (id) => store.findById(id), user: async () => user },
    );
    const record = {
      id: 'tok_0123456789abcdef',
      userId: 'ola',
      name: 'x',
      role: 'responder' as const,
      hash: createHash('sha256').update('vgl_secret').digest('hex'),
      userCreatedAt: CREATED,
      createdAt: CREATED,
      createdBy: 'ola',
    };
    await store.insert(record);
    const personal = await auth('vgl_secret');
    const shared = await auth('ops-secret');
    expect(await auth.stillValid(personal!)).toBe(true);
    expect(await auth.stillValid(shared!)).toBe(true);
    expect(await auth.stillValid({ ...shared!, actor: 'system:gone' })).toBe(false);
    expect(await auth.stillValid({ ...personal!, role: 'admin' })).toBe(false);
    user = undefined;
    expect(await auth.stillValid(personal!)).toBe(false);
    user = { name: 'Ola', createdAt: CREATED };
    await store.revoke('ola', record.id, 'ola', new Date());
    expect(await auth.stillValid(personal!)).toBe(false);
  });
});

describe('audit and logs', () => {
  it('audits each create and revoke with its actor and target, never the secret; the log never shows it', async () => {
    const made = await mint('ola', { name: 'cli', role: 'responder' });
    await call('delete', `/users/ola/tokens/${made.id}`, made.token);
    await call('post', '/users/ola/tokens', ADMIN, { name: 'x', role: 'nope' });
    const entries = audit.entries.map(({ action, actor, target, outcome, route }) => ({
      action,
      actor,
      target,
      outcome,
      route,
    }));
    expect(entries).toEqual([
      {
        action: 'token.create',
        actor: 'system:root',
        target: `user:ola/token:${made.id}`,
        outcome: 'accepted',
        route: 'POST /api/v1/users/:userId/tokens',
      },
      {
        action: 'token.revoke',
        actor: 'ola',
        target: `user:ola/token:${made.id}`,
        outcome: 'accepted',
        route: 'DELETE /api/v1/users/:userId/tokens/:tokenId',
      },
      {
        action: 'token.create',
        actor: 'system:root',
        target: 'user:ola/token',
        outcome: 'refused',
        route: 'POST /api/v1/users/:userId/tokens',
      },
    ]);
    expect(audit.entries[2]?.reason).toContain('role: must be one of');
    const secret = made.token.slice(4);
    expect(JSON.stringify(audit.entries)).not.toContain(secret);
    expect(logs).toHaveLength(3); // one per request, each with its (redacted) authorization header
    expect(logs.join('\n')).toContain('"authorization":"[redacted]"');
    expect(logs.join('\n')).not.toContain(secret);
  });
});
