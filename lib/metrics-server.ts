/**
 * The scrape endpoint: `GET /metrics` on its own small listener (the API's and the worker's),
 * apart from the API's port so it can stay on loopback while the API faces users. With a
 * token, a scrape must present `Authorization: Bearer <token>` (compared in constant time).
 * A listener that cannot start is logged and left out: metrics never stop paging.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import type { MetricsConfig } from './metrics-config';

export interface MetricsServerOptions {
  host: string;
  port: number;
  token?: string;
  log: Logger;
  contentType: string;
  /** The exposition text of one scrape. */
  render: () => Promise<string>;
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), expected);
}

function handler(opts: MetricsServerOptions) {
  const expected = opts.token === undefined ? undefined : digest(opts.token);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape GET /metrics\n');
      return;
    }
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('missing or wrong "Authorization: Bearer <VIGIL_METRICS_TOKEN>"\n');
      return;
    }
    try {
      const body = await opts.render();
      res.writeHead(200, { 'content-type': opts.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      opts.log.error({ err }, 'metrics scrape failed');
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
    }
  };
}

/** Starts listening; undefined (after an error in the log) when the address cannot be bound. */
export function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer | undefined> {
  const server: Server = createServer((req, res) => void handler(opts)(req, res));
  return new Promise((resolve) => {
    server.once('error', (err) => {
      opts.log.error(
        { err, host: opts.host, port: opts.port },
        'metrics endpoint cannot listen; metrics are not served',
      );
      resolve(undefined);
    });
    server.listen(opts.port, opts.host, () => {
      const { port } = server.address() as AddressInfo;
      opts.log.info({ host: opts.host, port, token: opts.token !== undefined }, 'metrics endpoint listening');
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections(); // Prometheus keeps its connection open between scrapes
          }),
      });
    });
  });
}

/**
 * Another exporter's text (the Temporal SDK's, on loopback), to serve within one scrape;
 * undefined when it does not answer in time, so a stuck exporter costs a scrape little.
 */
export async function readExporter(url: string, timeoutMs = 1000): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const text = await res.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch {
    return undefined;
  }
}

/** The endpoint for one process from configuration; undefined when its port is "off" or cannot be bound. */
export async function serveMetrics(opts: {
  config: Pick<MetricsConfig, 'VIGIL_METRICS_HOST' | 'VIGIL_METRICS_TOKEN'>;
  port: number | 'off';
  registry: Registry;
  log: Logger;
  /** Exposition text served after the registry's own (the Temporal SDK's). */
  extra?: () => Promise<string>;
}): Promise<MetricsServer | undefined> {
  if (opts.port === 'off') return undefined;
  const { registry, extra } = opts;
  return startMetricsServer({
    host: opts.config.VIGIL_METRICS_HOST,
    port: opts.port,
    token: opts.config.VIGIL_METRICS_TOKEN,
    log: opts.log,
    contentType: registry.contentType,
    // The extra text is read first: it may set a gauge (the SDK's "up") the registry then shows.
    render: async () => {
      const more = extra ? await extra() : '';
      return (await registry.metrics()) + more;
    },
  });
}
