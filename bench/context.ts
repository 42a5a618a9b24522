/**
 * What every bench scenario runs against: its own Vigil stack (test/helpers/own-stack.ts,
 * started the way `npm start` starts it), a signed webhook sink on loopback that every
 * page goes to, the baseline worker (bare/) on the same Temporal server, a bare Temporal
 * client, and the bench's paging configuration.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, ROOT, startProcess, stopProcess, type Managed } from '../scripts/stack';
import { killGroup, startOwnStack, stackTokens, type OwnStack } from '../test/helpers/own-stack';
import { startWebhookSink, type WebhookSink } from '../test/e2e/webhook-sink';
import { Pages } from './pages';

export const SECRET = 'bench-webhook-signing-secret-0123456789';
/** One policy minute is one second in the bench, so escalation timers fire within a run. */
export const MINUTE_MS = 1000;
/** A delay no bench run reaches (about 27 hours at one second a minute). */
const NEVER_MINUTES = 100_000;
/** Seconds between the "tick" policy's steps, and its number of steps (3 levels x 10 loops). */
export const TICK_MINUTES = 5;
export const TICK_STEPS = 30;
/** Seconds from level 1 to level 2 of the "probe" policy. */
export const PROBE_MINUTES = 10;

export interface Bench {
  stack: OwnStack;
  sink: WebhookSink;
  pages: Pages;
  client: Client;
  connection: Connection;
  /** POST /api/v1/alerts as the monitoring source; the answer's status and incident id. */
  alert(service: string, dedupKey: string, summary?: string): Promise<{ status: number; incidentId?: string }>;
  /** The API's and the worker's scrape endpoints (free loopback ports of this stack). */
  metricsUrls: { api: string; worker: string };
  /** SIGKILLs the baseline worker and starts it again. */
  restartBare(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBench(opts: {
  compiled: boolean;
  keep: boolean;
  /** The worker's VIGIL_WORKFLOW_CACHE_SIZE. */
  cacheSize: number;
  log: (m: string) => void;
}): Promise<Bench> {
  const sink = await startWebhookSink({ secret: SECRET });
  const metricsPorts = { api: await freePort(), worker: await freePort(), sdk: await freePort() };
  const stack = await startOwnStack({
    name: 'bench',
    compiled: opts.compiled,
    keep: opts.keep,
    env: {
      VIGIL_MINUTE_MS: String(MINUTE_MS),
      VIGIL_WEBHOOK_SIGNING_SECRET: SECRET,
      VIGIL_API_METRICS_PORT: String(metricsPorts.api),
      VIGIL_WORKER_METRICS_PORT: String(metricsPorts.worker),
      VIGIL_TEMPORAL_METRICS_PORT: String(metricsPorts.sdk),
      VIGIL_WORKFLOW_CACHE_SIZE: String(opts.cacheSize),
    },
  });
  opts.log(`stack up in ${stack.tmpDir} (${opts.compiled ? 'compiled JavaScript' : 'tsx'})`);
  let bare = await startBareWorker(stack);
  let stopping: Promise<void> | undefined;
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  await seed(stack, sink);
  return {
    stack,
    metricsUrls: {
      api: `http://127.0.0.1:${metricsPorts.api}/metrics`,
      worker: `http://127.0.0.1:${metricsPorts.worker}/metrics`,
    },
    sink,
    pages: new Pages(sink),
    client,
    connection,
    async alert(service, dedupKey, summary = `bench ${dedupKey}`) {
      const r = await stack.call('POST', '/api/v1/alerts', {
        token: stackTokens.ingest,
        body: { source: 'bench', service, severity: 'SEV2', summary, dedupKey },
      });
      return { status: r.status, incidentId: r.body?.incidentId };
    },
    async restartBare() {
      await killGroup(bare);
      bare = await startBareWorker(stack);
    },
    stop() {
      // Once, whoever asks first (the run's end or a signal).
      stopping ??= (async () => {
        await connection.close();
        await stopProcess(bare);
        await stack.stop();
        await sink.close();
      })();
      return stopping;
    },
  };
}

async function startBareWorker(stack: OwnStack): Promise<Managed> {
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => (ready = resolve));
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const env = { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, VIGIL_WEBHOOK_SIGNING_SECRET: SECRET };
  const m = startProcess('bare', tsx, [path.join(ROOT, 'bench', 'bare', 'worker.ts')], {
    env,
    output: (_name, chunk) => {
      if (chunk.toString().includes('bare worker started')) ready();
    },
  });
  const died = m.exited.then((code) => {
    throw new Error(`bare worker exited with ${code}`);
  });
  await Promise.race([started, died]);
  return m;
}

/**
 * People, policies and services, all paging webhooks on the sink; SEV2 SLA timers pushed
 * beyond any run, so the only notifications are the pages each scenario expects.
 */
async function seed(stack: OwnStack, sink: WebhookSink): Promise<void> {
  const admin = async (route: string, body: unknown) => {
    const r = await stack.call('POST', `/api/v1/${route}`, { body });
    if (r.status !== 201) throw new Error(`seed POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  for (const id of ['pager', 'ticker', 'probe', 'holder']) {
    await admin('users', {
      id,
      name: id,
      email: `${id}@example.com`,
      timezone: 'UTC',
      contactMethods: [{ id: 'hook', type: 'webhook', address: sink.url(id) }],
      notificationRules: [{ contactMethodId: 'hook', delayMinutes: 0 }],
    });
  }
  await admin('teams', { id: 'bench', name: 'Bench', members: [{ userId: 'pager' }] });
  const level = (userId: string, delayMinutes: number) => ({ delayMinutes, targets: [{ type: 'user', id: userId }] });
  const policies = {
    once: { loops: 0, levels: [level('pager', NEVER_MINUTES)] },
    hold: { loops: 0, levels: [level('holder', NEVER_MINUTES)] },
    tick: { loops: TICK_STEPS / 3 - 1, levels: [1, 2, 3].map(() => level('ticker', TICK_MINUTES)) },
    probe: { loops: 0, levels: [level('probe', PROBE_MINUTES), level('probe', NEVER_MINUTES)] },
  };
  for (const [id, p] of Object.entries(policies)) await admin('escalation-policies', { id, name: id, ...p });
  const severityOverrides = {
    SEV2: {
      ackWithinMinutes: NEVER_MINUTES,
      resolveWithinMinutes: 2 * NEVER_MINUTES,
      updateEveryMinutes: NEVER_MINUTES,
    },
  };
  const services = { page: 'once', dedup: 'once', hold: 'hold', tick: 'tick', probe: 'probe' };
  for (const [id, policy] of Object.entries(services)) {
    await admin('services', { id, name: id, tier: 1, teamId: 'bench', escalationPolicyId: policy, severityOverrides });
  }
}
