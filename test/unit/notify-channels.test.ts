/**
 * SMS (Twilio-compatible), Slack (Web API and incoming webhook) and Teams channels
 * against a real HTTP receiver on loopback: payload shape, idempotency key, and the
 * transient / rejected classification the notify retry policy relies on.
 */
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChannel, SLACK_ACTIONS } from '../../integrations/slack/channel';
import { createSmsChannel } from '../../activities/notify/sms';
import { createTeamsChannel } from '../../activities/notify/teams';
import type { NotificationChannel } from '../../activities/notify/channel';
import { notificationIdempotencyKey, type Notification } from '../../domain/incident/notification';
import type { ContactMethodType } from '../../domain/config/user';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';

const log = pino({ level: 'silent' });
const NOW = Date.parse('2025-03-01T12:00:00Z');

function notification(type: ContactMethodType, address: string): Notification {
  return {
    idempotencyKey: notificationIdempotencyKey({
      workflowId: 'incident-database-2b92',
      runKey: 'run-1',
      level: 0,
      loop: 0,
      userId: 'alice',
      channel: `alice-${type}`,
    }),
    kind: 'page',
    incidentId: 'incident-database-2b92',
    incidentNumber: 42,
    service: 'database',
    severity: 'SEV1',
    status: 'triggered',
    summary: 'Disk full on db-1',
    level: 0,
    loop: 0,
    recipient: { userId: 'alice', name: 'Alice', contactMethod: { id: `alice-${type}`, type, address } },
    links: { incident: 'https://vigil.example.com/incidents/incident-database-2b92' },
    occurredAt: '2025-03-01T12:00:00.000Z',
  };
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

/** The classification every channel shares for HTTP answers. */
function classifiesStatuses(
  name: string,
  setup: () => { channel: () => NotificationChannel; n: () => Notification; rx: () => HttpReceiver },
) {
  describe(`${name}: classification`, () => {
    it.each([500, 502, 503])('%i is transient (retried)', async (status) => {
      const { channel, n, rx } = setup();
      rx().script([{ status, body: 'down' }]);
      const err = await failure(channel().send(n(), {}));
      expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false });
    });
    it('429 is transient with its Retry-After', async () => {
      const { channel, n, rx } = setup();
      rx().script([{ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' }]);
      const err = await failure(channel().send(n(), {}));
      expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false, nextRetryDelay: 7000 });
    });
    it.each([400, 401, 403, 404])('%i is rejected (not retried)', async (status) => {
      const { channel, n, rx } = setup();
      rx().script([{ status, body: 'no' }]);
      const err = await failure(channel().send(n(), {}));
      expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
    });
    it('an unreachable receiver is transient', async () => {
      const { channel, n, rx } = setup();
      await rx().close();
      const err = await failure(channel().send(n(), {}));
      expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false });
    });
  });
}

let rx: HttpReceiver;
beforeEach(async () => {
  rx = await startHttpReceiver();
});
afterEach(async () => {
  await rx.close();
});

describe('sms (Twilio-compatible)', () => {
  const sms = () =>
    createSmsChannel({
      baseUrl: `${rx.base}/twilio`,
      accountSid: 'AC123',
      authToken: 'tok-secret',
      from: '+15550001111',
      log,
      now: () => NOW,
    });

  it('posts the form to Messages.json with basic auth and the idempotency token', async () => {
    rx.script([{ status: 201, body: { sid: 'SM0001', status: 'queued' } }]);
    const n = notification('sms', '+15551234567');
    const receipt = await sms().send(n, {});
    expect(receipt).toMatchObject({
      channel: 'sms',
      idempotencyKey: n.idempotencyKey,
      status: 201,
      providerMessageId: 'SM0001',
    });
    const [req] = rx.received;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/twilio/2010-04-01/Accounts/AC123/Messages.json');
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from('AC123:tok-secret').toString('base64')}`);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req?.headers['i-twilio-idempotency-token']).toBe(n.idempotencyKey);
    const form = new URLSearchParams(req?.body);
    expect(form.get('To')).toBe('+15551234567');
    expect(form.get('From')).toBe('+15550001111');
    expect(form.get('Body')).toContain('[SEV1] #42 database');
    expect(form.get('Body')).toContain('Disk full on db-1');
  });

  it('refuses a number that is not E.164 without calling the API', async () => {
    const err = await failure(sms().send(notification('sms', '555-1234'), {}));
    expect(err).toMatchObject({ type: 'NotificationRejected' });
    expect(rx.received).toHaveLength(0);
  });

  classifiesStatuses('sms', () => ({ channel: sms, n: () => notification('sms', '+15551234567'), rx: () => rx }));
});

describe('slack bot token (chat.postMessage)', () => {
  const slack = () => createSlackChannel({ botToken: 'xoxb-secret', apiUrl: `${rx.base}/api`, log, now: () => NOW });

  it('posts a Block Kit DM with colour, fields, link, buttons and the key in metadata', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: '1700000000.000100', channel: 'D123' } }]);
    const n = notification('slack', 'U0123ABC');
    const receipt = await slack().send(n, {});
    expect(receipt).toMatchObject({
      channel: 'slack',
      idempotencyKey: n.idempotencyKey,
      providerMessageId: '1700000000.000100',
    });
    const [req] = rx.received;
    expect(req?.path).toBe('/api/chat.postMessage');
    expect(req?.headers.authorization).toBe('Bearer xoxb-secret');
    expect(req?.headers['idempotency-key']).toBe(n.idempotencyKey);
    const body = JSON.parse(req?.body ?? '{}');
    expect(body.channel).toBe('U0123ABC');
    expect(body.text).toBe('[SEV1] #42 database: Disk full on db-1');
    expect(body.metadata).toEqual({
      event_type: 'vigil_notification',
      event_payload: { idempotency_key: n.idempotencyKey, incident_id: n.incidentId },
    });
    const [attachment] = body.attachments;
    expect(attachment.color).toBe('#D00000');
    const text = JSON.stringify(attachment.blocks);
    expect(text).toContain('#42');
    expect(text).toContain('database');
    expect(text).toContain('https://vigil.example.com/incidents/incident-database-2b92');
    const actions = attachment.blocks.find((b: { type: string }) => b.type === 'actions');
    expect(actions.elements.map((e: { action_id: string; value: string }) => [e.action_id, e.value])).toEqual([
      [SLACK_ACTIONS.ack, n.incidentId],
      [SLACK_ACTIONS.resolve, n.incidentId],
      [SLACK_ACTIONS.escalate, n.incidentId],
    ]);
  });

  it('ok:false ratelimited is transient with Retry-After; 200 with internal_error too', async () => {
    rx.script([
      { status: 200, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } },
      { status: 200, body: { ok: false, error: 'internal_error' } },
    ]);
    const n = notification('slack', 'U0123ABC');
    expect(await failure(slack().send(n, {}))).toMatchObject({ type: 'NotificationTransient', nextRetryDelay: 3000 });
    expect(await failure(slack().send(n, {}))).toMatchObject({ type: 'NotificationTransient', nonRetryable: false });
  });

  it.each(['channel_not_found', 'invalid_auth', 'user_not_found', 'invalid_blocks'])(
    'ok:false %s is rejected',
    async (error) => {
      rx.script([{ status: 200, body: { ok: false, error } }]);
      const err = await failure(slack().send(notification('slack', 'U0123ABC'), {}));
      expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
      expect(err.message).toContain(error);
    },
  );

  it('a runbook step waiting for approval gets Approve / Deny naming the incident, run and step', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: '1', channel: 'D1' } }]);
    const n = {
      ...notification('slack', 'U0123ABC'),
      kind: 'update' as const,
      approval: { runId: 'restart-web-0a1b2c3d', step: 'confirm' },
    };
    await slack().send(n, {});
    const blocks = JSON.parse(rx.received[0]?.body ?? '{}').attachments[0].blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    const actions = blocks.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0]?.elements?.map((e) => [e.action_id, e.value])).toEqual([
      [SLACK_ACTIONS.approve, `${n.incidentId} restart-web-0a1b2c3d confirm`],
      [SLACK_ACTIONS.deny, `${n.incidentId} restart-web-0a1b2c3d confirm`],
    ]);
  });

  it('a resolved incident gets no buttons', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: '1' } }]);
    await slack().send({ ...notification('slack', 'U0123ABC'), kind: 'resolved', status: 'resolved' }, {});
    expect(rx.received[0]?.body).not.toContain('vigil_ack');
  });

  classifiesStatuses('slack api', () => ({ channel: slack, n: () => notification('slack', 'U0123ABC'), rx: () => rx }));
});

describe('slack incoming webhook', () => {
  const slack = () => createSlackChannel({ webhookUrl: `${rx.base}/services/T000/B000/XXXX`, log, now: () => NOW });

  it('posts the message mentioning the user; "ok" is delivered', async () => {
    const n = notification('slack', 'U0123ABC');
    await slack().send(n, {});
    const [req] = rx.received;
    expect(req?.path).toBe('/services/T000/B000/XXXX');
    expect(req?.headers['idempotency-key']).toBe(n.idempotencyKey);
    const body = JSON.parse(req?.body ?? '{}');
    expect(body.text).toMatch(/^<@U0123ABC> \[SEV1\] #42/);
    expect(body.attachments[0].color).toBe('#D00000');
  });

  classifiesStatuses('slack webhook', () => ({
    channel: slack,
    n: () => notification('slack', 'U0123ABC'),
    rx: () => rx,
  }));
});

describe('slack messages updated in place (chat.update)', () => {
  const slack = () => createSlackChannel({ botToken: 'xoxb-secret', apiUrl: `${rx.base}/api`, log, now: () => NOW });
  const ref = { channel: 'D123', ts: '1700000000.000100' };
  /** The update as a channel of its own, so the shared classification applies to it too. */
  const updater = (): NotificationChannel => ({ type: 'slack', send: (n, ctx) => slack().update!(n, ref, ctx) });
  const actionIds = (body: string) => {
    const blocks = JSON.parse(body).attachments[0].blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string }>;
    }>;
    return blocks.find((b) => b.type === 'actions')?.elements?.map((e) => e.action_id) ?? [];
  };

  it('a bot message receipt carries the conversation id and ts to update it by', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: ref.ts, channel: 'D123' } }]);
    expect(await slack().send(notification('slack', 'U0123ABC'), {})).toMatchObject({ messageRef: ref });
  });

  it('rewrites the message with who acknowledged, and drops the Acknowledge button', async () => {
    rx.script([{ status: 200, body: { ok: true, ts: ref.ts, channel: 'D123' } }]);
    const n = { ...notification('slack', 'U0123ABC'), status: 'acknowledged' as const, acknowledgedBy: 'bob' };
    const receipt = await slack().update!(n, ref, {});
    expect(receipt).toMatchObject({ channel: 'slack', messageRef: ref, status: 200 });
    const [req] = rx.received;
    expect(req?.path).toBe('/api/chat.update');
    expect(req?.headers.authorization).toBe('Bearer xoxb-secret');
    const body = JSON.parse(req?.body ?? '{}');
    expect(body).toMatchObject({ channel: 'D123', ts: ref.ts, text: '[SEV1] #42 database: Disk full on db-1' });
    expect(JSON.stringify(body.attachments[0].blocks)).toContain('acknowledged by bob');
    expect(actionIds(req?.body ?? '')).toEqual([SLACK_ACTIONS.resolve, SLACK_ACTIONS.escalate]);
  });

  it('a resolved incident keeps no buttons and says who resolved it', async () => {
    rx.script([{ status: 200, body: { ok: true } }]);
    await slack().update!({ ...notification('slack', 'U0123ABC'), status: 'resolved', resolvedBy: 'carol' }, ref, {});
    expect(actionIds(rx.received[0]?.body ?? '')).toEqual([]);
    expect(rx.received[0]?.body).toContain('resolved by carol');
  });

  it.each(['message_not_found', 'cant_update_message', 'edit_window_closed'])(
    'ok:false %s is rejected',
    async (error) => {
      rx.script([{ status: 200, body: { ok: false, error } }]);
      expect(await failure(updater().send(notification('slack', 'U0123ABC'), {}))).toMatchObject({
        type: 'NotificationRejected',
      });
    },
  );

  it('ok:false ratelimited is transient with its Retry-After', async () => {
    rx.script([{ status: 200, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } }]);
    expect(await failure(updater().send(notification('slack', 'U0123ABC'), {}))).toMatchObject({
      type: 'NotificationTransient',
      nextRetryDelay: 2000,
    });
  });

  it('an incoming webhook cannot update what it posted: refused without a request', async () => {
    const hook = createSlackChannel({ webhookUrl: `${rx.base}/services/T000/B000/XXXX`, log, now: () => NOW });
    expect(await failure(hook.update!(notification('slack', 'U0123ABC'), ref, {}))).toMatchObject({
      type: 'NotificationRejected',
    });
    expect(rx.received).toHaveLength(0);
  });

  classifiesStatuses('slack chat.update', () => ({
    channel: updater,
    n: () => notification('slack', 'U0123ABC'),
    rx: () => rx,
  }));
});

describe('teams incoming webhook', () => {
  const teams = () => createTeamsChannel({ log, now: () => NOW });
  const n = () => notification('teams', `${rx.base}/webhookb2/abc`);

  it('posts a MessageCard with theme colour, facts and Acknowledge / Resolve / Open buttons', async () => {
    rx.script([{ status: 200, body: '1' }]);
    const receipt = await teams().send(n(), {});
    expect(receipt).toMatchObject({ channel: 'teams', status: 200 });
    const [req] = rx.received;
    expect(req?.headers['idempotency-key']).toBe(n().idempotencyKey);
    const card = JSON.parse(req?.body ?? '{}');
    expect(card['@type']).toBe('MessageCard');
    expect(card.themeColor).toBe('D00000');
    expect(card.title).toBe('[SEV1] #42 database: Disk full on db-1');
    expect(card.sections[0].facts).toContainEqual({ name: 'Service', value: 'database' });
    expect(
      card.potentialAction.map((a: { name: string; targets: Array<{ uri: string }> }) => [a.name, a.targets[0]?.uri]),
    ).toEqual([
      ['Acknowledge', 'https://vigil.example.com/incidents/incident-database-2b92?action=acknowledge'],
      ['Resolve', 'https://vigil.example.com/incidents/incident-database-2b92?action=resolve'],
      ['Open incident', 'https://vigil.example.com/incidents/incident-database-2b92'],
    ]);
  });

  it("a 200 carrying Teams' throttling text is transient", async () => {
    rx.script([{ status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId ...' }]);
    expect(await failure(teams().send(n(), {}))).toMatchObject({ type: 'NotificationTransient' });
  });

  classifiesStatuses('teams', () => ({ channel: teams, n, rx: () => rx }));
});
