/**
 * Email channel against a real SMTP server (smtp-server, from the nodemailer project)
 * on loopback: multipart text + HTML, Message-ID from the idempotency key, and SMTP
 * 4xx deferrals retried while 5xx refusals are not.
 */
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmailChannel, emailMessageId } from '../../activities/notify/email';
import { notificationIdempotencyKey, type Notification } from '../../domain/incident/notification';

const log = pino({ level: 'silent' });
const FROM = 'Vigil <vigil@alerts.example.com>';

interface Mail {
  from?: string;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let port: number;
let mails: Mail[];
/** SMTP reply for RCPT TO, when set: e.g. 450 (mailbox busy) or 550 (no such user). */
let rcptReply: { code: number; message: string } | undefined;

beforeEach(async () => {
  mails = [];
  rcptReply = undefined;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!rcptReply) return callback();
      const err = Object.assign(new Error(rcptReply.message), { responseCode: rcptReply.code });
      return callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          // Headers unfolded (long ones wrap onto continuation lines).
          raw: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/\r?\n[ \t]+/g, ' '),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function notification(address = 'alice@example.com'): Notification {
  return {
    idempotencyKey: notificationIdempotencyKey({
      workflowId: 'incident-database-2b92',
      runKey: 'run-1',
      level: 0,
      loop: 0,
      userId: 'alice',
      channel: 'alice-email',
    }),
    kind: 'page',
    incidentId: 'incident-database-2b92',
    incidentNumber: 42,
    service: 'database',
    severity: 'SEV2',
    status: 'triggered',
    summary: 'Disk <full> on db-1',
    level: 0,
    loop: 0,
    recipient: { userId: 'alice', contactMethod: { id: 'alice-email', type: 'email', address } },
    links: { incident: 'https://vigil.example.com/incidents/incident-database-2b92' },
    occurredAt: '2025-03-01T12:00:00.000Z',
  };
}

const channel = (p = port) =>
  createEmailChannel({ smtpUrl: `smtp://127.0.0.1:${p}`, from: FROM, log, timeoutMs: 3000 });

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('email channel (SMTP)', () => {
  it('delivers a multipart text + HTML message with a Message-ID from the idempotency key', async () => {
    const n = notification();
    const receipt = await channel().send(n, {});
    const messageId = emailMessageId(n.idempotencyKey, FROM);
    expect(messageId).toMatch(/^<[0-9a-f]{32}@alerts\.example\.com>$/);
    expect(receipt).toMatchObject({ channel: 'email', idempotencyKey: n.idempotencyKey, providerMessageId: messageId });
    expect(mails).toHaveLength(1);
    const mail = mails[0] as Mail;
    expect(mail.from).toBe('vigil@alerts.example.com');
    expect(mail.to).toEqual(['alice@example.com']);
    expect(mail.raw).toContain(`Message-ID: ${messageId}`);
    expect(mail.raw).toContain(`X-Vigil-Idempotency-Key: ${n.idempotencyKey}`);
    expect(mail.raw).toMatch(/Subject: \[SEV2\] #42 database: Disk <full> on db-1/);
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    expect(mail.raw).toContain('Disk &lt;full&gt; on'); // escaped in HTML (quoted-printable may wrap the rest)
  });

  it('a retry carries the same Message-ID', async () => {
    const n = notification();
    await channel().send(n, {});
    await channel().send(n, {});
    const ids = mails.map((m) => /Message-ID: (\S+)/.exec(m.raw)?.[1]);
    expect(ids[0]).toBeDefined();
    expect(ids[0]).toBe(ids[1]);
  });

  it('SMTP 4xx is transient (retried)', async () => {
    rcptReply = { code: 450, message: 'Mailbox busy, try later' };
    const err = await failure(channel().send(notification(), {}));
    expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false });
  });

  it('SMTP 5xx is rejected (not retried)', async () => {
    rcptReply = { code: 550, message: 'No such user' };
    const err = await failure(channel().send(notification(), {}));
    expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true });
  });

  it('an unreachable SMTP server is transient', async () => {
    const closedPort = port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const err = await failure(channel(closedPort).send(notification(), {}));
    expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false });
  });

  it('an invalid address is rejected without connecting', async () => {
    const err = await failure(channel().send(notification('not-an-address'), {}));
    expect(err).toMatchObject({ type: 'NotificationRejected' });
    expect(mails).toHaveLength(0);
  });
});
