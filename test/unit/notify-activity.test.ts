import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createNotifyActivities,
  createWebhookChannel,
  type NotificationChannel,
  type NotifyDeps,
} from '../../activities/notify';
import { channelAvailability } from '../../lib/channels';
import { notificationIdempotencyKey, type Notification } from '../../domain/incident/notification';
import { NOTIFY_PROFILE } from '../../workflows/activity-profiles';
import type { ContactMethodType } from '../../domain/config/user';

/** A real HTTP receiver on loopback that records idempotency keys; `reply` answers. */
async function startReceiver() {
  const keys: string[] = [];
  const state: { reply: (res: ServerResponse) => void } = { reply: (res) => res.writeHead(200).end('ok') };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      keys.push(String(req.headers['idempotency-key']));
      state.reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, keys, state, close };
}

const ADDRESSES: Record<ContactMethodType, string> = {
  email: 'alice@example.com',
  sms: '+15551234567',
  voice: '+15551234567',
  slack: 'U0123ABC',
  webhook: '',
  teams: 'https://example.webhook.office.com/webhookb2/x',
};

function notification(type: ContactMethodType, address = ADDRESSES[type]): Notification {
  const channel = `alice-${type}`;
  return {
    idempotencyKey: notificationIdempotencyKey({
      workflowId: 'incident-db-1',
      runKey: 'run-1',
      level: 0,
      loop: 0,
      userId: 'alice',
      channel,
    }),
    kind: 'page',
    incidentId: 'incident-db-1',
    service: 'database',
    severity: 'SEV2',
    status: 'triggered',
    summary: 'Replication lag',
    level: 0,
    loop: 0,
    recipient: { userId: 'alice', contactMethod: { id: channel, type, address } },
    occurredAt: '2026-03-08T09:00:00.000Z',
  };
}

/** A channel double for a contact type the webhook cannot serve; records what it got. */
function recordingChannel(type: string, fail?: Error) {
  const sent: Notification[] = [];
  const channel: NotificationChannel = {
    type,
    async send(n) {
      sent.push(n);
      if (fail) throw fail;
      return { channel: type, idempotencyKey: n.idempotencyKey, deliveredAt: new Date().toISOString() };
    },
  };
  return { channel, sent };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let lines: string[];
const log = () => pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

function activities(
  extra: Partial<Record<ContactMethodType, NotificationChannel>> = {},
  opts: Pick<NotifyDeps, 'availability' | 'logOnly'> = {},
) {
  const webhook = createWebhookChannel({ signingSecret: 'whsec-0123456789abcdef', timeoutMs: 2_000, log: log() });
  return createNotifyActivities({ channels: { webhook, ...extra }, log: log(), ...opts });
}

beforeEach(async () => {
  receiver = await startReceiver();
  lines = [];
});
afterEach(() => receiver.close());

describe('updateNotification', () => {
  const ref = { channel: 'D123', ts: '1.0' };
  it('rewrites through the channel that can update, with the ref it was given', async () => {
    const got: Array<[string, string]> = [];
    const slack: NotificationChannel = {
      ...recordingChannel('slack').channel,
      async update(n, r) {
        got.push([n.status, r.ts]);
        return { channel: 'slack', idempotencyKey: n.idempotencyKey, deliveredAt: n.occurredAt, messageRef: r };
      },
    };
    const { updateNotification } = activities({ slack });
    const receipt = await updateNotification({
      notification: { ...notification('slack'), status: 'acknowledged' },
      messageRef: ref,
    });
    expect(receipt.messageRef).toEqual(ref);
    expect(got).toEqual([['acknowledged', '1.0']]);
    expect(logged().some((l) => l.msg === 'notification updated')).toBe(true);
  });

  it('refuses, without retry, for a channel that cannot update messages', async () => {
    const { updateNotification } = activities();
    await expect(
      updateNotification({ notification: notification('webhook', receiver.url), messageRef: ref }),
    ).rejects.toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
    expect(receiver.keys).toEqual([]);
  });
});

describe('sendNotification: dispatch', () => {
  it('picks the channel by contact type', async () => {
    const email = recordingChannel('email');
    const { sendNotification } = activities({ email: email.channel });

    const hook = await sendNotification({ notification: notification('webhook', receiver.url) });
    const mail = await sendNotification({ notification: notification('email') });

    expect(hook).toMatchObject({ channel: 'webhook', status: 200 });
    expect(receiver.keys).toEqual(['incident-db-1:run-1:L1:R1:alice:alice-webhook']);
    expect(mail.channel).toBe('email');
    expect(email.sent.map((n) => n.recipient.contactMethod.id)).toEqual(['alice-email']);
  });

  it('fails a type whose channel is not configured as channel_not_configured, non-retryable, naming why', async () => {
    const { sendNotification } = activities({}, { availability: channelAvailability({}) });
    const err = await sendNotification({ notification: notification('sms') }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'channel_not_configured', nonRetryable: true });
    expect((err as ApplicationFailure).message).toContain('VIGIL_TWILIO_ACCOUNT_SID');
    expect((err as ApplicationFailure).details).toEqual([
      expect.objectContaining({ reason: 'channel_not_configured', contactType: 'sms' }),
    ]);
    // Nothing was attempted, and the log keeps the address out.
    expect(receiver.keys).toEqual([]);
    expect(logged().some((l) => l.msg === 'notification delivered')).toBe(false);
    expect(lines.join('\n')).not.toContain('+15551234567');
  });

  it('with logOnly (development) writes the page to the log as "logged, not delivered"', async () => {
    const { sendNotification } = activities({}, { logOnly: true });
    const receipt = await sendNotification({ notification: notification('sms') });

    expect(receipt).toMatchObject({
      channel: 'log',
      logged: true,
      idempotencyKey: 'incident-db-1:run-1:L1:R1:alice:alice-sms',
    });
    const entry = logged().find((l) => l.msg === 'notification logged, not delivered (VIGIL_NOTIFY_LOG_ONLY)');
    expect(entry).toMatchObject({ kind: 'page', contactType: 'sms', contactMethodId: 'alice-sms' });
    expect(lines.join('\n')).not.toContain('+15551234567');
    expect(receiver.keys).toEqual([]);
  });

  it('does not mistake inherited object keys for channels', async () => {
    const odd = notification('sms');
    (odd.recipient.contactMethod as { type: string }).type = 'constructor';
    await expect(
      activities({}, { availability: channelAvailability({}) }).sendNotification({ notification: odd }),
    ).rejects.toMatchObject({
      type: 'channel_not_configured',
      message: expect.stringContaining('no constructor channel'),
    });
    await expect(activities({}, { logOnly: true }).sendNotification({ notification: odd })).resolves.toMatchObject({
      channel: 'log',
    });
  });

  it('wraps an unclassified channel error as transient and refuses a notification without a key', async () => {
    const broken = recordingChannel('email', new Error('socket hang up'));
    const { sendNotification } = activities({ email: broken.channel });
    await expect(sendNotification({ notification: notification('email') })).rejects.toMatchObject({
      type: 'NotificationTransient',
      nonRetryable: false,
      message: 'email channel unreachable: socket hang up',
    });
    const keyless = { ...notification('email'), idempotencyKey: '' };
    await expect(sendNotification({ notification: keyless })).rejects.toMatchObject({
      type: 'NotificationRejected',
      nonRetryable: true,
    });
    expect(broken.sent).toHaveLength(1);
  });
});

describe('sendNotification in an activity context (MockActivityEnvironment)', () => {
  // The SDK's own "Activity failed" warnings would only repeat what the tests assert.
  const quiet = (info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}) =>
    new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
  const run = (env: MockActivityEnvironment, n: Notification) =>
    env.run(activities().sendNotification, { notification: n });

  it('surfaces a 5xx as a retryable NotificationTransient', async () => {
    receiver.state.reply = (res) => res.writeHead(503, { 'retry-after': '3' }).end();
    const err = await run(quiet({ attempt: 3 }), notification('webhook', receiver.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false, nextRetryDelay: 3000 });
    expect(NOTIFY_PROFILE.retry?.nonRetryableErrorTypes).not.toContain((err as ApplicationFailure).type);
    expect(logged().find((l) => l.msg === 'notification failed')).toMatchObject({ attempt: 3, channel: 'webhook' });
  });

  it('surfaces a 4xx as a non-retryable NotificationRejected that the retry policy also lists', async () => {
    receiver.state.reply = (res) => res.writeHead(410).end('gone');
    const err = await run(quiet(), notification('webhook', receiver.url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
    expect(NOTIFY_PROFILE.retry?.nonRetryableErrorTypes).toContain((err as ApplicationFailure).type);
  });

  it('returns the receipt on success', async () => {
    const receipt = await run(quiet(), notification('webhook', receiver.url));
    expect(receipt).toMatchObject({ channel: 'webhook', status: 200 });
  });

  it('lets a request in flight finish when the activity is cancelled, so what the receiver took is recorded', async () => {
    let answer: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => {
      receiver.state.reply = (res) => {
        answer = () => res.writeHead(200).end('ok');
        resolve();
      };
    });
    const env = quiet();
    const sending = run(env, notification('webhook', receiver.url));
    await arrived;
    env.cancel('CANCELLED'); // an acknowledgement cancels the send while the receiver works
    answer?.();
    await expect(sending).resolves.toMatchObject({ channel: 'webhook', status: 200 });
  });
});
