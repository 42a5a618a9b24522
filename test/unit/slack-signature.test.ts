/**
 * Slack request signatures: the verifier itself, and the routes refusing what it refuses
 * (valid, wrong secret, stale timestamp, tampered body, missing headers).
 */
import { createHmac } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { signSlackRequest, verifySlackRequest } from '../../integrations/slack/verify';
import type { IncidentGateway } from '../../api/incident-gateway';
import type { SlackDirectory } from '../../integrations/slack/directory';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = 1_700_000_000_000;
const ts = String(NOW / 1000);
const body =
  'token=x&team_id=T1&command=%2Fincident&text=status+42&user_id=U0123ABC&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1';

describe('verifySlackRequest', () => {
  it('matches Slack\'s documented scheme: v0= hex HMAC-SHA256 of "v0:ts:body"', () => {
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    expect(signSlackRequest(SECRET, ts, body)).toBe(expected);
    expect(verifySlackRequest(SECRET, ts, expected, body, NOW)).toEqual({ ok: true });
  });
  it('refuses a wrong secret', () => {
    expect(verifySlackRequest(SECRET, ts, signSlackRequest('another-secret-123', ts, body), body, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
  it('refuses a tampered body', () => {
    const sig = signSlackRequest(SECRET, ts, body);
    expect(verifySlackRequest(SECRET, ts, sig, body.replace('status', 'resolve'), NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });
  it('refuses timestamps more than 5 minutes away, either way', () => {
    for (const offset of [-301, 301]) {
      const t = String(NOW / 1000 + offset);
      expect(verifySlackRequest(SECRET, t, signSlackRequest(SECRET, t, body), body, NOW)).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
    }
    const t = String(NOW / 1000 - 299);
    expect(verifySlackRequest(SECRET, t, signSlackRequest(SECRET, t, body), body, NOW)).toEqual({ ok: true });
  });
  it('refuses missing headers and malformed values without throwing', () => {
    expect(verifySlackRequest(SECRET, undefined, 'v0=abc', body, NOW)).toEqual({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifySlackRequest(SECRET, ts, undefined, body, NOW)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifySlackRequest(SECRET, 'yesterday', 'v0=abc', body, NOW).ok).toBe(false);
    expect(verifySlackRequest(SECRET, ts, 'v0=short', body, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('slack routes refuse unsigned requests', () => {
  const incidents = {
    state: async () => {
      throw new Error('not reached');
    },
  } as unknown as IncidentGateway;
  const directory: SlackDirectory = {
    userBySlackId: async () => ({ id: 'alice', name: 'Alice' }),
    incidentIdByNumber: async () => undefined,
    serviceExists: async () => false,
    onCall: async () => undefined,
  };
  const app = createApp({
    log: pino({ level: 'silent' }),
    credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
    incidents,
    readiness: {},
    slack: { signingSecret: SECRET, directory, now: () => NOW, fetch: async () => new Response('ok') },
    verifyReplies: true,
  } as unknown as AppDeps);
  const post = (path: string, headers: Record<string, string>, raw = body) =>
    request(app).post(path).set('content-type', 'application/x-www-form-urlencoded').set(headers).send(raw);

  it.each(['/api/v1/slack/commands', '/api/v1/slack/interactions'])(
    '%s: valid passes, the rest get 401',
    async (path) => {
      const valid = await post(path, {
        'x-slack-request-timestamp': ts,
        'x-slack-signature': signSlackRequest(SECRET, ts, body),
      });
      expect(valid.status).not.toBe(401); // past the signature (interactions then wants a payload field: 400)
      const wrong = await post(path, {
        'x-slack-request-timestamp': ts,
        'x-slack-signature': signSlackRequest('wrong-secret-xyz', ts, body),
      });
      expect(wrong.status).toBe(401);
      const staleTs = String(NOW / 1000 - 600);
      const stale = await post(path, {
        'x-slack-request-timestamp': staleTs,
        'x-slack-signature': signSlackRequest(SECRET, staleTs, body),
      });
      expect(stale.status).toBe(401);
      expect(stale.body.reason).toBe('stale_timestamp');
      const tampered = await post(
        path,
        { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(SECRET, ts, body) },
        `${body}x`,
      );
      expect(tampered.status).toBe(401);
      const missing = await post(path, {});
      expect(missing.status).toBe(401);
      expect(missing.body.reason).toBe('missing_headers');
    },
  );
});
