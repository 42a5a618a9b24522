/**
 * A webhook receiver for the e2e tests, on loopback: it records every delivery (raw),
 * verifies the Vigil signature over the exact bytes received, and dedups on the
 * `idempotency-key` header the way a real receiver should (a key it has processed once is
 * answered 200 again and not processed twice). Tests can script answers per delivery:
 * an HTTP status (e.g. 500 then 200, or 400), a status sent after a delay (the request is
 * in flight meanwhile), or "hold" (never answer, as when the sender dies mid-request).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../activities/notify/signature';

export interface Delivery {
  /** `idempotency-key` header. */
  key: string;
  /** The last path segment: /hooks/<target>. */
  target: string;
  receivedAt: number;
  signatureValid: boolean;
  /** The parsed JSON body (a WebhookPayload). */
  body: any;
  /** What the sink answered; undefined while held. */
  status?: number;
  /** Whether the key had been processed before this delivery arrived. */
  duplicate: boolean;
}

/** A status, "hold" (never answer), or a status sent after a delay (a slow receiver). */
export type Answer = number | 'hold' | { status: number; afterMs: number };

export interface AnswerRule {
  match: (d: Pick<Delivery, 'key' | 'target' | 'body'>) => boolean;
  /** Answers for successive matching deliveries; once used up, the sink's default. */
  answers: Answer[];
}

export interface WebhookSink {
  baseUrl: string;
  url(target: string): string;
  /** Every delivery, in arrival order (raw). */
  readonly deliveries: readonly Delivery[];
  /** Keys the sink processed (answered 2xx, or held: it got the message), each once. */
  processedKeys(filter?: (d: Delivery) => boolean): Set<string>;
  /** Deliveries per key (raw). */
  byKey(filter?: (d: Delivery) => boolean): Map<string, Delivery[]>;
  /** Scripts answers for matching deliveries; rules are tried in the order added. */
  answer(rule: AnswerRule): void;
  /** Polls until `fn` returns a value that is not undefined. */
  waitFor<T>(what: string, fn: () => T | undefined, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

export async function startWebhookSink(opts: { secret: string }): Promise<WebhookSink> {
  const deliveries: Delivery[] = [];
  const processed = new Set<string>();
  const rules: AnswerRule[] = [];
  const held = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://sink');
      const match = /^\/hooks\/([^/]+)$/.exec(url.pathname);
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      let body: any;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      const key = String(req.headers['idempotency-key'] ?? '');
      const signatureValid = verifyWebhookSignature(
        opts.secret,
        header(req.headers['x-vigil-timestamp']),
        raw,
        header(req.headers['x-vigil-signature']),
      );
      const delivery: Delivery = {
        key,
        target: decodeURIComponent(match[1] ?? ''),
        receivedAt: Date.now(),
        signatureValid,
        body,
        duplicate: processed.has(key),
      };
      deliveries.push(delivery);

      const rule = rules.find((r) => r.answers.length > 0 && r.match(delivery));
      let answer: Answer = rule?.answers.shift() ?? 200;
      // A receiver refuses what it cannot authenticate or dedup, whatever the script says.
      if (!signatureValid) answer = 401;
      else if (!key || key !== body?.idempotency_key) answer = 400;
      if (answer === 'hold') {
        processed.add(key);
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      const status = typeof answer === 'number' ? answer : answer.status;
      const reply = () => {
        delivery.status = status;
        if (status >= 200 && status < 300) processed.add(key);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            status < 300 ? { ok: true, duplicate: delivery.duplicate } : { error: `sink answered ${status}` },
          ),
        );
      };
      if (typeof answer === 'number') reply();
      else {
        held.add(res);
        const timer = setTimeout(() => {
          held.delete(res);
          reply();
        }, answer.afterMs);
        res.on('close', () => {
          held.delete(res);
          clearTimeout(timer);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const byKey = (filter: (d: Delivery) => boolean = () => true) => {
    const map = new Map<string, Delivery[]>();
    for (const d of deliveries.filter(filter)) map.set(d.key, [...(map.get(d.key) ?? []), d]);
    return map;
  };

  return {
    baseUrl,
    url: (target) => `${baseUrl}/hooks/${encodeURIComponent(target)}`,
    deliveries,
    processedKeys: (filter = () => true) =>
      new Set(
        deliveries
          .filter((d) => filter(d) && processed.has(d.key) && (d.status === undefined || d.status < 300))
          .map((d) => d.key),
      ),
    byKey,
    answer: (rule) => void rules.push({ ...rule, answers: [...rule.answers] }),
    async waitFor(what, fn, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = fn();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`webhook sink: ${what} not seen within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
