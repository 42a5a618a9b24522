import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createStoreActivities } from '../../activities/store';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  incidentStateQuery,
  resolveUpdate,
} from '../../workflows/contract';
import type { AlertEvent, IncidentState } from '../../workflows/domain/incident';
import { incidentWorkflow } from '../../workflows/incident';
import { createTimeSkippingEnv, workflowsPath } from './env';

type StoreActivities = ReturnType<typeof createStoreActivities>;

let env: TestWorkflowEnvironment;
let projected: IncidentState[] = [];
let storeDown = false;

const activities: StoreActivities = {
  async upsertIncidentRecord({ state }) {
    if (storeDown) throw new Error('mongodb unavailable');
    projected.push(state);
    return { written: true };
  },
};

const alert = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  source: 'test',
  dedupKey: 'k',
  service: 'checkout',
  summary: 'errors',
  severity: 'SEV3',
  details: {},
  receivedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

async function withWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
  return worker.runUntil(fn());
}

async function start(taskQueue: string, id: string, first = alert()) {
  return env.client.workflow.signalWithStart(incidentWorkflow, {
    workflowId: id,
    taskQueue,
    args: [{ incidentId: id, service: first.service, dedupKey: first.dedupKey }],
    signal: alertFiredSignal,
    signalArgs: [first],
  });
}

describe('incidentWorkflow', () => {
  it('counts repeats, raises severity, acknowledges once and resolves', async () => {
    projected = [];
    const tq = 'wf-lifecycle';
    await withWorker(tq, async () => {
      const h = await start(tq, 'inc-1');
      await h.signal(alertFiredSignal, alert({ severity: 'SEV1', details: { x: 1 } }));
      const s = await h.query(incidentStateQuery);
      expect(s).toMatchObject({ alertCount: 2, severity: 'SEV1', status: 'triggered', details: { x: 1 } });

      const acked = await h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'alice' }] });
      expect(acked.status).toBe('acknowledged');
      await expect(h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'bob' }] })).rejects.toThrow();
      await expect(h.executeUpdate(resolveUpdate, { args: [{ by: '' }] })).rejects.toMatchObject({
        cause: { message: 'command needs a "by"' },
      });
      await h.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'fixed' }] });
      const result = await h.result();
      expect(result?.status).toBe('resolved');
      expect(result?.timeline.map((e) => e.type)).toEqual(['triggered', 'alert', 'acknowledged', 'resolved']);
      expect(projected.at(-1)?.seq).toBe(result?.seq);
    });
  });

  it('keeps going while the store is down, and the projection catches up', async () => {
    projected = [];
    storeDown = true;
    const tq = 'wf-store-down';
    await withWorker(tq, async () => {
      const h = await start(tq, 'inc-2');
      await h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'alice' }] });
      expect(projected).toHaveLength(0);
      await env.sleep('2 minutes');
      storeDown = false;
      await h.executeUpdate(resolveUpdate, { args: [{ by: 'alice' }] });
      const result = await h.result();
      expect(projected.at(-1)).toEqual(result);
    });
  });

  it('refuses commands without an actor, and opens nothing when no alert ever comes', async () => {
    const tq = 'wf-no-alert';
    await withWorker(tq, async () => {
      const h = await env.client.workflow.start(incidentWorkflow, {
        workflowId: 'inc-3', taskQueue: tq, args: [{ incidentId: 'inc-3', service: 's', dedupKey: 'k' }],
      });
      await expect(h.executeUpdate(resolveUpdate, { args: [{ by: 'alice' }] })).rejects.toMatchObject({
        cause: { message: 'incident has not been opened yet' },
      });
      await env.sleep('2 minutes');
      expect(await h.result()).toBeUndefined();
    });
  });
});
