import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewActivities, StoreReviewInput } from '../../activities/review';
import { acknowledge, openIncident, resolve, type IncidentState } from '../../domain/incident/incident';
import type { Severity } from '../../domain/incident/severity';
import { postIncidentReviewWorkflow } from '../../workflows/review';
import { createTimeSkippingEnv, workflowBundle } from './env';

let env: TestWorkflowEnvironment;
let stored: StoreReviewInput[] = [];
let failuresLeft = 0;
let attempts = 0;

const activities: ReviewActivities = {
  async storeReview(input) {
    attempts += 1;
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error('mongodb unavailable');
    }
    stored.push(input);
    return { reviewId: `${input.incidentId}:${input.runKey}`, created: stored.length === 1 };
  },
};

const T = Date.parse('2026-03-09T14:02:00Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

/** An incident triggered at T, acknowledged by alice at `ackAt` minutes, resolved by bob at `resolveAt`. */
function incident(opts: { ackAt?: number; resolveAt?: number; severity?: Severity } = {}): IncidentState {
  let s = openIncident('incident-checkout-0123456789abcdef01234567', 'run-1', {
    source: 'alertmanager',
    dedupKey: 'k',
    service: 'checkout',
    summary: 'Checkout 5xx',
    severity: opts.severity ?? 'SEV2',
    details: {},
    receivedAt: at(0),
  });
  if (opts.ackAt !== undefined) s = acknowledge(s, { by: 'alice' }, at(opts.ackAt));
  if (opts.resolveAt !== undefined) s = resolve(s, { by: 'bob', note: 'rolled back' }, at(opts.resolveAt));
  return s;
}

beforeAll(async () => {
  await workflowBundle();
  env = await createTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(() => {
  stored = [];
  failuresLeft = 0;
  attempts = 0;
});

/**
 * Checked in; re-record with VIGIL_RECORD_HISTORIES=1 only for a change that is meant to break
 * replay. Stored as protobufjs' JSON and loaded with fromObject: historyFromJSON throws "type
 * must be a Type" here because npm installed three copies of protobufjs 8.
 */
const HISTORY = path.resolve(__dirname, 'histories/post-incident-review.json');

async function run(taskQueue: string, input: Parameters<typeof postIncidentReviewWorkflow>[0]) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  return worker.runUntil(
    env.client.workflow.execute(postIncidentReviewWorkflow, {
      workflowId: `review-${taskQueue}`,
      taskQueue,
      args: [input],
    }),
  );
}

describe('postIncidentReviewWorkflow', () => {
  it('stores a review with MTTA 180 s and MTTR 2460 s for an ack at 3 min and a resolution at 41 min', async () => {
    const state = incident({ ackAt: 3, resolveAt: 41 });
    const result = await run('review-metrics', {
      incident: state,
      slaTargets: { ackWithinMinutes: 15, resolveWithinMinutes: 480 },
    });

    expect(result).toEqual({ reviewId: `${state.incidentId}:run-1` });
    expect(stored).toHaveLength(1);
    const [{ review, incidentId, runKey }] = stored as [StoreReviewInput];
    expect({ incidentId, runKey }).toEqual({ incidentId: state.incidentId, runKey: 'run-1' });
    expect(review.metrics).toMatchObject({
      mttaSeconds: 180,
      mttrSeconds: 2460,
      durationSeconds: 2460,
      timeInState: { triggered: 180, acknowledged: 2280, snoozed: 0 },
    });
    expect(review.incident).toMatchObject({
      acknowledgedBy: 'alice',
      resolvedBy: 'bob',
      createdAt: at(0),
      resolvedAt: at(41),
    });
    expect(review.slaTargets).toEqual({ ackWithinMinutes: 15, resolveWithinMinutes: 480 });
    expect(review.slaBreaches).toEqual([]);
    expect(review.actionItems).toEqual([]);
    expect(review.timeline.map((e) => e.type)).toEqual(['triggered', 'acknowledged', 'resolved']);

    if (process.env.VIGIL_RECORD_HISTORIES) {
      mkdirSync(path.dirname(HISTORY), { recursive: true });
      writeFileSync(
        HISTORY,
        `${JSON.stringify(await env.client.workflow.getHandle('review-review-metrics').fetchHistory(), null, 1)}\n`,
      );
    }
  });

  it('replays its recorded history (a determinism break fails here)', async () => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(HISTORY, 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), replayName: 'post-incident-review' }, history),
    ).resolves.toBeUndefined();
  });

  it("falls back to the severity's default targets and computes the breach they imply", async () => {
    // SEV1 must be acknowledged within 5 minutes; 7 is 2 minutes late.
    await run('review-defaults', { incident: incident({ severity: 'SEV1', ackAt: 7, resolveAt: 30 }) });
    const review = stored[0]?.review;
    expect(review?.slaTargets).toEqual({ ackWithinMinutes: 5, resolveWithinMinutes: 240 });
    expect(review?.slaBreaches).toEqual([
      { sla: 'response', dueAt: at(5), metAt: at(7), overBySeconds: 120, source: 'computed' },
    ]);
  });

  it('keeps retrying the store through an outage and stores the review once it is back', async () => {
    failuresLeft = 3;
    const result = await run('review-outage', { incident: incident({ ackAt: 3, resolveAt: 41 }) });
    expect(result.reviewId).toMatch(/:run-1$/);
    expect(attempts).toBe(4);
    expect(stored).toHaveLength(1);
  });

  it('fails without retrying, and stores nothing, for an incident that is not resolved', async () => {
    const err = await run('review-unresolved', { incident: incident({ ackAt: 3 }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'InvalidReviewInput', nonRetryable: true });
    expect(cause?.message).toMatch(/not resolved/);
    expect(attempts).toBe(0);
  });
});
