/**
 * A real HTTP receiver on loopback for channel tests: records every request (raw body,
 * headers) and answers from a script, per request in arrival order, then a default.
 * Stands in for Twilio, Slack's Web API and webhooks, Teams, and Slack's response_url.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body?: string | object;
  headers?: Record<string, string>;
  /** Answer this long after the request arrived (a slow receiver). */
  delayMs?: number;
}

export type Responder = (req: Received) => Reply;

export interface HttpReceiver {
  base: string;
  received: Received[];
  /** Replies for the next matching requests, in order; when used up, `fallback`. */
  script(replies: Reply[]): void;
  /** Decides every reply the script does not. */
  fallback: Responder;
  waitFor(what: string, fn: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpReceiver(
  fallback: Responder = () => ({ status: 200, body: 'ok' }),
): Promise<HttpReceiver> {
  const received: Received[] = [];
  const queue: Reply[] = [];
  const receiver = { fallback } as { fallback: Responder };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(r);
      const reply = queue.shift() ?? receiver.fallback(r);
      const body = typeof reply.body === 'object' ? JSON.stringify(reply.body) : (reply.body ?? '');
      const type = typeof reply.body === 'object' ? 'application/json' : 'text/plain';
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': type, ...(reply.headers ?? {}) });
        res.end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    script: (replies) => void queue.push(...replies),
    get fallback() {
      return receiver.fallback;
    },
    set fallback(f: Responder) {
      receiver.fallback = f;
    },
    async waitFor(what, fn, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!fn()) {
        if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
