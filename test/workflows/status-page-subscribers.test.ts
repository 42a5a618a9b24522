/**
 * The fan-out of a status-page update, on the time-skipping server with mocked
 * activities: planning on the incident queue, each delivery on its channel's queue (email,
 * webhook), a refused subscriber logged while the others still hear, and a long list
 * continued as new from the last planned subscriber. The confirmation workflow sends on
 * the email queue and reports a refusal instead of failing.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnnouncePlan, DeliveryOutcome } from '../../activities/status-page/subscribers';
import { NOTIFICATION_REJECTED, notifyTaskQueue } from '../../domain/incident/notification';
import type { AnnounceInput, DeliveryInput } from '../../domain/status-page/subscribers';
import { statusPageAnnounceWorkflow, statusPageConfirmWorkflow } from '../../workflows/status-page-subscribers';
import { createTimeSkippingEnv, workflowBundle } from './env';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  await workflowBundle();
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

interface Seen {
  plans: AnnounceInput[];
  sends: Array<{ queue: string; subscriberId: string }>;
}

/** Runs `start` with a worker on the incident queue and one per channel queue; the activities record where they ran. */
async function run<T>(
  taskQueue: string,
  plan: (input: AnnounceInput) => AnnouncePlan,
  refuse: Set<string>,
  start: () => Promise<T>,
): Promise<{ result: T; seen: Seen }> {
  const seen: Seen = { plans: [], sends: [] };
  const send = async (subscriberId: string): Promise<DeliveryOutcome> => {
    seen.sends.push({ queue: Context.current().info.taskQueue, subscriberId });
    if (refuse.has(subscriberId))
      throw ApplicationFailure.create({ type: NOTIFICATION_REJECTED, message: 'mailbox unknown', nonRetryable: true });
    return { status: 'sent' };
  };
  const activities = {
    planStatusPageAnnouncement: async (input: AnnounceInput) => (seen.plans.push(input), plan(input)),
    deliverStatusPageUpdate: async (input: DeliveryInput) => send(input.subscriberId),
    sendStatusPageConfirmation: async (input: { subscriberId: string }) => send(input.subscriberId),
  };
  const workers = await Promise.all([
    Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities }),
    ...['email', 'webhook'].map((type) =>
      Worker.create({ connection: env.nativeConnection, taskQueue: notifyTaskQueue(taskQueue, type), activities }),
    ),
  ]);
  const done = start();
  await Promise.all(workers.map((w) => w.runUntil(done)));
  return { result: await done, seen };
}

const UPDATE = { pageId: 'public', pageIncidentId: 'i1', updateId: 'u1' };

describe('a status-page update fan-out', () => {
  it('sends each subscriber on its channel queue; a refused one does not stop the others', async () => {
    const taskQueue = 'fan-out-1';
    const { result, seen } = await run(
      taskQueue,
      () => ({
        announcement: 'created',
        deliveries: [
          { subscriberId: 'e1', type: 'email' },
          { subscriberId: 'e2', type: 'email' },
          { subscriberId: 'w1', type: 'webhook' },
        ],
      }),
      new Set(['e1']),
      () =>
        env.client.workflow.execute(statusPageAnnounceWorkflow, {
          workflowId: 'announce-1',
          taskQueue,
          args: [UPDATE],
        }),
    );
    expect(result).toEqual({ sent: 2, duplicate: 0, skipped: 0, failed: 1 });
    expect(seen.sends.sort((a, b) => a.subscriberId.localeCompare(b.subscriberId))).toEqual([
      { queue: `${taskQueue}-notify-email`, subscriberId: 'e1' },
      { queue: `${taskQueue}-notify-email`, subscriberId: 'e2' },
      { queue: `${taskQueue}-notify-webhook`, subscriberId: 'w1' },
    ]);
  });

  it('continues as new after a full batch, from its last subscriber', async () => {
    const taskQueue = 'fan-out-2';
    const { result, seen } = await run(
      taskQueue,
      (input) =>
        input.after === undefined
          ? { announcement: 'updated', deliveries: [{ subscriberId: 'e1', type: 'email' }], next: 'e1' }
          : { announcement: 'updated', deliveries: [{ subscriberId: 'e2', type: 'email' }] },
      new Set(),
      () =>
        env.client.workflow.execute(statusPageAnnounceWorkflow, {
          workflowId: 'announce-2',
          taskQueue,
          args: [UPDATE],
        }),
    );
    expect(seen.plans.map((p) => p.after)).toEqual([undefined, 'e1']);
    expect(seen.sends.map((s) => s.subscriberId)).toEqual(['e1', 'e2']);
    expect(result).toEqual({ sent: 1, duplicate: 0, skipped: 0, failed: 0 });
  });

  it('sends a confirmation on the email queue, and reports a refusal instead of failing', async () => {
    const taskQueue = 'confirm-1';
    const args = (subscriberId: string) => ({
      workflowId: `confirm-${subscriberId}`,
      taskQueue,
      args: [{ subscriberId, nth: 1 }] as [{ subscriberId: string; nth: number }],
    });
    const { result, seen } = await run(
      taskQueue,
      () => ({ deliveries: [] }),
      new Set(['e9']),
      async () => [
        await env.client.workflow.execute(statusPageConfirmWorkflow, args('e8')),
        await env.client.workflow.execute(statusPageConfirmWorkflow, args('e9')),
      ],
    );
    expect(result).toEqual(['sent', 'failed']);
    expect(seen.sends.map((s) => s.queue)).toEqual([`${taskQueue}-notify-email`, `${taskQueue}-notify-email`]);
  });
});
