/**
 * Runs the real worker and API as child processes against the servers global-setup
 * started, each test file with its own task queue and database so files never share
 * state. The worker can be killed (SIGKILL) and started again mid-test.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { inject } from 'vitest';
import { freePort, portOpen, startVigil, stopProcess, waitUntil, type Managed } from '../../scripts/stack';

export const tokens = {
  admin: 'admin-token-0123456789abcdef',
  responder: 'responder-token-0123456789abcdef',
  ingest: 'ingest-key-0123456789abcdef',
};

export interface System {
  apiUrl: string;
  dbName: string;
  mongoUri: string;
  db: mongoose.Connection;
  logFile: string;
  /** The Temporal server and the task queue this system's worker polls. */
  temporalAddress: string;
  taskQueue: string;
  /** The API's and the worker's scrape endpoints (each system gets its own free ports). */
  metricsUrls: { api: string; worker: string };
  startWorker(): Promise<void>;
  killWorker(): Promise<void>;
  stop(): Promise<void>;
  /** fetch against the API with a bearer token. */
  call(
    method: string,
    route: string,
    opts?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
}

export async function startSystem(name: string, extraEnv: Record<string, string> = {}): Promise<System> {
  const { temporalAddress, mongoUri: base, tmpDir } = inject('servers');
  const suffix = `${name}-${randomBytes(3).toString('hex')}`;
  const dbName = `vigil_${suffix.replace(/-/g, '_')}`;
  const mongoUri = `${base.replace(/\/$/, '')}/${dbName}`;
  const taskQueue = `vigil-${suffix}`;
  const apiPort = await freePort();
  const metricsPorts = { api: await freePort(), worker: await freePort(), sdk: await freePort() };
  const logFile = path.join(tmpDir, `${suffix}.log`);
  let workerReady: () => void = () => {};
  const sink = (proc: string, chunk: Buffer) => {
    appendFileSync(
      logFile,
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => `[${proc}] ${l}\n`)
        .join(''),
    );
    if (proc === 'worker' && chunk.toString().includes('worker started')) workerReady();
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: mongoUri,
    VIGIL_API_PORT: String(apiPort),
    VIGIL_API_METRICS_PORT: String(metricsPorts.api),
    VIGIL_WORKER_METRICS_PORT: String(metricsPorts.worker),
    VIGIL_TEMPORAL_METRICS_PORT: String(metricsPorts.sdk),
    VIGIL_ADMIN_TOKENS: `admin:${tokens.admin}`,
    VIGIL_RESPONDER_TOKENS: `alice:${tokens.responder}`,
    VIGIL_INGEST_KEYS: `monitoring:${tokens.ingest}`,
    // No config-as-code folder unless a test asks for one (config-apply.test.ts does).
    VIGIL_CONFIG_DIR: path.join(tmpDir, 'no-config-folder'),
    // Known before anything starts, so the worker can put the API in respond links
    // (links are made only when a test also sets VIGIL_LINK_SIGNING_SECRET).
    VIGIL_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    ...extraEnv,
  };

  let worker: Managed | undefined;
  const startWorker = async () => {
    const ready = new Promise<void>((resolve) => (workerReady = resolve));
    worker = startVigil('worker', env, sink);
    const died = worker.exited.then((code) => {
      throw new Error(`worker exited with ${code}; see ${logFile}`);
    });
    await Promise.race([ready, died, timeout(90_000, `worker not ready; see ${logFile}`)]);
  };
  await startWorker();
  const api = startVigil('api', env, sink);
  await waitUntil('API', () => portOpen(apiPort), { timeoutMs: 60_000, proc: api });
  const db = await mongoose.createConnection(mongoUri).asPromise();

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  return {
    apiUrl,
    dbName,
    mongoUri,
    db,
    logFile,
    temporalAddress,
    taskQueue,
    metricsUrls: {
      api: `http://127.0.0.1:${metricsPorts.api}/metrics`,
      worker: `http://127.0.0.1:${metricsPorts.worker}/metrics`,
    },
    startWorker,
    async killWorker() {
      if (worker) {
        // `tsx` runs the worker in a child node process and can only relay signals it can
        // catch: SIGKILL to tsx alone would leave the real worker running as an orphan.
        // The process was spawned detached (its own group), so kill the whole group.
        const pid = worker.proc.pid;
        try {
          if (pid === undefined) throw new Error('no pid');
          process.kill(-pid, 'SIGKILL');
        } catch {
          worker.proc.kill('SIGKILL');
        }
        await worker.exited;
      }
    },
    async stop() {
      await db.close();
      await stopProcess(api);
      if (worker) await stopProcess(worker);
    },
    async call(method, route, opts = {}) {
      const token = opts.token === undefined ? tokens.admin : opts.token;
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) body = JSON.stringify(opts.body);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(`${apiUrl}${route}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed };
    },
  };
}

/**
 * One person, Ola (user `ola`, team `ops`), paged at once on each of `contactMethods` by
 * the service's one-level policy; its SEV1 SLA timers are hours away, so a test sees only
 * the page it provokes.
 */
export async function seedOnePersonService(
  sys: System,
  opts: { serviceId: string; contactMethods: Array<{ id: string; type: string; address: string }> },
): Promise<void> {
  const admin = async (route: string, body: unknown) => {
    const r = await sys.call('POST', `/api/v1/${route}`, { token: tokens.admin, body });
    if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await admin('users', {
    id: 'ola',
    name: 'Ola',
    email: 'ola@example.com',
    timezone: 'UTC',
    contactMethods: opts.contactMethods,
    notificationRules: opts.contactMethods.map((c) => ({ contactMethodId: c.id, delayMinutes: 0 })),
  });
  await admin('teams', { id: 'ops', name: 'Ops', members: [{ userId: 'ola' }] });
  await admin('escalation-policies', {
    id: 'p',
    name: 'P',
    loops: 0,
    levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: 'ola' }] }],
  });
  const severityOverrides = { SEV1: { ackWithinMinutes: 600, resolveWithinMinutes: 1200, updateEveryMinutes: 600 } };
  await admin('services', {
    id: opts.serviceId,
    name: opts.serviceId,
    tier: 1,
    teamId: 'ops',
    escalationPolicyId: 'p',
    severityOverrides,
  });
}

/** A SEV1 alert through the generic alert route; the id of the incident it opened. */
export async function fireSev1(
  sys: System,
  alert: { service: string; summary: string; dedupKey: string },
): Promise<string> {
  const r = await sys.call('POST', '/api/v1/alerts', {
    token: tokens.ingest,
    body: { source: 'prometheus', severity: 'SEV1', ...alert },
  });
  if (r.status !== 202) throw new Error(`POST /api/v1/alerts: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.incidentId as string;
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

/** Polls until `fn` returns a value that is not undefined. */
export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
