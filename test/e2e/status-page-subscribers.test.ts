/**
 * Status-page subscribers on the real stack, with a real SMTP server and a real webhook
 * receiver: an address subscribes and confirms through the link in the confirmation mail;
 * an admin adds a webhook subscriber. A real SEV1 publishes on the page -> exactly one
 * mail and one signed webhook; a severity change the workflow shows on the components ->
 * nothing; a responder's update (POST .../status-page/<page>/updates) -> one more, and
 * announcing it again -> nothing; the resolution -> one; the unsubscribe link from the
 * last mail ends the mails while the webhook still hears of the next incident.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../activities/notify/signature';
import { createSubscriberAnnouncer, type SubscriberAnnouncer } from '../../lib/status-page-announce';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

const WEBHOOK_SECRET = 'webhook-signing-secret-0123456789';
let sys: System;
let smtp: SMTPServer;
let hooks: HttpReceiver;
let connection: Connection;
let announcer: SubscriberAnnouncer;
const mails: Array<{ to: string[]; raw: string }> = [];

/** The message as text: quoted-printable soft breaks joined and escapes decoded. */
const decoded = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const toOla = () => mails.filter((m) => m.to.includes('ola@example.com')).map((m) => decoded(m.raw));
const linkIn = (text: string, label: string) => {
  const found = new RegExp(`${label}: (http\\S+)`).exec(text)?.[1];
  if (!found) throw new Error(`no "${label}" link in ${text.slice(0, 2000)}`);
  return found;
};
const subjects = () => toOla().map((m) => /^Subject: (.*)$/m.exec(m)?.[1]);
const settle = () => new Promise((r) => setTimeout(r, 4_000));

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  hooks = await startHttpReceiver();
  sys = await startSystem('status-subscribers', {
    VIGIL_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    VIGIL_SMTP_FROM: 'Status <status@example.com>',
    VIGIL_LINK_SIGNING_SECRET: 'link-signing-secret-0123456789abcdef',
    VIGIL_WEBHOOK_SIGNING_SECRET: WEBHOOK_SECRET,
  });
  connection = await Connection.connect({ address: sys.temporalAddress });
  announcer = createSubscriberAnnouncer(() => new Client({ connection }), sys.taskQueue);
  await seedOnePersonService(sys, { serviceId: 'checkout', contactMethods: [] });
  const page = {
    id: 'public',
    name: 'Checkout Status',
    quietMinutes: 0,
    components: [
      { id: 'checkout', name: 'Checkout', services: ['checkout'] },
      { id: 'search', name: 'Search' },
    ],
    rules: [{ severities: ['SEV1', 'SEV2'], tiers: [1, 2] }],
  };
  expect((await sys.call('POST', '/api/v1/status-pages', { body: page })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await sys?.stop();
  await connection?.close();
  await hooks?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** A responder's update through the API; the id of the update it stored. */
async function humanUpdate(incidentId: string, message: string): Promise<string> {
  const r = await sys.call('POST', `/api/v1/incidents/${incidentId}/status-page/public/updates`, {
    token: tokens.responder,
    body: { status: 'identified', message },
  });
  if (r.status >= 300) throw new Error(`posting an update: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body.updates as Array<{ id: string }>).at(-1)!.id;
}

const verifiedHooks = () =>
  hooks.received.map((r) => {
    const ok = verifyWebhookSignature(
      WEBHOOK_SECRET,
      r.headers['x-vigil-timestamp'] as string,
      r.body,
      r.headers['x-vigil-signature'] as string,
    );
    return { ok, key: r.headers['idempotency-key'], body: JSON.parse(r.body) };
  });

describe('status page subscribers on the real stack', () => {
  it('confirm by the mailed link, then hear once of each announced update, by mail and signed webhook', async () => {
    const asked = await sys.call('POST', '/status/public/subscribers', {
      token: null,
      body: { email: 'ola@example.com' },
    });
    expect(asked.status).toBe(202);
    const again = await sys.call('POST', '/status/public/subscribers', {
      token: null,
      body: { email: 'ola@example.com' },
    });
    expect(again.status).toBe(202);
    const confirmation = await eventually(async () => toOla()[0], 60_000);
    expect(confirmation).toMatch(/^Subject: Confirm your subscription to Checkout Status/m);
    const confirm = linkIn(confirmation, 'Confirm');
    expect((await fetch(confirm)).status).toBe(200); // the page with the button; changes nothing
    const confirmed = await fetch(confirm, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Subscribed: ola@example.com');
    const hook = await sys.call('POST', '/api/v1/status-pages/public/subscribers', {
      token: tokens.admin,
      body: { url: `${hooks.base}/status-hook`, components: ['checkout'] },
    });
    expect(hook.status).toBe(201);
    await settle();
    expect(toOla()).toHaveLength(1); // the second request sent no second confirmation

    const id = await fireSev1(sys, { service: 'checkout', summary: 'Payments failing', dedupKey: 'pay-1' });
    await eventually(async () => (toOla().length === 2 ? true : undefined), 60_000);
    await hooks.waitFor('created webhook', () => hooks.received.length === 1, 30_000);
    const created = toOla()[1]!;
    expect(created).toMatch(/^Subject: \[Checkout Status\] Investigating: Service disruption: Checkout/m);
    expect(created).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    const pageIncidentId = verifiedHooks()[0]!.body.incident.id as string;

    // A severity change the page shows on its components: an unchanged status, nobody told.
    expect((await sys.call('POST', `/api/v1/incidents/${id}/severity`, { body: { severity: 'SEV2' } })).status).toBe(
      200,
    );
    await eventually(async () => {
      const r = await sys.call('GET', '/status/public/api/v2/incidents.json', { token: null });
      return r.body.incidents[0]?.incident_updates.length === 2 ? true : undefined;
    }, 60_000);
    await settle();
    expect(toOla()).toHaveLength(2);
    expect(hooks.received).toHaveLength(1);

    const human = await humanUpdate(id, 'The payment provider found the fault.');
    await eventually(async () => (toOla().length === 3 ? true : undefined), 60_000);
    expect(toOla()[2]).toContain('The payment provider found the fault.');
    await announcer.announce({ pageId: 'public', pageIncidentId, updateId: human }); // a repeat
    expect((await sys.call('POST', `/api/v1/incidents/${id}/resolve`, { token: tokens.responder })).status).toBe(200);
    await eventually(async () => (toOla().length === 4 ? true : undefined), 60_000);
    expect(subjects()[3]).toMatch(/^\[Checkout Status\] Resolved: /);
    await hooks.waitFor('three webhooks', () => hooks.received.length === 3, 30_000);
    await settle();
    expect(toOla()).toHaveLength(4);

    const unsubscribe = linkIn(toOla()[3]!, 'Unsubscribe');
    const left = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(left.status).toBe(200);
    await fireSev1(sys, { service: 'checkout', summary: 'Search slow', dedupKey: 'pay-2' });
    await hooks.waitFor('the webhook still hears', () => hooks.received.length === 4, 60_000);
    await settle();
    expect(toOla()).toHaveLength(4);

    const received = verifiedHooks();
    expect(received.every((r) => r.ok)).toBe(true);
    expect(received.map((r) => r.body.event)).toEqual([
      'incident.created',
      'incident.updated',
      'incident.resolved',
      'incident.created',
    ]);
    expect(new Set(received.map((r) => r.key)).size).toBe(4);
    const list = await sys.call('GET', '/api/v1/status-pages/public/subscribers', { token: tokens.admin });
    expect(list.body.data.map((s: { type: string; state: string }) => `${s.type}:${s.state}`).sort()).toEqual([
      'email:unsubscribed',
      'webhook:confirmed',
    ]);
  }, 300_000);
});
