/**
 * Respond link tokens: what a link holds, that only an untouched token from the same
 * secret verifies, expiry, and that no input at all makes verify() throw.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRespondLinks, redactRespondToken, RESPOND_LINK_TTL_MS } from '../../integrations/respond/link';
import type { Notification } from '../../domain/incident/notification';

const SECRET = 'respond-link-secret-0123456789abcdef';
const OTHER_SECRET = 'another-link-secret-0123456789abcdef';
const T0 = Date.parse('2026-03-09T14:00:00Z');
const ID = 'incident-checkout-0123456789abcdef01234567';

function notification(over: Partial<Notification> = {}): Notification {
  return {
    idempotencyKey: `${ID}:run-1:L1:R1:alice:alice-teams`,
    kind: 'page',
    incidentId: ID,
    incidentNumber: 42,
    service: 'checkout',
    severity: 'SEV1',
    status: 'triggered',
    summary: 'Checkout 5xx',
    recipient: {
      userId: 'alice',
      contactMethod: { id: 'alice-teams', type: 'teams', address: 'https://example.invalid/hook' },
    },
    occurredAt: new Date(T0).toISOString(),
    ...over,
  };
}

const links = (opts: { secret?: string; now?: number; publicUrl?: string } = {}) =>
  createRespondLinks({
    publicUrl: opts.publicUrl ?? 'https://vigil.example.com',
    secret: opts.secret ?? SECRET,
    now: () => opts.now ?? T0,
  });
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const issued = (n = notification()) => tokenOf(links().linksFor(n).incident);
/** The same signature scheme, for hand-made tokens with chosen claims. */
const signed = (payload: string, secret = SECRET) =>
  `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('createRespondLinks', () => {
  it('links to <publicUrl>/respond/<token> and the token round-trips its claims', () => {
    const url = links().linksFor(notification()).incident;
    expect(url).toMatch(/^https:\/\/vigil\.example\.com\/respond\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(links().verify(tokenOf(url))).toEqual({
      ok: true,
      claims: { i: ID, u: 'alice', n: 42, exp: Math.floor((T0 + RESPOND_LINK_TTL_MS) / 1000) },
    });
  });

  it.each(['https://vigil.example.com/', 'https://vigil.example.com//', 'https://vigil.example.com'])(
    'joins %s without a double slash',
    (publicUrl) => {
      expect(links({ publicUrl }).linksFor(notification()).incident).toMatch(
        /^https:\/\/vigil\.example\.com\/respond\/[^/]+$/,
      );
    },
  );

  it('keeps a path prefix (a reverse proxy mounting Vigil below a folder)', () => {
    expect(links({ publicUrl: 'https://ops.example.com/vigil/' }).linksFor(notification()).incident).toMatch(
      /^https:\/\/ops\.example\.com\/vigil\/respond\//,
    );
  });

  it('leaves out the number when none was allocated, and still verifies', () => {
    const result = links().verify(issued(notification({ incidentNumber: undefined })));
    expect(result).toMatchObject({ ok: true, claims: { i: ID, u: 'alice' } });
    expect(result.ok && 'n' in result.claims).toBe(false);
  });

  it('issues as of the notification: a retry minutes later sends the very same link', () => {
    const n = notification();
    expect(links({ now: T0 + 4 * 60_000 }).linksFor(n)).toEqual(links({ now: T0 }).linksFor(n));
  });

  it('expires after 7 days by default, and at the configured ttl', () => {
    const token = issued();
    expect(links({ now: T0 + RESPOND_LINK_TTL_MS - 1000 }).verify(token).ok).toBe(true);
    expect(links({ now: T0 + RESPOND_LINK_TTL_MS }).verify(token)).toEqual({ ok: false, reason: 'expired' });
    const short = createRespondLinks({ publicUrl: 'https://v.example', secret: SECRET, ttlMs: 60_000, now: () => T0 });
    const shortToken = tokenOf(short.linksFor(notification()).incident);
    const later = createRespondLinks({ publicUrl: 'https://v.example', secret: SECRET, now: () => T0 + 60_000 });
    expect(later.verify(shortToken)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token whose payload was changed (another user, another incident, a later expiry)', () => {
    const [payload, signature] = issued().split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    for (const change of [
      { u: 'mallory' },
      { i: 'incident-checkout-ffffffffffffffffffffffff' },
      { exp: claims.exp + 86_400 },
    ]) {
      expect(links().verify(`${b64(JSON.stringify({ ...claims, ...change }))}.${signature}`)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });

  it('refuses a changed signature, including another spelling of the same bytes', () => {
    const token = issued();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of 43 characters for 32 bytes carries 2 unused bits: flipping the lowest decodes to the same bytes.
    const sameBytes = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(token.at(-1) ?? 'A') ^ 1]}`;
    const sig = (t: string) => Buffer.from(t.split('.')[1] ?? '', 'base64url');
    expect(sig(sameBytes).equals(sig(token))).toBe(true);
    expect(links().verify(sameBytes)).toEqual({ ok: false, reason: 'bad_signature' });
    const changed = `${token.slice(0, -2)}${token.at(-2) === 'x' ? 'y' : 'x'}${token.at(-1)}`;
    expect(links().verify(changed)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(links().verify(`${token.slice(0, token.indexOf('.') + 1)}${'A'.repeat(43)}`)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(links().verify(`${token}A`)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token signed with another secret', () => {
    expect(links().verify(tokenOf(links({ secret: OTHER_SECRET }).linksFor(notification()).incident))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses correctly signed payloads that are not claims', () => {
    for (const payload of [
      b64('not json'),
      b64('[]'),
      b64('{"i":"x"}'),
      b64('{"i":"x","u":"","exp":9999999999}'),
      b64('{"i":"x","u":"y","exp":"soon"}'),
    ]) {
      expect(links().verify(signed(payload))).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(links().verify(signed(b64('{"i":"x","u":"y","exp":9999999999}')))).toMatchObject({ ok: true });
  });

  const hostile: unknown[] = [
    '',
    '.',
    '..',
    'abc',
    'a.b.c',
    '.sig',
    'payload.',
    `${'A'.repeat(2000)}.${'B'.repeat(43)}`,
    'a b.c',
    'ä.ö',
    '%2e%2e',
    'eyJ9.@@@',
    '\u0000.\u0000',
    '__proto__.constructor',
    'toString',
    undefined,
    null,
    42,
    {},
    [],
  ];
  it.each(hostile.map((t) => [JSON.stringify(t) ?? String(t), t]))('never throws on %s', (_name, token) => {
    const result = links().verify(token as string);
    expect(result.ok).toBe(false);
    expect(['malformed', 'bad_signature']).toContain(result.ok ? '' : result.reason);
  });

  it('refuses a short secret and a public URL it cannot append to', () => {
    expect(() => createRespondLinks({ publicUrl: 'https://v.example', secret: 'short' })).toThrow(
      /at least 32 characters/,
    );
    for (const publicUrl of [
      'vigil.example.com',
      'ftp://v.example',
      'https://v.example/?a=1',
      'https://v.example/#top',
    ]) {
      expect(() => createRespondLinks({ publicUrl, secret: SECRET }), publicUrl).toThrow(
        /http\(s\) URL without query or fragment/,
      );
    }
  });
});

describe('redactRespondToken', () => {
  it.each([
    ['/respond/abc.def', '/respond/[redacted]'],
    ['/respond/abc.def?action=resolve', '/respond/[redacted]?action=resolve'],
    ['/vigil/respond/abc.def/', '/vigil/respond/[redacted]/'],
    ['/api/v1/incidents/x', '/api/v1/incidents/x'],
  ])('%s -> %s', (url, expected) => {
    expect(redactRespondToken(url)).toBe(expected);
  });
});
