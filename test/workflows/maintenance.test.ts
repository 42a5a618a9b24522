/**
 * Maintenance windows that hold all the time, and stakeholder-update reminders for every
 * severity, on the time-skipping server with the policy of escalation.test.ts (level 1
 * pages a, webhook at once and SMS after 5 min; level 2 pages b after 5 min; two passes).
 * Windows are instants in the plan, relative to the incident's opening.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acknowledgeUpdate, escalateUpdate } from '../../workflows/contract';
import type { ServicePlan } from '../../domain/incident/plan';
import { DEFAULT_SEVERITY_TARGETS } from '../../domain/incident/severity';
import { createTimeSkippingEnv } from './env';
import {
  createMocks,
  eventsOf,
  MIN,
  pages,
  POLICY,
  recordHistory,
  servicePlan,
  withIncident,
  type Mocks,
} from './fixtures';

let env: TestWorkflowEnvironment;
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const iso = (ms: number) => new Date(ms).toISOString();
/** A window from `from` to `to` minutes after `t0`. */
const window = (t0: number, from: number, to: number) => ({ start: iso(t0 + from * MIN), end: iso(t0 + to * MIN) });
const maintenanceMessages = async (inc: { state(): Promise<Parameters<typeof eventsOf>[0]> }) =>
  eventsOf(await inc.state(), 'maintenance').map((e) => e.message);

/**
 * Mocks whose plan lists windows relative to `base`: the server's time when the plan is
 * first loaded, moments after the incident opened (bundling the workflow takes real
 * seconds, which the server's clock counts, so the time before withIncident would not do).
 */
function mocksWithWindows(windows: (base: number) => ServicePlan['maintenanceWindows']) {
  const mocks = createMocks();
  let base: number | undefined;
  mocks.activities.loadServicePlan = async () => {
    base ??= await env.currentTimeMs();
    return servicePlan({ maintenanceWindows: windows(base) });
  };
  return { mocks, base: () => base ?? NaN };
}

describe('maintenance windows', () => {
  it('a window starting mid-incident holds pages; at its end paging resumes at the current level', async () => {
    const { mocks, base } = mocksWithWindows((t0) => [window(t0, 3, 40)]);
    await withIncident(env, mocks, { id: 'inc-window-mid' }, async (inc) => {
      const end = base() + 40 * MIN;
      await inc.sleepTo(end - 1_000);
      // a's SMS (5 min) and level 2 (5 min) were held by the window from 3 min.
      expect(pages(mocks.sent, inc.t0)).toEqual(['0m a/a-hook L1R1']);
      expect(await maintenanceMessages(inc)).toEqual([`Maintenance window until ${iso(end)}: automatic pages held`]);

      await inc.sleepTo(end + 6 * MIN);
      await inc.eventually(() =>
        expect(pages(mocks.sent, inc.t0)).toEqual([
          '0m a/a-hook L1R1',
          '40m a/a-hook L1R1',
          '45m a/a-sms L1R1',
          '45m b/b-hook L2R1',
        ]),
      );
      expect(await maintenanceMessages(inc)).toEqual([
        `Maintenance window until ${iso(end)}: automatic pages held`,
        'Maintenance window ended: paging resumes at level 1',
      ]);
      await inc.finish();
      await recordHistory(inc.handle, 'maintenance-window-mid-incident');
    });
  });

  it('an incident opened in a window pages nobody until it ends, then level 1', async () => {
    const { mocks, base } = mocksWithWindows((t0) => [window(t0, -10, 30)]);
    await withIncident(env, mocks, { id: 'inc-window-open' }, async (inc) => {
      const t0 = base();
      await inc.sleepTo(t0 + 30 * MIN - 1_000);
      expect(mocks.sent).toEqual([]);
      expect((await inc.state()).inMaintenance).toBe(true);
      await inc.sleepTo(t0 + 31 * MIN);
      await inc.eventually(() => expect(pages(mocks.sent, t0)).toEqual(['30m a/a-hook L1R1']));
      expect((await inc.state()).inMaintenance).toBe(false);
      expect(await maintenanceMessages(inc)).toEqual([
        `Maintenance window until ${iso(t0 + 30 * MIN)}: automatic pages held`,
        'Maintenance window ended: paging resumes at level 1',
      ]);
      await inc.finish();
    });
  });

  it("a responder's escalate pages inside a window; the automatic steps after it stay held", async () => {
    const { mocks, base } = mocksWithWindows((t0) => [window(t0, -1, 60)]);
    await withIncident(env, mocks, { id: 'inc-window-escalate' }, async (inc) => {
      const t0 = base();
      await inc.sleepTo(t0 + 10 * MIN);
      await inc.handle.executeUpdate(escalateUpdate, { args: [{ by: 'lead' }] });
      await inc.sleepTo(t0 + 20 * MIN);
      await inc.handle.executeUpdate(escalateUpdate, { args: [{ by: 'lead' }] });
      await inc.sleepTo(t0 + 60 * MIN - 1_000);
      // The held level 1 at 10 (with a's SMS rule), level 2 at 20; level 2 after 15 and loop 2 held.
      expect(pages(mocks.sent, t0)).toEqual(['10m a/a-hook L1R1', '15m a/a-sms L1R1', '20m b/b-hook L2R1']);
      await inc.sleepTo(t0 + 61 * MIN);
      await inc.eventually(() => expect(pages(mocks.sent, t0).slice(3)).toEqual(['60m a/a-hook L1R2']));
      await inc.finish();
    });
  });
  it('windows are re-loaded every real hour, also when a policy minute is a second', async () => {
    // The bench's stack: a policy minute of 1 s. A refresh every 60 policy minutes would
    // wake every open incident every minute; it comes once an hour.
    const mocks = createMocks();
    let loads = 0;
    let base: number | undefined;
    mocks.activities.loadServicePlan = async () => {
      loads += 1;
      base ??= await env.currentTimeMs();
      // Added after the incident opened: a window from 62 to 70 minutes.
      const windows = loads > 1 ? [window(base, 62, 70)] : [];
      return servicePlan({ minuteMs: 1_000, maintenanceWindows: windows });
    };
    await withIncident(env, mocks, { id: 'inc-window-reload' }, async (inc) => {
      const t0 = base ?? NaN;
      await inc.sleepTo(t0 + 59 * MIN);
      expect(loads).toBe(1);
      await inc.sleepTo(t0 + 65 * MIN);
      await inc.eventually(async () => expect((await inc.state()).inMaintenance).toBe(true));
      expect(loads).toBe(2);
      await inc.finish();
    });
  });
});

describe('stakeholder update reminders', () => {
  const noAckTimeout = { ...POLICY, ackTimeoutMinutes: undefined };
  const reminders = (mocks: Mocks, t0: number) =>
    mocks.sent
      .filter((n) => n.kind === 'status_update_due')
      // The time the next update is due is checked in coordination.test.ts.
      .map(
        (n) => `${Math.floor((n.atMs - t0) / MIN)}m ${n.userId} ${n.message?.replace(/; the next is due by .*$/, '')}`,
      );

  it('a SEV3 with a 20-minute cadence reminds the acknowledger at 20 and 40, and never after resolution', async () => {
    const targets = { ...DEFAULT_SEVERITY_TARGETS, SEV3: { ...DEFAULT_SEVERITY_TARGETS.SEV3, updateEveryMinutes: 20 } };
    const mocks = createMocks(servicePlan({ targets, policy: noAckTimeout }));
    await withIncident(env, mocks, { id: 'inc-remind-sev3', severity: 'SEV3' }, async (inc) => {
      await inc.sleepTo(inc.t0 + MIN);
      await inc.handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'a' }] });
      await inc.sleepTo(inc.t0 + 20 * MIN - 1_000);
      expect(reminders(mocks, inc.t0)).toEqual([]);
      await inc.sleepTo(inc.t0 + 41 * MIN);
      await inc.eventually(() =>
        expect(reminders(mocks, inc.t0)).toEqual([
          '20m a Stakeholder update #1 is due (SEV3)',
          '40m a Stakeholder update #2 is due (SEV3)',
        ]),
      );
      const final = await inc.finish('a');
      expect(eventsOf(final, 'status_update_due')).toHaveLength(2);
      expect(reminders(mocks, inc.t0)).toHaveLength(2);
    });
  });

  it("a service's override changes the cadence: SEV1 every 10 minutes, not 15", async () => {
    const targets = { ...DEFAULT_SEVERITY_TARGETS, SEV1: { ...DEFAULT_SEVERITY_TARGETS.SEV1, updateEveryMinutes: 10 } };
    const mocks = createMocks(servicePlan({ targets, policy: noAckTimeout }));
    await withIncident(env, mocks, { id: 'inc-remind-override', severity: 'SEV1' }, async (inc) => {
      await inc.sleepTo(inc.t0 + MIN);
      await inc.handle.executeUpdate(acknowledgeUpdate, { args: [{ by: 'a' }] });
      await inc.sleepTo(inc.t0 + 21 * MIN);
      await inc.eventually(() =>
        expect(reminders(mocks, inc.t0)).toEqual([
          '10m a Stakeholder update #1 is due (SEV1)',
          '20m a Stakeholder update #2 is due (SEV1)',
        ]),
      );
      await inc.finish('a');
    });
  });
});
