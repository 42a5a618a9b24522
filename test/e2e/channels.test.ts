/**
 * Email and Teams through the real worker, wired from the environment: a real SMTP
 * server (smtp-server) and a local receiver standing in for a Teams incoming webhook.
 * One page reaches both, each with the incident's idempotency key, and both land on the
 * timeline as delivered.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

let sys: System;
let smtp: SMTPServer;
let teams: HttpReceiver;
const mails: Array<{ to: string[]; raw: string }> = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks)
            .toString('utf8')
            .replace(/\r?\n[ \t]+/g, ' '),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  teams = await startHttpReceiver(() => ({ status: 200, body: '1' }));
  sys = await startSystem('channels', {
    VIGIL_MINUTE_MS: '1000',
    VIGIL_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    VIGIL_SMTP_FROM: 'Vigil <vigil@alerts.example.com>',
  });
  await seedOnePersonService(sys, {
    serviceId: 'mailer',
    contactMethods: [
      { id: 'mail', type: 'email', address: 'ola@example.com' },
      { id: 'teams', type: 'teams', address: `${teams.base}/webhookb2/ola` },
    ],
  });
});

afterAll(async () => {
  await sys?.stop();
  await teams?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

describe('email and Teams channels on the real worker', () => {
  it('a page arrives by SMTP and at the Teams webhook, and both are recorded', async () => {
    const id = await fireSev1(sys, { service: 'mailer', summary: 'Queue backlog', dedupKey: 'backlog' });
    try {
      await teams.waitFor('teams card', () => teams.received.length > 0);
      await eventually(async () => (mails.length > 0 ? true : undefined));
      const card = JSON.parse(teams.received[0]?.body ?? '{}');
      expect(card).toMatchObject({ '@type': 'MessageCard', themeColor: 'D00000' });
      // The service's tier (the harness seeds tier 1) is shown with the incident.
      expect(card.title).toContain('mailer (tier 1): Queue backlog');
      expect(String(teams.received[0]?.headers['idempotency-key'])).toContain(id);
      const mail = mails[0]!;
      expect(mail.to).toEqual(['ola@example.com']);
      expect(mail.raw).toMatch(/Message-ID: <[0-9a-f]{32}@alerts\.example\.com>/);
      expect(mail.raw).toContain(`X-Vigil-Idempotency-Key: ${id}`);
      expect(mail.raw).toMatch(/Content-Type: text\/html/);
      const timeline = await eventually(async () => {
        const s = (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;
        const notified = (s.timeline as Array<{ type: string; data?: { channel?: string } }>).filter(
          (e) => e.type === 'notified',
        );
        return notified.length >= 2 ? notified : undefined;
      });
      expect(timeline.map((e) => e.data?.channel).sort()).toEqual(['email', 'teams']);
    } finally {
      await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder });
    }
  });
});
