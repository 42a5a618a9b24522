/**
 * Escalation on the time-skipping server with real policy durations: level 1 (a) waits
 * 5 min, level 2 (b) 15 min, two passes, acknowledgement timeout 30 min; a's own rules
 * add an SMS 5 min after each page. Time moves only in env.sleep, to absolute instants.
 * The histories of four scenarios are checked in for replay.test.ts.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeUpdate, snoozeUpdate } from '../../workflows/contract';
import { createTimeSkippingEnv, workflowBundle } from './env';
import {
  createMocks,
  eventsOf,
  firstPage,
  keyTails,
  MIN,
  pages,
  recordHistory,
  withIncident,
  within,
} from './fixtures';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  await workflowBundle();
});
// One server per file: withIncident finishes or terminates every workflow a test starts,
// so no test leaves work behind that would hold back time skipping in the next.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

describe('escalation', () => {
  it('pages level 2 after 5 minutes without an acknowledgement, and not a second before', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-level-2' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(p1 + 5 * MIN - 1_000);
      expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1']);
      expect((await inc.state()).escalation).toMatchObject({ loop: 0, level: 0, userIds: ['a'] });

      await inc.sleepTo(p1 + 5 * MIN + 1_000);
      await inc.eventually(() =>
        expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1', '5m a/a-sms L1R1', '5m b/b-hook L2R1']),
      );
      const s = await inc.state();
      expect(s.escalation).toMatchObject({ epoch: 0, loop: 0, level: 1, userIds: ['b'] });
      const paged2 = Date.parse(s.escalation?.pagedAt ?? '') - p1;
      expect(paged2).toSatisfy(within(5 * MIN));
      expect(keyTails(mocks.sent, s)).toEqual(['L1:R1:a:a-hook', 'L1:R1:a:a-sms', 'L2:R1:b:b-hook']);
      await inc.finish();
      // A new run takes every patch with one marker (workflows/incident/patches.ts), not one each.
      const events = (await inc.handle.fetchHistory()).events ?? [];
      const patches = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      expect(patches).toHaveLength(1);
      const versions = events.filter(
        (e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TemporalChangeVersion,
      );
      expect(versions).toHaveLength(1);
      await recordHistory(inc.handle, 'escalates-to-level-2');
    });
  });

  it('sends the first page with no lookup of its own; the number follows', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-first-page' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1']);
      expect(mocks.recipientCalls).toBe(0);
      await inc.eventually(async () => expect((await inc.state()).number).toBe(42));
      expect(mocks.numbersAllocated).toBe(1);
      await inc.sleepTo(p1 + 5 * MIN + 1_000);
      await inc.eventually(() => expect(pages(mocks.sent, p1)).toContain('5m b/b-hook L2R1'));
      expect(mocks.recipientCalls).toBe(1); // level 2 is looked up when it is due
      await inc.finish();
    });
  });

  it('pages nobody else once level 1 acknowledges at 3 minutes', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-ack' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + 3 * MIN);
      expect((await inc.command(acknowledgeUpdate, { by: 'a' })).status).toBe('acknowledged');
      // Past level 2 (5 min) and the second pass (20 min), short of the ack timeout (33 min).
      await inc.sleepTo(inc.t0 + 29 * MIN);
      expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1']); // no level 2, no SMS at 5 min
      expect(mocks.sent).toHaveLength(1);
      const s = await inc.state();
      expect(s).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'a',
        escalation: { epoch: 0, loop: 0, level: 0 },
      });
      expect(eventsOf(s, 'escalated')).toHaveLength(1);
      await inc.finish();
      await recordHistory(inc.handle, 'ack-stops-escalation');
    });
  });

  it('starts the policy over for its second pass, then records exhaustion and tells the team', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-loops' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(p1 + 39 * MIN);
      expect((await inc.state()).escalation?.exhausted).toBe(false);
      expect(mocks.sent.filter((n) => n.kind === 'escalation_exhausted')).toEqual([]);

      await inc.sleepTo(p1 + 41 * MIN);
      const exhausted = await inc.eventually(() => {
        const sent = mocks.sent.filter((n) => n.kind === 'escalation_exhausted');
        expect(sent.map((n) => `${n.userId}/${n.methodId}`).sort()).toEqual(['a/a-hook', 'b/b-hook']);
        return sent;
      });
      expect(pages(mocks.sent, p1)).toEqual([
        '0m a/a-hook L1R1',
        '5m a/a-sms L1R1',
        '5m b/b-hook L2R1',
        '20m a/a-hook L1R2',
        '25m a/a-sms L1R2',
        '25m b/b-hook L2R2',
      ]);
      expect(exhausted.map((n) => Math.floor((n.atMs - p1) / MIN))).toEqual([40, 40]);
      expect(exhausted[0]?.message).toBe('Escalation exhausted: nobody acknowledged');
      const s = await inc.state();
      expect(s.escalation).toMatchObject({ epoch: 0, exhausted: true });
      expect(eventsOf(s, 'escalation_exhausted')).toHaveLength(1);
      await inc.finish();
      await recordHistory(inc.handle, 'loops-then-exhausts');
    });
  });

  it('triggers again 30 minutes after an acknowledgement, paging level 1 under a new epoch key', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-ack-timeout' }, async (inc) => {
      await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + MIN);
      const ackAt = Date.parse((await inc.command(acknowledgeUpdate, { by: 'a' })).acknowledgedAt ?? '');

      await inc.sleepTo(ackAt + 30 * MIN - 1_000);
      expect((await inc.state()).status).toBe('acknowledged');
      expect(mocks.sent).toHaveLength(1);

      await inc.sleepTo(ackAt + 30 * MIN + 1_000);
      await inc.eventually(() => expect(mocks.sent).toHaveLength(2));
      const s = await inc.state();
      expect(s).toMatchObject({ status: 'triggered', escalation: { epoch: 1, loop: 0, level: 0, userIds: ['a'] } });
      expect(s.acknowledgedBy).toBeUndefined();
      const [retriggered] = eventsOf(s, 'retriggered');
      expect(retriggered?.message).toBe('Re-triggered: not resolved within 30 min of acknowledgement');
      expect(Date.parse(retriggered?.at ?? '') - ackAt).toSatisfy(within(30 * MIN));
      expect(keyTails(mocks.sent, s)).toEqual(['E2:L1:R1:a:a-hook', 'L1:R1:a:a-hook']);
      await inc.finish();
      await recordHistory(inc.handle, 'ack-timeout-retriggers');
    });
  });

  it('ends a 10-minute snooze at exactly 10 minutes and pages level 1 again', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-snooze' }, async (inc) => {
      await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + 2 * MIN);
      const snoozed = await inc.command(snoozeUpdate, { by: 'a', minutes: 10 });
      expect(snoozed.status).toBe('acknowledged');
      const until = Date.parse(snoozed.snoozedUntil ?? '');
      expect(until - Date.parse(snoozed.acknowledgedAt ?? '')).toBe(10 * MIN);

      await inc.sleepTo(until - 1_000);
      expect((await inc.state()).status).toBe('acknowledged');
      expect(mocks.sent).toHaveLength(1); // the snooze also stopped a's SMS at 5 min

      await inc.sleepTo(until + 1_000);
      await inc.eventually(() => expect(mocks.sent).toHaveLength(2));
      const s = await inc.state();
      expect(s).toMatchObject({ status: 'triggered', escalation: { epoch: 1, level: 0, userIds: ['a'] } });
      expect(s.snoozedUntil).toBeUndefined();
      const [retriggered] = eventsOf(s, 'retriggered');
      expect(retriggered?.message).toBe('Re-triggered: snooze ended');
      expect(Date.parse(retriggered?.at ?? '') - until).toSatisfy(within(0));
      expect(mocks.sent[1]).toMatchObject({ kind: 'page', userId: 'a', methodId: 'a-hook' });
      expect(keyTails(mocks.sent, s)).toEqual(['E2:L1:R1:a:a-hook', 'L1:R1:a:a-hook']);
      await inc.finish();
      await recordHistory(inc.handle, 'snooze-retriggers');
    });
  });
});
