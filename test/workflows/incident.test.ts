import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoreActivities } from '../../activities/store';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  alertsFiredSignal,
  incidentStateQuery,
  resolveUpdate,
  reviewWorkflowId,
} from '../../workflows/contract';
import type { AlertEvent, IncidentState } from '../../domain/incident/incident';
import { incidentWorkflow } from '../../workflows/incident';
import { createTimeSkippingEnv, workflowBundle } from './env';
import type { OnCallActivities } from '../../activities/oncall';
import type { NotifyActivities } from '../../activities/notify';
import type { ReviewActivities } from '../../activities/review';
import { PLACEHOLDER_PLAN } from '../../domain/incident/plan';

let env: TestWorkflowEnvironment;
let projected: IncidentState[] = [];
let storeDown = false;
const reviews: string[] = [];

/** The review child must finish inside the test: a pending task would stall time skipping. */
async function reviewDone(state: IncidentState | undefined): Promise<void> {
  if (!state) throw new Error('no incident state');
  await env.client.workflow.getHandle(reviewWorkflowId(state.incidentId, state.runKey)).result();
}

const activities: StoreActivities & OnCallActivities & Pick<NotifyActivities, 'sendNotification'> & ReviewActivities = {
  async upsertIncidentRecord({ state }) {
    if (storeDown) throw new Error('mongodb unavailable');
    projected.push(state);
    return { written: true };
  },
  // No service configured: the incident is recorded and nobody is paged.
  async loadServicePlan() {
    return { ...PLACEHOLDER_PLAN, found: false };
  },
  async resolveRecipients() {
    return { recipients: [], problems: [] };
  },
  async loadCoordinationPlan() {
    return { types: [], roles: [], reminderMinutes: 10 };
  },
  async composeStakeholderMessage() {
    return { heard: false, why: 'the service lists no stakeholders' };
  },
  async allocateIncidentNumber() {
    return 7;
  },
  async storeReview(input) {
    reviews.push(`${input.incidentId}:${input.runKey}`);
    return { reviewId: `${input.incidentId}:${input.runKey}`, created: true };
  },
  async sendNotification({ notification }) {
    return { channel: 'log', idempotencyKey: notification.idempotencyKey, deliveredAt: notification.occurredAt };
  },
};

const alert = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  source: 'test',
  dedupKey: 'k',
  service: 'checkout',
  summary: 'errors',
  severity: 'SEV3',
  details: {},
  receivedAt: new Date().toISOString(),
  ...over,
});

beforeAll(async () => {
  await workflowBundle();
});

// A server per test: work a test leaves behind (a retrying task) would hold back time
// skipping in the next one.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

async function withWorker<T>(taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
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
      // Repeats the API held behind a signal in flight come as one signal, each counted.
      await h.signal(alertsFiredSignal, [alert({ details: { y: 2 } }), alert({ details: { y: 3 } })]);
      const s = await h.query(incidentStateQuery);
      expect(s).toMatchObject({ alertCount: 4, severity: 'SEV1', status: 'triggered', details: { x: 1, y: 3 } });

      const acked = await h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'alice' }] });
      expect(acked.status).toBe('acknowledged');
      await expect(h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'bob' }] })).rejects.toThrow();
      await expect(h.executeUpdate(resolveUpdate, { args: [{ by: '' }] })).rejects.toMatchObject({
        cause: { message: 'command needs a "by"' },
      });
      await h.executeUpdate(resolveUpdate, { args: [{ by: 'alice', note: 'fixed' }] });
      const result = await h.result();
      expect(result?.status).toBe('resolved');
      const types = result?.timeline.map((e) => e.type) ?? [];
      // The repeat alert lands before or after the run has looked the service up (note: not configured).
      expect(types[0]).toBe('triggered');
      expect(types.slice(1, 6)).toEqual(expect.arrayContaining(['alert', 'note']));
      expect(types.filter((t) => t === 'alert')).toHaveLength(3);
      expect(types.slice(-2)).toEqual(['acknowledged', 'resolved']);
      expect(types).not.toContain('sla_breach');
      expect(result?.number).toBe(7);
      expect(projected.at(-1)?.seq).toBe(result?.seq);
      await reviewDone(result);
      expect(reviews).toContain(`inc-1:${result?.runKey}`);
    });
  });

  it('keeps going while the store is down, and the projection catches up', async () => {
    projected = [];
    storeDown = true;
    const tq = 'wf-store-down';
    await withWorker(tq, async () => {
      const h = await start(tq, 'inc-2');
      const acked = await h.executeUpdate(acknowledgeUpdate, { args: [{ by: 'alice' }] });
      const resolved = await h.executeUpdate(resolveUpdate, { args: [{ by: 'alice' }] });
      expect([acked.status, resolved.status]).toEqual(['acknowledged', 'resolved']);
      expect(projected).toHaveLength(0); // nothing written, nothing blocked
      storeDown = false;
      // Retries back off from 1 s: within seconds the read model holds the final state.
      for (let i = 0; i < 100 && projected.at(-1)?.status !== 'resolved'; i++)
        await new Promise((r) => setTimeout(r, 300));
      expect(projected.at(-1)?.status).toBe('resolved');
      expect(projected.at(-1)?.seq).toBe((await h.query(incidentStateQuery)).seq);
    });
  });

  it('refuses commands without an actor, and opens nothing when no alert ever comes', async () => {
    const tq = 'wf-no-alert';
    await withWorker(tq, async () => {
      const h = await env.client.workflow.start(incidentWorkflow, {
        workflowId: 'inc-3',
        taskQueue: tq,
        args: [{ incidentId: 'inc-3', service: 's', dedupKey: 'k' }],
      });
      await expect(h.executeUpdate(resolveUpdate, { args: [{ by: 'alice' }] })).rejects.toMatchObject({
        cause: { message: 'incident has not been opened yet' },
      });
      await env.sleep('2 minutes');
      expect(await h.result()).toBeUndefined();
    });
  });
});
