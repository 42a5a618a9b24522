/**
 * exportActionItemWorkflow on the time-skipping server, started as the API starts it
 * (api/follow-up-gateway.ts: one workflow id per item, USE_EXISTING while it runs, a new run
 * only after a failed one). The tracker call is the real one (createTrackerIssue, Jira's
 * request) against a local receiver; the review store is a map. Checked: transient failures
 * (503, 429 with Retry-After) are retried with the same idempotency key and the key is stored
 * once; asking twice at once or again later creates no second issue; a refusal fails at once
 * and may be asked for again; a failing store is retried without a second issue.
 * No test cancels anything: each waits for its workflows to finish before the worker stops.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFollowUpGateway } from '../../api/follow-up-gateway';
import { createTrackerIssue, type TrackerCredentials } from '../../activities/follow-up-trackers';
import type { ExportItemInput, FollowUpActivities } from '../../activities/follow-up';
import type { ExternalRef } from '../../domain/coordination/follow-up';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver';
import { createTimeSkippingEnv, workflowBundle } from './env';

let env: TestWorkflowEnvironment;
let jira: HttpReceiver;
let stored: Map<string, ExternalRef>;
let calls: { export: number; record: number };
let recordFailuresLeft = 0;

beforeAll(async () => {
  await workflowBundle();
  env = await createTimeSkippingEnv();
  jira = await startHttpReceiver(() => ({ status: 201, body: { id: '10007', key: 'OPS-7', self: 'x' } }));
});
afterAll(async () => {
  await env?.teardown();
  await jira?.close();
});
beforeEach(() => {
  stored = new Map();
  calls = { export: 0, record: 0 };
  recordFailuresLeft = 0;
  jira.received.length = 0;
});

const trackers = (): TrackerCredentials => ({ jira: { url: jira.base, email: 'ops@example.com', apiToken: 't' } });
const keyOf = (i: ExportItemInput) => `${i.incidentId}:${i.runKey}:${i.itemId}`;

/** The activities as the worker has them, with the review store kept in `stored`. */
const activities: FollowUpActivities = {
  async exportActionItem(input) {
    calls.export += 1;
    const done = stored.get(keyOf(input));
    if (done) return done;
    const item = { id: input.itemId, title: 'Alert on p99', owner: 'ola', dueDate: '2026-04-01', incident: '#7 auth' };
    return createTrackerIssue(
      trackers(),
      { tracker: 'jira', projectKey: 'OPS', issueType: 'Task' },
      item,
      keyOf(input),
    );
  },
  async recordActionItemExport(input) {
    calls.record += 1;
    if (recordFailuresLeft > 0) {
      recordFailuresLeft -= 1;
      throw new Error('the review kept changing; retrying');
    }
    if (!stored.has(keyOf(input))) stored.set(keyOf(input), input.external);
    return { recorded: true };
  },
};

/** Runs `body` with a worker on its own task queue; the gateway starts exports on it. */
async function withWorker<T>(
  taskQueue: string,
  body: (gateway: ReturnType<typeof createFollowUpGateway>) => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(body(createFollowUpGateway(env.client, taskQueue)));
}

const item = (itemId: string): ExportItemInput => ({ incidentId: 'incident-auth-0123', runKey: 'run-1', itemId });
const result = (workflowId: string) => env.client.workflow.getHandle(workflowId).result() as Promise<ExternalRef>;
const created: ExternalRef = { tracker: 'jira', key: 'OPS-7', url: '' };

describe('exportActionItemWorkflow', () => {
  it('retries transient tracker failures with the same key and stores the issue once', async () => {
    jira.script([
      { status: 503, body: 'unavailable' },
      { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' },
    ]);
    const ref = await withWorker('export-transient', async (gateway) => {
      const { workflowId } = await gateway.startExport(item('A1'));
      return result(workflowId);
    });
    expect(ref).toEqual({ ...created, url: `${jira.base}/browse/OPS-7` });
    expect(jira.received).toHaveLength(3);
    expect(new Set(jira.received.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['incident-auth-0123:run-1:A1']),
    );
    expect(calls).toEqual({ export: 3, record: 1 });
    expect(stored.get('incident-auth-0123:run-1:A1')).toEqual(ref);
  });

  it('is exported once however often it is asked for: at once and after it finished', async () => {
    await withWorker('export-once', async (gateway) => {
      const starts = await Promise.all([gateway.startExport(item('A2')), gateway.startExport(item('A2'))]);
      expect(new Set(starts.map((s) => s.workflowId)).size).toBe(1);
      await result(starts[0]!.workflowId);
      const later = await gateway.startExport(item('A2'));
      expect(later.workflowId).toBe(starts[0]!.workflowId);
      await result(later.workflowId);
    });
    expect(jira.received).toHaveLength(1);
    expect(calls).toEqual({ export: 1, record: 1 });
  });

  it('fails at once on a refusal, storing nothing; asked again, a new run exports it', async () => {
    jira.script([{ status: 400, body: { errorMessages: [], errors: { project: 'project is required' } } }]);
    await withWorker('export-refused', async (gateway) => {
      const { workflowId } = await gateway.startExport(item('A3'));
      await expect(result(workflowId)).rejects.toThrow();
      expect(jira.received).toHaveLength(1); // a 400 is not retried
      expect(stored.size).toBe(0);
      await gateway.startExport(item('A3'));
      await result(workflowId);
    });
    expect(jira.received).toHaveLength(2);
    expect(calls).toEqual({ export: 2, record: 1 });
    expect(stored.get('incident-auth-0123:run-1:A3')?.key).toBe('OPS-7');
  });

  it('retries storing the key without creating a second issue', async () => {
    recordFailuresLeft = 2;
    await withWorker('export-store-retry', async (gateway) => {
      const { workflowId } = await gateway.startExport(item('A4'));
      await result(workflowId);
    });
    expect(jira.received).toHaveLength(1);
    expect(calls).toEqual({ export: 1, record: 3 });
    expect(stored.get('incident-auth-0123:run-1:A4')?.key).toBe('OPS-7');
  });
});
