/**
 * Slack messages updated in place, on the time-skipping server: d is paged by the Slack
 * bot (the mock answers with a conversation id and ts), b by webhook (no ref). Every
 * change of status, severity or who holds the incident rewrites d's message with the
 * newest state, one update per change, none for b; the incident ends only after its
 * messages show the resolution; a refused update never holds the incident open.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeUpdate, changeSeverityUpdate, escalateUpdate } from '../../workflows/contract';
import type { EscalationPolicy } from '../../domain/oncall/policy';
import { createTimeSkippingEnv, workflowBundle } from './env';
import { createMocks, MIN, recordHistory, servicePlan, withIncident, within } from './fixtures';

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

/** Level 1 pages d (Slack) and waits 5 min; level 2 pages b (webhook). */
const SLACK_FIRST: EscalationPolicy = {
  id: 'slack-first',
  name: 'Slack first',
  loops: 0,
  levels: [
    { delayMinutes: 5, targets: [{ type: 'user', id: 'd' }] },
    { delayMinutes: 15, targets: [{ type: 'user', id: 'b' }] },
  ],
};
const plan = () => servicePlan({ policy: SLACK_FIRST, knownPolicyIds: [SLACK_FIRST.id] });
const view = (u: { status: string; severity: string; acknowledgedBy?: string; resolvedBy?: string }) =>
  [u.status, u.severity, u.acknowledgedBy ?? '-', u.resolvedBy ?? '-'].join(' ');

describe('messages updated in place', () => {
  it('rewrites the Slack page on acknowledge, severity change, escalation and resolution, and ends after the last', async () => {
    const mocks = createMocks(plan());
    await withIncident(env, mocks, { id: 'inc-slack-sync', severity: 'SEV3' }, async (inc) => {
      await inc.eventually(() => expect(mocks.sent.map((s) => `${s.userId}/${s.methodId}`)).toEqual(['d/d-slack']));
      const posted = await inc.eventually(async () => {
        const e = (await inc.state()).timeline.find((x) => x.type === 'notified');
        if (!e) throw new Error('page not recorded yet');
        return e;
      });
      expect(posted.data).toMatchObject({ messageRef: { channel: 'D-d', ts: '1' }, kind: 'page', level: 0, loop: 0 });
      expect(mocks.updated).toEqual([]); // nothing changed yet

      await inc.sleepTo(inc.t0 + 2 * MIN);
      await inc.command(acknowledgeUpdate, { by: 'd' });
      await inc.eventually(() => expect(mocks.updated.map(view)).toEqual(['acknowledged SEV3 d -']));
      expect(mocks.updated[0]).toMatchObject({ ref: { channel: 'D-d', ts: '1' }, kind: 'page' });
      expect((mocks.updated[0]?.atMs ?? 0) - inc.t0).toSatisfy(within(2 * MIN));

      await inc.command(changeSeverityUpdate, { by: 'd', severity: 'SEV2' });
      await inc.eventually(() =>
        expect(mocks.updated.map(view)).toEqual(['acknowledged SEV3 d -', 'acknowledged SEV2 d -']),
      );

      // Escalating un-acknowledges and pages b by webhook: d's message goes back to triggered, b's has no ref.
      await inc.command(escalateUpdate, { by: 'd' });
      await inc.eventually(() => expect(mocks.sent.map((s) => s.userId)).toEqual(['d', 'b']));
      await inc.eventually(() => expect(mocks.updated.map(view).at(-1)).toBe('triggered SEV2 - -'));
      expect(new Set(mocks.updated.map((u) => u.ref.channel))).toEqual(new Set(['D-d']));

      mocks.updateDelayMs = 1_000; // the last update lands well after the projector's write
      const final = await inc.finish('b');
      expect(final.status).toBe('resolved');
      // The workflow returned only after the last update: it is already there.
      expect(mocks.updated.map(view).at(-1)).toBe('resolved SEV2 - b');
      expect(mocks.updated).toHaveLength(4);
      expect(new Set(mocks.updated.map((u) => u.key)).size).toBe(4);
      await recordHistory(inc.handle, 'slack-message-updated');
    });
  });

  it('closes the incident even when Slack refuses the update', async () => {
    const mocks = createMocks(plan());
    mocks.updatesRefused = true;
    await withIncident(env, mocks, { id: 'inc-slack-refused' }, async (inc) => {
      await inc.eventually(() => expect(mocks.sent).toHaveLength(1));
      const final = await inc.finish('d');
      expect(final.status).toBe('resolved');
      expect(mocks.updated).toEqual([]);
    });
  });

  it('sends nothing to rewrite when no channel returned a message ref', async () => {
    const mocks = createMocks();
    await withIncident(env, mocks, { id: 'inc-no-ref' }, async (inc) => {
      await inc.eventually(() => expect(mocks.sent).toHaveLength(1));
      await inc.command(acknowledgeUpdate, { by: 'a' });
      await inc.finish();
      expect(mocks.updated).toEqual([]);
      expect(mocks.sent).toHaveLength(1);
    });
  });
});
