/**
 * People act as themselves, on the real worker, API, Temporal and FerretDB:
 *   - a personal token acts as its user (the user id is on the timeline and in the audit
 *     log), is stored only as its hash, and stops working when revoked, console sessions
 *     signed in with it included;
 *   - the audit log answers by actor, target (prefix) and time;
 *   - readiness names who cannot be reached with this deployment's channels;
 *   - a page by phone and by SMS through a local Twilio-compatible receiver: the callee
 *     presses 1 and the incident is acknowledged as them, an SMS reply resolves it; Twilio's
 *     callbacks are signed, and unsigned or replayed ones are refused.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';
import { startTwilioReceiver } from './twilio-receiver';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'e2e-twilio-auth-token-0123456789';
const FROM = '+15550001111';
const OLA = { voice: '+15551230002', sms: '+15551230001' };

let sys: System;
let twilio: Awaited<ReturnType<typeof startTwilioReceiver>>;

beforeAll(async () => {
  twilio = await startTwilioReceiver({
    accountSid: ACCOUNT,
    authToken: AUTH_TOKEN,
    smsWebhook: () => `${sys.apiUrl}/api/v1/integrations/twilio/sms`,
  });
  // VIGIL_PUBLIC_URL is the API's own URL (the harness sets it): what Twilio calls back.
  sys = await startSystem('identity', {
    VIGIL_MINUTE_MS: '1000',
    VIGIL_TWILIO_API_URL: twilio.base,
    VIGIL_TWILIO_ACCOUNT_SID: ACCOUNT,
    VIGIL_TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    VIGIL_TWILIO_FROM: FROM,
  });
  await seedOnePersonService(sys, {
    serviceId: 'payments',
    contactMethods: [
      { id: 'phone', type: 'voice', address: OLA.voice },
      { id: 'text', type: 'sms', address: OLA.sms },
      { id: 'hook', type: 'webhook', address: 'https://hooks.example.com/ola' },
    ],
  });
});

afterAll(async () => {
  await sys?.stop();
  await twilio?.close();
});

/** Signs into the console with a token as a browser would: the sign-in cookie and its echo in the form. */
async function consoleSession(token: string): Promise<string> {
  const form = await fetch(`${sys.apiUrl}/sign-in`);
  const signIn = /vigil_signin=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const res = await fetch(`${sys.apiUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_signin=${signIn}` },
    body: new URLSearchParams({ _csrf: signIn, token }).toString(),
  });
  expect(res.status).toBe(303);
  return /vigil_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
}
const consolePage = (session: string) =>
  fetch(`${sys.apiUrl}/incidents`, { redirect: 'manual', headers: { cookie: `vigil_session=${session}` } });

const state = async (id: string) =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;

describe('personal tokens and the audit log', () => {
  it('a personal token acts as its user, is stored hashed, and stops working when revoked', async () => {
    const made = await sys.call('POST', '/api/v1/users/ola/tokens', { body: { name: 'laptop', role: 'responder' } });
    expect(made.status).toBe(201);
    const secret = made.body.token as string;
    const stored = await sys.db.collection('api_tokens').find({}).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
    const indexes = await sys.db.collection('api_tokens').indexes();
    expect(indexes.find((i) => i.key.hash === 1)?.unique).toBe(true);

    const session = await consoleSession(secret);
    expect((await consolePage(session)).status).toBe(200);
    const id = await fireSev1(sys, { service: 'payments', summary: 'Declines up', dedupKey: 'tokens' });
    try {
      const ack = await sys.call('POST', `/api/v1/incidents/${id}/acknowledge`, { token: secret, body: {} });
      expect(ack.status).toBe(200);
      expect(ack.body.acknowledgedBy).toBe('ola');
      expect((await sys.call('DELETE', `/api/v1/users/ola/tokens/${made.body.id}`, { token: secret })).status).toBe(
        204,
      );
      expect((await sys.call('GET', '/api/v1/users/ola/tokens', { token: secret })).status).toBe(401);
      // The console session it signed in ends with it.
      const after = await consolePage(session);
      expect(after.status).toBe(303);
      expect(after.headers.get('location')).toMatch(/^\/sign-in/);
    } finally {
      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }

    const byTarget = await sys.call('GET', '/api/v1/audit?target=user:ola');
    expect(byTarget.status).toBe(200);
    expect(byTarget.body.data.map((e: any) => [e.action, e.actor, e.outcome])).toEqual([
      ['token.revoke', 'ola', 'accepted'],
      ['token.create', 'system:admin', 'accepted'],
      ['user.create', 'system:admin', 'accepted'],
    ]);
    const acked = await sys.call('GET', `/api/v1/audit?actor=ola&target=incident:${id}`);
    expect(acked.body.data).toMatchObject([
      { action: 'incident.acknowledge', route: 'POST /api/v1/incidents/:id/acknowledge', outcome: 'accepted' },
    ]);
    const [userCreated] = byTarget.body.data.slice(-1);
    expect(userCreated.after).toMatch(/^[0-9a-f]{64}$/);
    const before = await sys.call('GET', `/api/v1/audit?target=user:ola&to=${encodeURIComponent(userCreated.at)}`);
    expect(before.body.data).toEqual([]);
    const raw = JSON.stringify((await sys.call('GET', '/api/v1/audit?limit=1000')).body);
    expect(raw).not.toContain(secret.slice(4));
    expect((await sys.call('GET', '/api/v1/audit?limit=0')).body.error.issues[0].path).toBe('limit');
    expect((await sys.call('GET', '/api/v1/audit', { token: tokens.responder })).status).toBe(403);
  });

  it('readiness names the contact methods this deployment cannot deliver', async () => {
    const res = await sys.call('GET', '/api/v1/readiness');
    expect(res.status).toBe(200);
    expect(res.body.channels).toMatchObject({
      voice: { deliverable: true },
      sms: { deliverable: true },
      webhook: { deliverable: false, why: 'VIGIL_WEBHOOK_SIGNING_SECRET is not set' },
      email: { deliverable: false },
    });
    expect(res.body.warnings).toEqual([]); // ola's rules include voice and SMS
  });
});

describe('voice and SMS replies through Twilio', () => {
  it('the call reads the incident, 1 acknowledges as the callee; an SMS reply resolves it', async () => {
    const id = await fireSev1(sys, { service: 'payments', summary: 'Card declines <50%>', dedupKey: 'phone' });
    try {
      const call = await eventually(async () => twilio.calls.find((c) => c.twiml.includes('Card declines')));
      expect(call).toMatchObject({ to: OLA.voice, from: FROM });
      expect(call.idempotencyToken).toContain(id);
      expect(call.twiml).toContain('<Gather numDigits="1"');
      expect(call.twiml).toContain('Press 1 to acknowledge, 2 to escalate.');

      const unsigned = await twilio.pressKey(call, '1', 'forged-signature=');
      expect(unsigned.status).toBe(403);
      const pressed = await twilio.pressKey(call, '1');
      expect(pressed.status).toBe(200);
      expect(await pressed.text()).toMatch(/<Say>Incident \d+ acknowledged\. Goodbye\.<\/Say>/);
      expect(await state(id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ola' });
      expect((await twilio.pressKey(call, '1')).status).toBe(403); // replayed: stale

      // The SMS page went out too; ola texts back "resolve".
      const sms = await eventually(async () => twilio.messages.find((m) => m.body.includes('Card declines')));
      expect(sms.body).toContain('Reply 1 to ack');
      await eventually(async () => {
        const s = await state(id);
        return s.timeline.some((e: any) => e.type === 'notified' && e.data?.channel === 'sms') ? true : undefined;
      });
      // The reply reads the read model: wait for it to hold the SMS page.
      const reply = await eventually(async () => {
        const r = await twilio.reply(sms, 'resolve');
        const text = await r.text();
        return text.includes('resolved') ? { status: r.status, text } : undefined;
      });
      expect(reply.status).toBe(200);
      expect(reply.text).toMatch(/<Message>Incident \d+ resolved\.<\/Message>/);
      expect(await state(id)).toMatchObject({ status: 'resolved', resolvedBy: 'ola' });

      const timeline = (await state(id)).timeline as any[];
      expect(timeline.filter((e) => e.type === 'notified').map((e) => e.data.channel)).toEqual(
        expect.arrayContaining(['voice', 'sms']),
      );
      const audit = await sys.call('GET', `/api/v1/audit?actor=ola&target=incident:${id}`);
      expect(audit.body.data.map((e: any) => [e.action, e.route, e.outcome])).toEqual(
        expect.arrayContaining([
          ['incident.resolve', 'POST /api/v1/integrations/twilio/sms', 'accepted'],
          ['incident.acknowledge', 'POST /api/v1/integrations/twilio/voice', 'accepted'],
        ]),
      );
    } finally {
      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }
  });
});
