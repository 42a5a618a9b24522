/**
 * Twilio: the X-Twilio-Signature scheme against vectors computed from Twilio's documented
 * algorithm, SMS reply parsing, the call's TwiML, the voice channel's request, and the two
 * callback routes through the real app (fake gateway and directory, in-memory audit log).
 */
import pino from 'pino';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { conflict } from '../../api/errors';
import type { Notification } from '../../domain/incident/notification';
import type { TwilioDirectory } from '../../integrations/twilio/directory';
import { twilioSignature, verifyTwilioSignature } from '../../integrations/twilio/signature';
import { parseSmsReply } from '../../integrations/twilio/sms-replies';
import { createVoiceChannel, pageTwiml, voiceCallbackUrl } from '../../integrations/twilio/voice';
import { smsBody, SMS_REPLY_HINT } from '../../activities/notify/sms';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { memoryAuditLog } from '../helpers/memory-stores';

/*
 * Vectors from Twilio's documented algorithm (https://www.twilio.com/docs/usage/security),
 * the example its helper libraries test with (twilio-php RequestValidatorTest), each
 * recomputed independently of this code with Python's hmac module:
 *
 *   import hmac, hashlib, base64
 *   def sig(token, url, params):  # params: [(name, value)]
 *       data = url
 *       for k in sorted({k for k, _ in params}):
 *           for v in sorted({v for kk, v in params if kk == k}): data += k + v
 *       return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()
 *
 *   sig('12345', URL, DOCS)                     -> 'RSOYDt4T1cUTdK1PDd93/VVr8B8='
 *   sig('12345', URL, [('Sid','CA123'), ('SidAccount','AC123'),
 *       ('Digits','5678'), ('Digits','1234'), ('Digits','1234')])  -> 'IK+Dwps556ElfBT0I3Rgjkr1wJU='
 *   sig('12345', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', DOCS) -> 'kvajT1Ptam85bY51eRf/AJRuM3w='
 */
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOCS: Array<[string, string]> = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+14158675309'],
  ['Digits', '1234'],
  ['From', '+14158675309'],
  ['To', '+18005551212'],
];

describe('X-Twilio-Signature', () => {
  it("matches Twilio's documented example, in any parameter order", () => {
    expect(twilioSignature('12345', URL_, DOCS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(twilioSignature('12345', URL_, [...DOCS].reverse())).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature('12345', URL_, new URLSearchParams(DOCS), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
  });

  it('signs a repeated name once per distinct value, values sorted', () => {
    const repeated: Array<[string, string]> = [
      ['Sid', 'CA123'],
      ['SidAccount', 'AC123'],
      ['Digits', '5678'],
      ['Digits', '1234'],
      ['Digits', '1234'],
    ];
    expect(twilioSignature('12345', URL_, repeated)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('accepts the URL with or without the default port, as Twilio may sign either', () => {
    expect(verifyTwilioSignature('12345', URL_, DOCS, 'kvajT1Ptam85bY51eRf/AJRuM3w=')).toBe(true);
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature('12345', withPort, DOCS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(
      verifyTwilioSignature(
        '12345',
        'https://mycompany.com:8443/myapp.php?foo=1&bar=2',
        DOCS,
        'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
      ),
    ).toBe(false);
  });

  it.each<[string, string, string, Array<[string, string]>, string | undefined]>([
    ['another token', 'other', URL_, DOCS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['another URL', '12345', `${URL_}&x=1`, DOCS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    [
      'a changed value',
      '12345',
      URL_,
      [...DOCS.slice(0, 2), ['Digits', '9999'], ...DOCS.slice(3)],
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    ],
    ['an added parameter', '12345', URL_, [...DOCS, ['Extra', '1']], 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['no signature', '12345', URL_, DOCS, undefined],
    ['a shorter signature', '12345', URL_, DOCS, 'RSOYDt4T1cUTdK1PDd93'],
    ['garbage', '12345', URL_, DOCS, 'not base64 at all ✗'],
  ])('refuses %s', (_name, token, url, params, signature) => {
    expect(verifyTwilioSignature(token, url, params, signature)).toBe(false);
  });
});

describe('SMS replies', () => {
  it.each([
    ['1', { action: 'acknowledge' }],
    ['ACK', { action: 'acknowledge' }],
    [' ack 42 ', { action: 'acknowledge', number: 42 }],
    ['Acknowledge #7.', { action: 'acknowledge', number: 7 }],
    ['2', { action: 'escalate' }],
    ['escalate 3', { action: 'escalate', number: 3 }],
    ['resolve', { action: 'resolve' }],
    ['Resolved!', { action: 'resolve' }],
    ['resolve #12', { action: 'resolve', number: 12 }],
    ['3', undefined],
    ['ok thanks', undefined],
    ['constructor', undefined],
    ['', undefined],
  ])('%j', (body, expected) => {
    expect(parseSmsReply(body)).toEqual(expected);
  });
});

const ID = 'incident-checkout-0123456789abcdef01234567';
const notification = (over: Partial<Notification> = {}): Notification => ({
  idempotencyKey: `${ID}:run-1:L1:R1:ola:phone`,
  kind: 'page',
  incidentId: ID,
  incidentNumber: 42,
  service: 'checkout',
  severity: 'SEV1',
  status: 'triggered',
  summary: 'Error rate over 5% & "rising" <b>',
  recipient: { userId: 'ola', contactMethod: { id: 'phone', type: 'voice', address: '+15551234567' } },
  occurredAt: '2026-03-02T12:00:00.000Z',
  ...over,
});

describe('SMS pages', () => {
  it('say how to reply when replies reach Vigil, keeping the link whole', () => {
    const link = `https://vigil.example.com/respond/${'x'.repeat(120)}`;
    const page = smsBody(notification({ summary: 'y'.repeat(400), links: { incident: link } }), true);
    expect(page.length).toBeLessThanOrEqual(300);
    expect(page).toContain(`\n${link}\n${SMS_REPLY_HINT}`);
    expect(smsBody(notification(), false)).not.toContain('Reply');
    expect(smsBody(notification({ kind: 'resolved', status: 'resolved' }), true)).not.toContain('Reply');
  });
});

describe('the call', () => {
  const action = voiceCallbackUrl('https://vigil.example.com/', { i: ID, n: 42, u: 'ola', t: 1772452800 });

  it('reads the incident inside a one-key Gather whose action is the signed callback URL, escaped', () => {
    expect(action).toBe(`https://vigil.example.com/api/v1/integrations/twilio/voice?i=${ID}&n=42&u=ola&t=1772452800`);
    const xml = pageTwiml(notification(), action);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Gather numDigits="1" /);
    expect(xml).toContain(`action="${action.replace(/&/g, '&amp;')}"`);
    // Escaped for XML; markup-like symbols are not read out.
    expect(xml).toContain(
      '<Say loop="2">Vigil page. SEV1 incident 42 on checkout: Error rate over 5% &amp; &quot;rising&quot;  b . Incident triggered at Mon 2 Mar 12:00 UTC.',
    );
    expect(xml).toContain('Press 1 to acknowledge, 2 to escalate.</Say></Gather><Say>No key pressed. Goodbye.</Say>');
  });

  it('offers no keys for a resolved incident or without a callback URL', () => {
    expect(pageTwiml(notification({ status: 'resolved', kind: 'resolved' }), action)).not.toContain('Gather');
    expect(pageTwiml(notification())).not.toContain('Gather');
  });

  let rx: HttpReceiver;
  beforeEach(async () => {
    rx = await startHttpReceiver(() => ({ status: 201, body: { sid: `CA${'0'.repeat(32)}` } }));
  });
  afterEach(async () => rx.close());

  it('POSTs To, From and the TwiML to Calls.json with the idempotency token', async () => {
    const channel = createVoiceChannel({
      baseUrl: `${rx.base}/twilio`,
      accountSid: 'AC123',
      authToken: 'tok-secret',
      from: '+15550001111',
      publicUrl: 'https://vigil.example.com',
      log: pino({ level: 'silent' }),
      now: () => Date.parse('2026-03-02T12:05:00Z'),
    });
    const n = notification();
    const receipt = await channel.send(n, {});
    expect(receipt).toMatchObject({ channel: 'voice', status: 201, providerMessageId: `CA${'0'.repeat(32)}` });
    const [req] = rx.received;
    expect(req?.path).toBe('/twilio/2010-04-01/Accounts/AC123/Calls.json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('AC123:tok-secret').toString('base64')}`);
    expect(req?.headers['i-twilio-idempotency-token']).toBe(n.idempotencyKey);
    const form = new URLSearchParams(req?.body);
    expect(form.get('To')).toBe('+15551234567');
    expect(form.get('From')).toBe('+15550001111');
    // t is when the page was decided (occurredAt), so every retry places the same call.
    expect(form.get('Twiml')).toContain(`t=${Date.parse(n.occurredAt) / 1000}`);
    const bad = channel.send(
      notification({ recipient: { ...n.recipient, contactMethod: { id: 'p', type: 'voice', address: '555' } } }),
      {},
    );
    await expect(bad).rejects.toMatchObject({ type: 'NotificationRejected' });
  });
});

describe('callbacks', () => {
  const TOKEN = 'twilio-auth-token-0123456789';
  const PUBLIC = 'https://vigil.example.com/base';
  const NOW = Date.parse('2026-03-02T12:10:00Z');
  const T = Date.parse('2026-03-02T12:00:00Z') / 1000;
  const OLA = { sms: '+15551230001', voice: '+15551230002' };
  let commands: Array<{ id: string; name: string; cmd: { by: string; note?: string } }>;
  let audit: ReturnType<typeof memoryAuditLog>;
  let claimed: Set<string>;
  let refuse: boolean;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    commands = [];
    claimed = new Set();
    refuse = false;
    audit = memoryAuditLog();
    const directory: TwilioDirectory = {
      userByPhone: async (type, phone) => (phone === OLA[type] ? { id: 'ola', name: 'Ola' } : undefined),
      smsPages: async (userId) =>
        userId === 'ola'
          ? [
              { incidentId: ID, number: 42, at: '2026-03-02T12:00:00Z' },
              { incidentId: `${ID.slice(0, -1)}8`, number: 41, at: '2026-03-02T11:00:00Z' },
            ]
          : [],
      claim: async (key) => !claimed.has(key) && Boolean(claimed.add(key)),
    };
    const incidents = {
      state: async () => ({ number: 42 }),
      command: async (id: string, name: string, cmd: { by: string }) => {
        if (refuse) throw conflict('incident is already acknowledged by kim');
        commands.push({ id, name, cmd });
        return { number: id === ID ? 42 : 41 };
      },
    };
    app = createApp({
      log: pino({ level: 'silent' }),
      audit,
      incidents,
      credentials: { ingestKeys: [], responderTokens: [], adminTokens: [] },
      twilio: { authToken: TOKEN, publicUrl: PUBLIC, directory, now: () => NOW },
    } as unknown as AppDeps);
  });

  /** Posts the form as Twilio would: signed over the public URL of the path. */
  const post = (path: string, form: Record<string, string>, opts: { sign?: string; token?: string } = {}) => {
    const body = new URLSearchParams(form);
    const signature = twilioSignature(opts.token ?? TOKEN, opts.sign ?? `${PUBLIC}${path}`, body);
    return request(app)
      .post(path)
      .set('content-type', 'application/x-www-form-urlencoded')
      .set('x-twilio-signature', signature)
      .send(body.toString());
  };
  const voicePath = (over: Record<string, string> = {}) =>
    `/api/v1/integrations/twilio/voice?${new URLSearchParams({ i: ID, n: '42', u: 'ola', t: String(T), ...over })}`;
  const call = (Digits?: string, CallSid = `CA${'a'.repeat(32)}`) => ({
    CallSid,
    To: OLA.voice,
    From: '+15550001111',
    ...(Digits === undefined ? {} : { Digits }),
  });

  it('a key pressed on the call acts as the user called, and is audited as them', async () => {
    const res = await post(voicePath(), call('1'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.text).toContain('<Say>Incident 42 acknowledged. Goodbye.</Say>');
    expect(commands).toEqual([{ id: ID, name: 'acknowledge', cmd: { by: 'ola', note: 'by phone' } }]);
    expect((await post(voicePath(), call('2', `CA${'b'.repeat(32)}`))).text).toContain('Incident 42 escalated.');
    expect(audit.entries.map((e) => [e.actor, e.action, e.target, e.outcome])).toEqual([
      ['ola', 'incident.acknowledge', `incident:${ID}`, 'accepted'],
      ['ola', 'incident.escalate', `incident:${ID}`, 'accepted'],
    ]);
  });

  it('refuses unsigned, forged and Host-signed callbacks without acting or auditing', async () => {
    const unsigned = await request(app)
      .post(voicePath())
      .type('form')
      .send(new URLSearchParams(call('1')).toString());
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.error.code).toBe('invalid_signature');
    expect((await post(voicePath(), call('1'), { token: 'someone-else' })).status).toBe(403);
    // Signed for the URL the request came in on (Host), not the configured public one.
    expect((await post(voicePath(), call('1'), { sign: `http://127.0.0.1${voicePath()}` })).status).toBe(403);
    expect(commands).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('refuses stale callbacks: a call placed over 30 minutes ago, or one that already acted', async () => {
    const old = await post(voicePath({ t: String(T - 31 * 60 + 10 * 60) }), call('1'));
    expect(old.status).toBe(403);
    expect(old.body.error).toMatchObject({ code: 'stale_callback' });
    expect((await post(voicePath(), call('1'))).status).toBe(200);
    const replay = await post(voicePath(), call('1'));
    expect(replay.status).toBe(403);
    expect(replay.body.error.message).toBe('this call has already acted');
    expect(commands).toHaveLength(1);
    expect(audit.entries.map((e) => [e.outcome, e.reason])).toEqual([
      ['refused', 'the call was placed more than 30 minutes ago'],
      ['accepted', undefined],
      ['refused', 'this call has already acted'],
    ]);
  });

  it('asks again for another key, says why a command was refused, and notices a later incident', async () => {
    const again = await post(voicePath(), call('9'));
    expect(again.text).toContain('<Gather numDigits="1"');
    expect(again.text).toContain(`action="${`${PUBLIC}${voicePath()}`.replace(/&/g, '&amp;')}"`);
    refuse = true;
    expect((await post(voicePath(), call('1'))).text).toContain(
      'Not acknowledged: incident is already acknowledged by kim.',
    );
    refuse = false;
    const later = await post(voicePath({ n: '40' }), call('1', `CA${'c'.repeat(32)}`));
    expect(later.text).toContain('This page was for incident 40, which has ended.');
    expect(commands).toEqual([]);
  });

  it('400 naming a bad field; 403 when the number called is not the user’s', async () => {
    const missing = await post(voicePath(), { To: OLA.voice, Digits: '1' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues[0].path).toBe('CallSid');
    const badRef = await post(voicePath({ u: 'Not A Slug' }), call('1'));
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.issues[0].path).toBe('u');
    const other = await post(voicePath({ u: 'kim' }), call('1'));
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('unknown_callee');
  });

  const sms = (Body: string, sid = 'a', From = OLA.sms) => ({
    MessageSid: `SM${sid.repeat(32).slice(0, 32)}`,
    From,
    To: '+15550001111',
    Body,
  });
  const smsPath = '/api/v1/integrations/twilio/sms';

  it('an SMS reply acts on the newest page, or the incident it names, and texts the outcome', async () => {
    const ack = await post(smsPath, sms('ack'));
    expect(ack.status).toBe(200);
    expect(ack.text).toContain('<Message>Incident 42 acknowledged.</Message>');
    const named = await post(smsPath, sms('resolve 41', 'b'));
    expect(named.text).toContain('Incident 41 resolved.');
    expect(commands.map((c) => [c.id.slice(-1), c.name, c.cmd.by, c.cmd.note])).toEqual([
      ['7', 'acknowledge', 'ola', 'by SMS reply'],
      ['8', 'resolve', 'ola', 'by SMS reply'],
    ]);
    expect((await post(smsPath, sms('ack 99', 'c'))).text).toContain('No open incident #99 was paged to this number.');
    expect((await post(smsPath, sms('thanks', 'd'))).text).toContain('Reply 1 (or &quot;ack&quot;)');
    expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([
      ['incident.acknowledge', 'accepted'],
      ['incident.resolve', 'accepted'],
      ['incident.acknowledge', 'refused'],
      ['incident.sms-reply', 'refused'],
    ]);
  });

  it('ignores a number no user has, refuses a replayed message, names a bad field', async () => {
    const stranger = await post(smsPath, sms('ack', 'a', '+15559999999'));
    expect(stranger.status).toBe(200);
    expect(stranger.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect((await post(smsPath, sms('ack', 'e'))).status).toBe(200);
    const replay = await post(smsPath, sms('ack', 'e'));
    expect(replay.status).toBe(403);
    expect(replay.body.error).toMatchObject({ code: 'stale_callback', message: 'this message was already handled' });
    const bad = await post(smsPath, { ...sms('ack', 'f'), From: '555' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('From');
    expect(commands).toHaveLength(1);
  });
});
