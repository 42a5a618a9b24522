import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWebhookChannel,
  verifyWebhookSignature,
  webhookPayload,
  type WebhookChannelDeps,
} from '../../activities/notify/webhook';
import { notificationIdempotencyKey, type Notification } from '../../domain/incident/notification';

const SECRET = 'whsec-0123456789abcdef';
const PATH_TOKEN = 'path-token-9f8e7d';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Reply = (req: Received, res: ServerResponse) => void;

/** A real HTTP receiver on loopback; `reply` decides each answer. */
async function startReceiver() {
  const received: Received[] = [];
  const state: { reply: Reply } = { reply: (_req, res) => res.writeHead(204).end() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const r = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      state.reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { base, url: `${base}/hooks/vigil?token=${PATH_TOKEN}`, received, state, close };
}

function capturingLogger() {
  const lines: string[] = [];
  return { lines, log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }) };
}

function notification(address: string): Notification {
  const parts = {
    workflowId: 'incident-database-2b92',
    runKey: 'run-1',
    level: 1,
    loop: 0,
    userId: 'alice',
    channel: 'alice-hook',
  };
  return {
    idempotencyKey: notificationIdempotencyKey(parts),
    kind: 'page',
    incidentId: 'incident-database-2b92',
    incidentNumber: 42,
    service: 'database',
    severity: 'SEV1',
    status: 'triggered',
    summary: 'Disk full on db-1',
    level: 1,
    loop: 0,
    recipient: { userId: 'alice', name: 'Alice', contactMethod: { id: 'alice-hook', type: 'webhook', address } },
    links: { incident: 'https://vigil.example/incidents/incident-database-2b92' },
    occurredAt: '2026-03-08T09:00:00.000Z',
  };
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let logs: ReturnType<typeof capturingLogger>;
const channel = (over: Partial<WebhookChannelDeps> = {}) =>
  createWebhookChannel({ signingSecret: SECRET, timeoutMs: 2_000, log: logs.log, ...over });
const reply = (status: number, headers: Record<string, string> = {}, body = '') => {
  receiver.state.reply = (_req, res) => res.writeHead(status, headers).end(body);
};

beforeEach(async () => {
  receiver = await startReceiver();
  logs = capturingLogger();
});
afterEach(() => receiver.close());

describe('webhook channel: delivery', () => {
  it('POSTs the signed JSON document and returns a receipt on 2xx', async () => {
    reply(202);
    const n = notification(receiver.url);
    const receipt = await channel().send(n, {});

    expect(receipt).toMatchObject({ channel: 'webhook', idempotencyKey: n.idempotencyKey, status: 202 });
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received as [Received];
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/hooks/vigil?token=${PATH_TOKEN}`);
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Vigil',
      'idempotency-key': 'incident-database-2b92:run-1:L2:R1:alice:alice-hook',
    });
    expect(req.headers['x-vigil-timestamp']).toMatch(/^\d{10}$/);
    expect(req.headers['x-vigil-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(JSON.parse(req.body)).toEqual({
      event: 'page',
      idempotency_key: 'incident-database-2b92:run-1:L2:R1:alice:alice-hook',
      occurred_at: '2026-03-08T09:00:00.000Z',
      incident: {
        id: 'incident-database-2b92',
        number: 42,
        service: 'database',
        severity: 'SEV1',
        status: 'triggered',
        summary: 'Disk full on db-1',
        url: 'https://vigil.example/incidents/incident-database-2b92',
      },
      escalation: { level: 2, loop: 1 },
      recipient: { user_id: 'alice', name: 'Alice', contact_method_id: 'alice-hook' },
    });
    // Stable document: fixed key order, so the same notification is the same bytes.
    expect(req.body).toBe(JSON.stringify(webhookPayload(n)));
    expect(Object.keys(JSON.parse(req.body))).toEqual([
      'event',
      'idempotency_key',
      'occurred_at',
      'incident',
      'escalation',
      'recipient',
    ]);
  });

  it('signs so that verifyWebhookSignature accepts it, and nothing forged or stale', async () => {
    await channel().send(notification(receiver.url), {});
    const [req] = receiver.received as [Received];
    const ts = String(req.headers['x-vigil-timestamp']);
    const sig = String(req.headers['x-vigil-signature']);
    const sentMs = Number(ts) * 1000;
    // The documented scheme, computed independently of the code under test.
    expect(sig).toBe(`v1=${createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex')}`);
    expect(Math.abs(sentMs - Date.now())).toBeLessThan(60_000);

    expect(verifyWebhookSignature(SECRET, ts, req.body, sig)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, Buffer.from(req.body), sig, sentMs)).toBe(true);
    expect(verifyWebhookSignature('another-secret-0123', ts, req.body, sig, sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body.replace('SEV1', 'SEV4'), sig, sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(ts) + 1), req.body, sig, sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body, sig, sentMs + 299_000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, req.body, sig, sentMs + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body, sig, sentMs - 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body, sig, sentMs + 60_000, 30)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body, `v1=${'0'.repeat(64)}, ${sig}`, sentMs)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts, req.body, sig.replace('v1=', 'v0='), sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, req.body, 'v1=abc', sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'yesterday', req.body, sig, sentMs)).toBe(false);
    expect(verifyWebhookSignature(SECRET, undefined, req.body, undefined, sentMs)).toBe(false);
  });

  it('repeats the idempotency key and body on a retry, with a fresh signature', async () => {
    const n = notification(receiver.url);
    let clock = Date.parse('2026-03-08T09:00:00Z');
    const ch = channel({ now: () => clock });
    reply(503);
    await expect(ch.send(n, {})).rejects.toMatchObject({ type: 'NotificationTransient' });
    clock += 4_000;
    reply(200);
    await ch.send(n, {});

    const [first, second] = receiver.received as [Received, Received];
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.body).toBe(first.body);
    expect(second.headers['x-vigil-timestamp']).toBe(String(Number(first.headers['x-vigil-timestamp']) + 4));
    expect(second.headers['x-vigil-signature']).not.toBe(first.headers['x-vigil-signature']);
  });

  it('never logs the signing secret or the URL (which may carry a token)', async () => {
    reply(500, {}, 'boom');
    const failure = (await channel()
      .send(notification(receiver.url), {})
      .catch((e: unknown) => e)) as Error;
    reply(200);
    await channel().send(notification(receiver.url), {});

    expect(logs.lines.length).toBeGreaterThan(0);
    const logged = logs.lines.join('\n');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(PATH_TOKEN);
    expect(failure.message).not.toContain(PATH_TOKEN);
  });

  it('refuses to build without a signing secret', () => {
    expect(() => channel({ signingSecret: '' })).toThrow(/signing secret/);
  });
});

describe('webhook channel: failures', () => {
  it.each([500, 502, 503, 504, 408])('%i is a retryable NotificationTransient', async (status) => {
    reply(status, {}, 'try later');
    const err = await channel()
      .send(notification(receiver.url), {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'NotificationTransient', nonRetryable: false, details: [{ status }] });
  });

  it('429 honours Retry-After as the next retry delay', async () => {
    reply(429, { 'retry-after': '7' });
    await expect(channel().send(notification(receiver.url), {})).rejects.toMatchObject({
      type: 'NotificationTransient',
      nonRetryable: false,
      nextRetryDelay: 7000,
    });
  });

  it.each([400, 401, 404, 410, 422])('%i is a non-retryable NotificationRejected with the reason', async (status) => {
    reply(status, { 'content-type': 'application/json' }, '{"error":"unknown hook"}');
    const err = await channel()
      .send(notification(receiver.url), {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'NotificationRejected', nonRetryable: true, details: [{ status }] });
    expect((err as Error).message).toMatch(
      new RegExp(`^webhook 127\\.0\\.0\\.1:\\d+ answered ${status} .*unknown hook`),
    );
  });

  it('does not follow a redirect with the signed body', async () => {
    reply(302, { location: `${receiver.base}/elsewhere` });
    await expect(channel().send(notification(receiver.url), {})).rejects.toMatchObject({
      type: 'NotificationRejected',
      nonRetryable: true,
    });
    expect(receiver.received.map((r) => r.url)).toEqual([`/hooks/vigil?token=${PATH_TOKEN}`]);
  });

  it('a receiver that does not answer in time is a retryable timeout', async () => {
    receiver.state.reply = () => undefined; // holds the request open
    await expect(channel({ timeoutMs: 200 }).send(notification(receiver.url), {})).rejects.toMatchObject({
      type: 'NotificationTransient',
      nonRetryable: false,
      message: expect.stringMatching(/timed out$/),
    });
  });

  it('a refused connection is retryable', async () => {
    const gone = await startReceiver();
    await gone.close();
    await expect(channel().send(notification(gone.url), {})).rejects.toMatchObject({
      type: 'NotificationTransient',
      nonRetryable: false,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it.each(['not a url', 'ftp://example.com/hook', 'mailto:ops@example.com', 'http://user:pass@127.0.0.1:9/hook'])(
    'an invalid address (%s) is rejected without a request',
    async (address) => {
      await expect(channel().send(notification(address), {})).rejects.toMatchObject({
        type: 'NotificationRejected',
        nonRetryable: true,
      });
      expect(receiver.received).toHaveLength(0);
    },
  );

  it('activity cancellation aborts the request and surfaces as the cancellation', async () => {
    const arrived = new Promise<void>((resolve) => {
      receiver.state.reply = () => resolve();
    });
    const controller = new AbortController();
    const sending = channel().send(notification(receiver.url), { signal: controller.signal });
    await arrived;
    const reason = new CancelledFailure('CANCELLED');
    controller.abort(reason);
    await expect(sending).rejects.toBe(reason);
  });
});
