/**
 * What an open incident costs the worker, with nothing else in the way: the incident
 * workflow in this process on a dev server of its own, every activity answered at once
 * from memory, `--incidents` incidents opened; prints heap and RSS per open incident, the
 * worker's CPU per incident, and workflow tasks and history events per incident.
 *   node --expose-gc node_modules/.bin/tsx bench/workflow-profile.ts [--incidents 300] [--no-preload]
 * Used to find where the worker's memory and CPU go; `npm run bench` gives the figures
 * that count (the whole stack, driven from outside).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { freePort, startTemporal, stopProcess } from '../scripts/stack';
import { WORKFLOW_BUNDLER_OPTIONS } from '../worker/bundler-options';
import type { ServicePlan } from '../domain/incident/plan';
import { DEFAULT_SEVERITY_TARGETS } from '../domain/incident/severity';
import { alertFiredSignal } from '../workflows/contract';
import { poll } from './stats';

const { values: flags } = parseArgs({
  options: {
    incidents: { type: 'string', default: '300' },
    'no-preload': { type: 'boolean', default: false },
    /** Workflows in the main thread (SDK debugMode), so heap figures and --snapshot see them. */
    'main-thread': { type: 'boolean', default: false },
    snapshot: { type: 'string' },
    /** Dev server SQLite pragmas, comma-separated ("" for none); default scripts/stack.ts's. */
    pragmas: { type: 'string' },
  },
});
const N = Number(flags.incidents);

const plan: ServicePlan = {
  found: true,
  serviceName: 'p',
  teamId: 't',
  policy: { id: 'p', name: 'p', loops: 0, levels: [{ delayMinutes: 100_000, targets: [{ type: 'user', id: 'u' }] }] },
  targets: { ...DEFAULT_SEVERITY_TARGETS },
  inMaintenance: false,
  autoResolve: { mode: 'never' },
  knownUserIds: ['u'],
  knownPolicyIds: ['p'],
  minuteMs: 60_000,
};

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-profile-'));
  const port = await freePort();
  const server = await startTemporal({
    bin: process.env.TEMPORAL_CLI_PATH ?? path.join(os.homedir(), '.cache/vigil/tools/bin/temporal'),
    port,
    dbFile: path.join(tmp, 'temporal.db'),
    output: 'ignore',
    ...(flags.pragmas === undefined ? {} : { sqlitePragmas: flags.pragmas.split(',').filter(Boolean) }),
  });
  let sent = 0;
  const counts = new Map<string, number>();
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const activities = {
    upsertIncidentRecord: async () => (count('upsertIncidentRecord'), { written: true }),
    loadServicePlan: async () => (count('loadServicePlan'), plan),
    resolveRecipients: async () => {
      count('resolveRecipients');
      const contactMethod = { id: 'h', type: 'webhook' as const, address: 'https://x.example' };
      return { recipients: [{ userId: 'u', name: 'U', rules: [{ delayMinutes: 0, contactMethod }] }], problems: [] };
    },
    allocateIncidentNumber: async () => (count('allocateIncidentNumber'), counts.get('allocateIncidentNumber') ?? 0),
    planRunbooks: async () => (count('planRunbooks'), { runs: [], refused: [] }),
    loadCoordinationPlan: async () => (count('loadCoordinationPlan'), { types: [], roles: [], reminderMinutes: 10 }),
    planStatusPages: async () => (count('planStatusPages'), { pages: [] }),
    sendNotification: async (input: { notification: { idempotencyKey: string } }) => {
      count('sendNotification');
      sent++;
      return {
        channel: 'webhook',
        idempotencyKey: input.notification.idempotencyKey,
        deliveredAt: new Date().toISOString(),
      };
    },
  };
  try {
    const connection = await NativeConnection.connect({ address: `127.0.0.1:${port}` });
    const worker = await Worker.create({
      connection,
      taskQueue: 'profile',
      workflowsPath: require.resolve('../workflows'),
      ...(flags['no-preload'] ? {} : { bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
      activities: activities as never,
      debugMode: flags['main-thread'],
    });
    const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${port}` }) });
    await worker.runUntil(async () => {
      global.gc?.();
      const before = process.memoryUsage();
      const cpu0 = process.cpuUsage();
      const server0 = cpuMsOf(server.proc.pid);
      const t0 = Date.now();
      for (let i = 0; i < N; i++) {
        const incidentId = `incident-p-${i}`;
        await client.workflow.signalWithStart('incidentWorkflow', {
          workflowId: incidentId,
          taskQueue: 'profile',
          args: [{ incidentId, service: 'p', dedupKey: String(i) }],
          signal: alertFiredSignal,
          signalArgs: [
            {
              source: 'x',
              dedupKey: String(i),
              service: 'p',
              summary: 's',
              severity: 'SEV2',
              details: {},
              receivedAt: new Date().toISOString(),
            },
          ],
        });
      }
      await poll(() => (sent >= N ? true : undefined), 600_000, 100);
      const wall = Date.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const serverMs = cpuMsOf(server.proc.pid) - server0;
      await new Promise((r) => setTimeout(r, 2000));
      global.gc?.();
      const after = process.memoryUsage();
      const per = (k: 'heapUsed' | 'rss') => `${Math.round((after[k] - before[k]) / N / 1024)} KiB`;
      console.log(
        `${N} incidents (${flags['no-preload'] ? 'no preload' : `preload ${WORKFLOW_BUNDLER_OPTIONS.preloadModules.join(',')}`}): ` +
          `all paged in ${wall} ms; per incident: worker CPU ${Math.round((cpu.user + cpu.system) / 1000 / N)} ms, ` +
          `server CPU ${Math.round(serverMs / N)} ms; ` +
          `heap +${per('heapUsed')}, RSS +${per('rss')} per incident; RSS ${Math.round(after.rss / 2 ** 20)} MiB`,
      );
      console.log(
        'activities per incident:',
        Object.fromEntries([...counts].map(([k, v]) => [k, +(v / N).toFixed(2)])),
      );
      if (flags.snapshot) console.log('heap snapshot:', writeHeapSnapshot(flags.snapshot));
      const hist = await client.workflow.getHandle('incident-p-0').fetchHistory();
      const tasks = hist.events?.filter((e) => e.workflowTaskCompletedEventAttributes).length;
      console.log(`history of one incident so far: ${hist.events?.length} events, ${tasks} workflow tasks`);
      // The first workflow task (start to the page scheduled), from each incident's history.
      const firstTask: number[] = [];
      for (let i = 0; i < N; i++) {
        const { events } = await client.workflow.getHandle(`incident-p-${i}`).fetchHistory();
        const at = (name: 'workflowTaskStartedEventAttributes' | 'workflowTaskCompletedEventAttributes') => {
          const t = events?.find((e) => e[name])?.eventTime;
          return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
        };
        firstTask.push(at('workflowTaskCompletedEventAttributes') - at('workflowTaskStartedEventAttributes'));
      }
      firstTask.sort((a, b) => a - b);
      console.log(
        `first workflow task: p50 ${firstTask[Math.floor(N / 2)]?.toFixed(1)} ms, max ${firstTask.at(-1)?.toFixed(1)} ms`,
      );
    });
    await connection.close();
  } finally {
    await stopProcess(server);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** CPU time a process has used (user + system), ms. */
function cpuMsOf(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100/s)
}

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
