import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_METRICS, createApiMetrics, createWorkerMetrics, WORKER_METRICS } from '../../lib/metrics';
import { readExporter, serveMetrics, startMetricsServer, type MetricsServer } from '../../lib/metrics-server';
import { metricsConfigProblems } from '../../lib/metrics-config';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { cachedCounts } from '../../lib/models/open-incidents';

const log = createLogger({ level: 'silent', name: 'test' });
const TOKEN = 'metrics-token-0123456789';
let servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(opts: { token?: string; extra?: () => Promise<string> } = {}) {
  const metrics = createApiMetrics({ openIncidents: async () => ({ triggered: 3, acknowledged: 1 }) });
  const server = await serveMetrics({
    config: { VIGIL_METRICS_HOST: '127.0.0.1', VIGIL_METRICS_TOKEN: opts.token },
    port: 0 as number,
    registry: metrics.registry,
    log,
    ...(opts.extra ? { extra: opts.extra } : {}),
  });
  if (!server) throw new Error('metrics server did not start');
  servers.push(server);
  const scrape = (headers: Record<string, string> = {}, path = '/metrics') =>
    fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
  return { metrics, server, scrape };
}

describe('metric definitions', () => {
  const all = [...Object.values(API_METRICS), ...Object.values(WORKER_METRICS)];

  it('names every metric once, with Prometheus conventions (vigil_ prefix, _total counters, units)', () => {
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
    for (const d of all) expect(d.name).toMatch(/^vigil_[a-z_]+$/);
    const api = createApiMetrics();
    const worker = createWorkerMetrics();
    for (const m of [...api.registry.getMetricsAsArray(), ...worker.registry.getMetricsAsArray()]) {
      if (!m.name.startsWith('vigil_')) continue;
      const type = (m as unknown as { type: string }).type;
      if (type === 'counter') expect(m.name).toMatch(/_total$/);
      if (type === 'histogram') expect(m.name).toMatch(/_seconds$/);
    }
  });

  it('registers each process its own metrics and the default process metrics', () => {
    const apiNames = createApiMetrics()
      .registry.getMetricsAsArray()
      .map((m) => m.name);
    const workerNames = createWorkerMetrics()
      .registry.getMetricsAsArray()
      .map((m) => m.name);
    expect(apiNames).toEqual(expect.arrayContaining(Object.values(API_METRICS).map((d) => d.name)));
    expect(workerNames).toEqual(expect.arrayContaining(Object.values(WORKER_METRICS).map((d) => d.name)));
    expect(apiNames).not.toContain(WORKER_METRICS.notificationsDelivered.name);
    for (const names of [apiNames, workerNames]) {
      expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']));
    }
  });
});

describe('the scrape endpoint', () => {
  it('serves the exposition format with the open incident counts read at scrape time', async () => {
    const { scrape } = await serve();
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain('vigil_open_incidents{status="triggered"} 3');
    expect(text).toContain('vigil_open_incidents{status="acknowledged"} 1');
    expect(text).toContain('# TYPE vigil_alerts_received_total counter');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('asks for the bearer token when one is configured', async () => {
    const { scrape } = await serve({ token: TOKEN });
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await scrape({ authorization: `Basic ${TOKEN}` })).status).toBe(401);
    const ok = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('www-authenticate')).toBeNull();
  });

  it('answers only GET /metrics', async () => {
    const { scrape, server } = await serve();
    expect((await scrape({}, '/')).status).toBe(404);
    expect((await scrape({}, '/metrics?x=1')).status).toBe(200);
    const post = await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('appends another exporter\u2019s text after its own', async () => {
    const { scrape } = await serve({
      extra: async () => '# TYPE temporal_num_pollers gauge\ntemporal_num_pollers 2\n',
    });
    const text = await (await scrape()).text();
    expect(text.trimEnd().endsWith('temporal_num_pollers 2')).toBe(true);
  });

  it('logs and leaves out a listener whose port is taken, instead of failing the process', async () => {
    const first = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      log,
      contentType: 'text/plain',
      render: async () => '',
    });
    servers.push(first as MetricsServer);
    const error = vi.fn();
    const second = await startMetricsServer({
      host: '127.0.0.1',
      port: (first as MetricsServer).port,
      log: { ...log, error, info: vi.fn() } as unknown as typeof log,
      contentType: 'text/plain',
      render: async () => '',
    });
    expect(second).toBeUndefined();
    expect(error).toHaveBeenCalledWith(expect.anything(), 'metrics endpoint cannot listen; metrics are not served');
  });

  it('is not started when its port is "off"', async () => {
    const registry = createApiMetrics().registry;
    const config = { VIGIL_METRICS_HOST: '127.0.0.1', VIGIL_METRICS_TOKEN: undefined };
    expect(await serveMetrics({ config, port: 'off', registry, log })).toBeUndefined();
  });
});

describe('relaying another exporter', () => {
  it('reads its text, and gives up on one that does not answer in time', async () => {
    const hang = createServer(() => undefined); // never answers
    const ok = createServer((_req, res) => res.end('temporal_num_pollers 1'));
    await Promise.all([hang, ok].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const url = (s: typeof ok) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
    try {
      expect(await readExporter(url(ok))).toBe('temporal_num_pollers 1\n');
      expect(await readExporter(url(hang), 100)).toBeUndefined();
      expect(await readExporter('http://127.0.0.1:1/metrics', 100)).toBeUndefined();
    } finally {
      for (const s of [hang, ok]) {
        s.closeAllConnections();
        s.close();
      }
    }
  });
});

describe('metrics configuration', () => {
  const base = { VIGIL_ADMIN_TOKENS: 'admin:admin-token-0123456789' };

  it('listens on loopback by default, without a token', () => {
    expect(loadConfig(base)).toMatchObject({
      VIGIL_METRICS_HOST: '127.0.0.1',
      VIGIL_API_METRICS_PORT: 9464,
      VIGIL_WORKER_METRICS_PORT: 9465,
      VIGIL_TEMPORAL_METRICS_PORT: 9466,
      VIGIL_METRICS_ALLOW_UNAUTHENTICATED: false,
    });
  });

  it.each([
    [{ VIGIL_METRICS_HOST: '0.0.0.0' }, 'VIGIL_METRICS_TOKEN: required when VIGIL_METRICS_HOST (0.0.0.0)'],
    [{ VIGIL_API_METRICS_PORT: '99999' }, 'VIGIL_API_METRICS_PORT'],
    [{ VIGIL_WORKER_METRICS_PORT: 'on' }, 'VIGIL_WORKER_METRICS_PORT'],
    [{ VIGIL_METRICS_TOKEN: 'short' }, 'VIGIL_METRICS_TOKEN: must be at least 16 characters'],
    [{ VIGIL_METRICS_ALLOW_UNAUTHENTICATED: 'yes' }, 'VIGIL_METRICS_ALLOW_UNAUTHENTICATED: must be true or false'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it.each([
    [{ VIGIL_METRICS_HOST: '0.0.0.0', VIGIL_METRICS_TOKEN: TOKEN }],
    [{ VIGIL_METRICS_HOST: '0.0.0.0', VIGIL_METRICS_ALLOW_UNAUTHENTICATED: 'true' }],
    [{ VIGIL_METRICS_HOST: '0.0.0.0', VIGIL_API_METRICS_PORT: 'off', VIGIL_WORKER_METRICS_PORT: 'off' }],
    [{ VIGIL_METRICS_HOST: '127.0.0.2' }],
  ])('accepts %j', (env) => {
    const c = loadConfig({ ...base, ...env });
    expect(metricsConfigProblems(c)).toEqual([]);
  });
});

describe('open incident counts for the gauge', () => {
  it('reads once, serves the cached counts, and refreshes stale ones in the background', async () => {
    let clock = 0;
    let reads = 0;
    let release: () => void = () => undefined;
    const read = vi.fn(async () => {
      reads += 1;
      if (reads === 2) await new Promise<void>((r) => (release = r)); // the second read is slow
      return { triggered: reads };
    });
    const counts = cachedCounts({ read, log, maxAgeMs: 1000, now: () => clock });
    expect(await counts()).toEqual({ triggered: 1 });
    clock = 500;
    expect(await counts()).toEqual({ triggered: 1 });
    clock = 2000;
    expect(await counts()).toEqual({ triggered: 1 }); // stale, served at once; the read runs behind
    expect(await counts()).toEqual({ triggered: 1 }); // one read at a time
    expect(read).toHaveBeenCalledTimes(2);
    release();
    await vi.waitFor(async () => expect(await counts()).toEqual({ triggered: 2 }));
  });

  it('reads the first count at once, and a scrape waits for it only so long', async () => {
    const read = vi.fn(() => new Promise<Record<string, number>>(() => undefined)); // never answers
    const counts = cachedCounts({ read, log, firstWaitMs: 50 });
    expect(read).toHaveBeenCalledTimes(1); // before any scrape
    expect(await counts()).toEqual({}); // answered without the gauge, not left waiting
    expect(read).toHaveBeenCalledTimes(1); // the scrape joined the read in flight
  });

  it('answers no counts (the gauge is left out) when the store cannot be read', async () => {
    const counts = cachedCounts({ read: () => Promise.reject(new Error('down')), log });
    expect(await counts()).toEqual({});
  });
});
