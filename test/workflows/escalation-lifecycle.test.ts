/**
 * The rest of the incident lifecycle on the time-skipping server, with the policy of
 * escalation.test.ts (a at once, b after 5 min, two passes): SLA timers and their
 * re-planning, responder commands and their refusals, the review child's metrics, and
 * maintenance windows.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  acknowledgeUpdate,
  alertFiredSignal,
  changeSeverityUpdate,
  escalateUpdate,
  reassignUpdate,
  resolveUpdate,
  snoozeUpdate,
} from '../../workflows/contract';
import { createTimeSkippingEnv, workflowBundle } from './env';
import {
  alertOf,
  createMocks,
  eventsOf,
  firstPage,
  keyTails,
  MIN,
  pages,
  recordHistory,
  servicePlan,
  withIncident,
  within,
  type Mocks,
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

const iso = (ms: number) => new Date(ms).toISOString();
const ofKind = (mocks: Mocks, kind: string) => mocks.sent.filter((n) => n.kind === kind);

describe('SLA timers', () => {
  it('records a SEV1 response breach at createdAt + 5 minutes, not before, and tells whoever holds it', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-sla', severity: 'SEV1' }, async (inc) => {
      const due = inc.t0 + 5 * MIN;
      await inc.sleepTo(due - 1_000);
      expect((await inc.state()).slaBreaches).toEqual([]);
      expect(ofKind(mocks, 'sla_breach')).toEqual([]);

      await inc.sleepTo(due + 1_000);
      const [note] = await inc.eventually(() => {
        expect(ofKind(mocks, 'sla_breach')).toHaveLength(1);
        return ofKind(mocks, 'sla_breach');
      });
      const s = await inc.state();
      expect(s.slaBreaches).toEqual([{ sla: 'response', dueAt: iso(due), at: expect.any(String) }]);
      expect(Date.parse(s.slaBreaches?.[0]?.at ?? '') - due).toSatisfy(within(0));
      expect(eventsOf(s, 'sla_breach')).toHaveLength(1);
      // The SLA timer (createdAt + 5) fires before level 2's (first page + 5): a still holds it.
      expect(note).toMatchObject({ userId: 'a', methodId: 'a-hook', message: 'response SLA breached: 5 min for SEV1' });
      expect(note?.key).toMatch(/:sla_breach:a:a-hook:#response$/);
      await inc.finish();
      await recordHistory(inc.handle, 'sla-breach');
    });
  });

  it('re-plans on a severity change: SEV1 lowered to SEV3 at 2 minutes breaches at 60, not at 5', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-sla-replan', severity: 'SEV1' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 2 * MIN);
      await inc.command(changeSeverityUpdate, { by: 'lead', severity: 'SEV3' });
      await inc.sleepTo(inc.t0 + 60 * MIN - 1_000);
      let s = await inc.state();
      expect(s.slaBreaches).toEqual([]);
      expect(eventsOf(s, 'status_update_due')).toEqual([]); // SEV1's 15-minute reminders stopped too

      await inc.sleepTo(inc.t0 + 60 * MIN + 1_000);
      s = await inc.eventually(async () => {
        const now = await inc.state();
        expect(now.slaBreaches).toHaveLength(1);
        return now;
      });
      expect(s.slaBreaches?.[0]).toMatchObject({ sla: 'response', dueAt: iso(inc.t0 + 60 * MIN) });
      expect(Date.parse(s.slaBreaches?.[0]?.at ?? '') - (inc.t0 + 60 * MIN)).toSatisfy(within(0));
    });
  });

  it('re-plans when a repeat alert raises SEV3 to SEV1: the response SLA breaches at 5 minutes', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-sla-raised' }, async (inc) => {
      await inc.sleepTo(inc.t0 + MIN);
      await inc.handle.signal(alertFiredSignal, alertOf('inc-sla-raised', 'SEV1', inc.t0 + MIN));
      await inc.eventually(async () => expect((await inc.state()).severity).toBe('SEV1'));
      await inc.sleepTo(inc.t0 + 5 * MIN - 1_000);
      expect((await inc.state()).slaBreaches).toEqual([]);
      await inc.sleepTo(inc.t0 + 5 * MIN + 1_000);
      await inc.eventually(async () => expect((await inc.state()).slaBreaches).toHaveLength(1));
      const s = await inc.state();
      expect(s.slaBreaches?.[0]).toMatchObject({ sla: 'response', dueAt: iso(inc.t0 + 5 * MIN) });
      expect(Date.parse(s.slaBreaches?.[0]?.at ?? '') - (inc.t0 + 5 * MIN)).toSatisfy(within(0));
      await inc.finish();
      await recordHistory(inc.handle, 'sla-replanned-by-repeat-alert');
    });
  });

  it('tells the people last paged about a breach that comes after exhaustion', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-sla-exhausted' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 60 * MIN + 1_000); // exhausted at 40, SEV3 response due at 60
      await inc.eventually(async () => expect((await inc.state()).slaBreaches).toHaveLength(1));
      await inc.eventually(() => expect(ofKind(mocks, 'sla_breach').map((n) => n.userId)).toEqual(['b']));
    });
  });
});

describe('commands', () => {
  it('escalates at once, pages a reassigned user, and answers why it refuses', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-commands' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(p1 + MIN);
      await inc.command(escalateUpdate, { by: 'lead' });
      await inc.eventually(() => expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1', '1m b/b-hook L2R1']));
      // Level 2 keeps its own 15 minutes from its page: the second pass starts at 16, not 20.
      await inc.sleepTo(p1 + 16 * MIN + 1_000);
      await inc.eventually(() =>
        expect(pages(mocks.sent, p1)).toEqual([
          '0m a/a-hook L1R1',
          '1m b/b-hook L2R1',
          '5m a/a-sms L1R1',
          '16m a/a-hook L1R2',
        ]),
      );

      const reassigned = await inc.command(reassignUpdate, { by: 'lead', toUserIds: ['c'] });
      expect(reassigned).toMatchObject({ assignedUserIds: ['c'], escalation: { epoch: 1 } });
      await inc.eventually(() => expect(mocks.sent.filter((n) => n.userId === 'c')).toHaveLength(1));
      expect(
        keyTails(
          mocks.sent.filter((n) => n.userId === 'c'),
          reassigned,
        ),
      ).toEqual(['E2:L1:R1:c:c-hook']);

      const refused = (cause: string) => ({ cause: { message: cause } });
      await expect(inc.command(reassignUpdate, { by: 'lead', toUserIds: ['zed'] })).rejects.toMatchObject(
        refused('unknown user "zed"'),
      );
      await expect(inc.command(snoozeUpdate, { by: 'lead', minutes: 0 })).rejects.toMatchObject(
        refused('minutes must be a whole number from 1 to 1440'),
      );
      mocks.storeDown = true; // keeps the resolved workflow open for the second resolve
      await inc.command(resolveUpdate, { by: 'lead' });
      await expect(inc.command(resolveUpdate, { by: 'b' })).rejects.toMatchObject(
        refused('incident is already resolved (by lead)'),
      );
      mocks.storeDown = false;
      expect((await inc.closed()).resolvedBy).toBe('lead');
      await recordHistory(inc.handle, 'commands');
    });
  });

  it('restarts an exhausted policy on escalate under new idempotency keys', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-escalate-exhausted' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(p1 + 41 * MIN);
      await inc.eventually(() => expect(ofKind(mocks, 'escalation_exhausted')).toHaveLength(2));
      await inc.command(escalateUpdate, { by: 'lead' });
      const again = await inc.eventually(() => {
        const late = mocks.sent.filter((n) => n.methodId === 'a-hook' && n.kind === 'page' && n.atMs > p1 + 41 * MIN);
        expect(late).toHaveLength(1);
        return late[0];
      });
      expect(again?.key).not.toBe(mocks.sent[0]?.key);
    });
  });
});

describe('review and maintenance', () => {
  it('hands the review child MTTA 180 s and MTTR 2460 s for an ack at 3 min and a resolution at 41', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-review' }, async (inc) => {
      await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + 3 * MIN);
      await inc.command(acknowledgeUpdate, { by: 'a' });
      await inc.sleepTo(inc.t0 + 41 * MIN);
      const final = await inc.finish('a');
      expect(mocks.reviews).toHaveLength(1);
      const [{ review, incidentId, runKey }] = mocks.reviews as [(typeof mocks.reviews)[number]];
      expect({ incidentId, runKey }).toEqual({ incidentId: 'inc-review', runKey: final.runKey });
      // The ack timed out at 33 min: 3 + 8 min triggered, 30 acknowledged.
      expect(review.metrics).toMatchObject({
        mttaSeconds: 180,
        mttrSeconds: 2460,
        timeInState: { triggered: 660, acknowledged: 1800, snoozed: 0 },
      });
      expect(review.incident).toMatchObject({
        acknowledgedBy: 'a',
        resolvedBy: 'a',
        createdAt: iso(inc.t0),
        number: 42,
      });
      expect(review.slaTargets).toEqual({ ackWithinMinutes: 60, resolveWithinMinutes: 1440 });
      expect(review.slaBreaches).toEqual([]);
      await recordHistory(inc.handle, 'review-metrics');
    });
  });

  it('records an incident in a maintenance window and pages nobody', async () => {
    const mocks = createMocks(servicePlan({ inMaintenance: true }));
    await withIncident(env, mocks, { id: 'inc-maintenance' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 30 * MIN);
      const s = await inc.state();
      expect(s).toMatchObject({ status: 'triggered', inMaintenance: true });
      expect(eventsOf(s, 'maintenance').map((e) => e.message)).toEqual([
        'Service is in a maintenance window: recorded, not paged',
      ]);
      expect(eventsOf(s, 'escalated')).toEqual([]);
      expect(mocks.sent).toEqual([]);
      expect(mocks.recipientCalls).toBe(0);
      await inc.finish();
    });
  });
});
