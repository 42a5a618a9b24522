/**
 * An alert storm on the time-skipping server: the incident continues as new several times
 * (its history limit set low) and nothing is lost or repeated across the hand-overs: the
 * alert count, the incident number, the run key and its idempotency keys, an
 * acknowledgement given mid-storm, and the escalation timer that was running.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeUpdate, alertFiredSignal } from '../../workflows/contract';
import { createTimeSkippingEnv, workflowBundle } from './env';
import { alertOf, createMocks, eventsOf, firstPage, keyTails, MIN, pages, withIncident } from './fixtures';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  await workflowBundle();
});
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

/** Runs of the workflow id, oldest first, following each run's continue-as-new event. */
async function runsOf(id: string, firstRunId: string): Promise<string[]> {
  const runs = [firstRunId];
  for (;;) {
    const history = await env.client.workflow.getHandle(id, runs.at(-1)).fetchHistory();
    const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runs;
    runs.push(next);
  }
}

describe('continue-as-new under an alert storm', () => {
  it('carries alerts, number, keys, an acknowledgement and the running timer across runs', async () => {
    const mocks = createMocks();
    const id = 'inc-storm';
    await withIncident(env, mocks, { id, maxHistoryEvents: 120 }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      const first = await inc.state();

      // 150 repeats in the first two minutes: level 1 is still waiting (5 min).
      for (let i = 0; i < 150; i++) {
        await inc.handle.signal(alertFiredSignal, alertOf(id, 'SEV3', p1 + 1_000));
        if (i === 75) await inc.sleepTo(p1 + MIN);
      }
      await inc.eventually(async () => expect((await inc.state()).alertCount).toBe(151));
      const during = await inc.state();
      expect(during).toMatchObject({
        runKey: first.runKey,
        number: 42,
        status: 'triggered',
        escalation: { level: 0, loop: 0 },
      });
      expect((await runsOf(id, first.runKey)).length).toBeGreaterThanOrEqual(2);

      // Level 2 still fires at 5 minutes from the first page, once, on the carried timer.
      await inc.sleepTo(p1 + 5 * MIN + 1_000);
      await inc.eventually(() =>
        expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1', '5m a/a-sms L1R1', '5m b/b-hook L2R1']),
      );

      // An acknowledgement in the middle of more repeats holds across the hand-overs.
      for (let i = 0; i < 100; i++) {
        if (i === 50) await inc.command(acknowledgeUpdate, { by: 'b' });
        await inc.handle.signal(alertFiredSignal, alertOf(id, 'SEV3', p1 + 6 * MIN));
      }
      await inc.eventually(async () => expect((await inc.state()).alertCount).toBe(251));
      await inc.sleepTo(p1 + 25 * MIN); // past the second pass: nobody is paged while acknowledged
      const s = await inc.state();
      expect(s).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'b',
        runKey: first.runKey,
        number: 42,
        createdAt: first.createdAt,
      });
      expect(eventsOf(s, 'acknowledged')).toHaveLength(1);
      expect(keyTails(mocks.sent, s)).toEqual(['L1:R1:a:a-hook', 'L1:R1:a:a-sms', 'L2:R1:b:b-hook']);
      expect(new Set(mocks.sent.map((n) => n.key)).size).toBe(mocks.sent.length);
      expect(mocks.numbersAllocated).toBe(1);
      expect((await runsOf(id, first.runKey)).length).toBeGreaterThanOrEqual(3);

      const final = await inc.finish('b');
      expect(final).toMatchObject({ status: 'resolved', alertCount: 251, runKey: first.runKey });
      expect(mocks.reviews.map((r) => r.runKey)).toEqual([first.runKey]);
    });
  });
});
