/**
 * Status pages driven by the incident, on the time-skipping server: the page's rule
 * (SEV1/SEV2 on tiers 1-2, quiet period 10 min) publishes an open incident at once, shows a
 * severity change once the quiet period since the last change has passed (a flapping
 * severity changes it once, to the state of that moment), resolves with the incident, and
 * says each step on the timeline; a non-matching incident publishes nothing; a failing
 * page is on the timeline and never stops the incident.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeSeverityUpdate } from '../../workflows/contract';
import type { PagePlan } from '../../domain/status-page';
import { createTimeSkippingEnv, workflowBundle } from './env';
import { createMocks, eventsOf, MIN, servicePlan, withIncident, within } from './fixtures';

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

const PAGE: PagePlan = {
  pageId: 'public',
  pageName: 'Acme Status',
  quietMinutes: 10,
  components: [{ id: 'api', name: 'API' }],
  rules: [{ severities: ['SEV1', 'SEV2'], tiers: [1, 2], hold: false }],
};
const mocksWithPage = () => {
  const mocks = createMocks(servicePlan({ tier: 1 }));
  mocks.pagePlans = [PAGE];
  return mocks;
};
const steps = (mocks: ReturnType<typeof createMocks>) =>
  mocks.published.map((p) =>
    p.action.kind === 'resolve' ? 'resolve' : `${p.action.kind} ${JSON.stringify(p.action.publication.components)}`,
  );

describe('status pages follow the incident', () => {
  it('publishes on open, shows a severity change, resolves with the incident, and the timeline says so', async () => {
    const mocks = mocksWithPage();
    await withIncident(env, mocks, { id: 'inc-page', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(() => expect(steps(mocks)).toEqual(['create {"api":"partial_outage"}']));
      expect(mocks.published[0]).toMatchObject({ pageId: 'public', incidentId: 'inc-page' });
      expect(mocks.published[0]?.updateKey).toMatch(/^inc-page:.+:status-page:public:1$/);

      // Past the quiet period, and not at 15 minutes, where SEV2's response SLA timer fires: a change
      // that cancels a timer firing in the same workflow task stalls the test server (read-model-projector.ts).
      await inc.sleepTo(inc.t0 + 14 * MIN);
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV1' });
      await inc.eventually(() => expect(steps(mocks)).toHaveLength(2));
      expect(steps(mocks)[1]).toBe('update {"api":"major_outage"}');

      const final = await inc.finish();
      expect(steps(mocks)).toEqual(['create {"api":"partial_outage"}', 'update {"api":"major_outage"}', 'resolve']);
      expect(eventsOf(final, 'status_page').map((e) => e.message)).toEqual([
        'Published on status page "Acme Status": Service disruption: API',
        'Updated on status page "Acme Status": Service disruption: API',
        'Resolved on status page "Acme Status": resolved',
      ]);
      expect(new Set(mocks.published.map((p) => p.updateKey)).size).toBe(3);
    });
  });

  it('coalesces a flapping severity: one change after the quiet period, showing the state then', async () => {
    const mocks = mocksWithPage();
    await withIncident(env, mocks, { id: 'inc-flap', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(() => expect(steps(mocks)).toHaveLength(1));
      for (const [minute, severity] of [
        [1, 'SEV1'],
        [2, 'SEV2'],
        [3, 'SEV1'],
        [4, 'SEV2'],
        [5, 'SEV1'],
      ] as const) {
        await inc.sleepTo(inc.t0 + minute * MIN);
        await inc.command(changeSeverityUpdate, { by: 'a', severity });
      }
      await inc.sleepTo(inc.t0 + 9 * MIN);
      expect(steps(mocks)).toHaveLength(1); // nothing inside the quiet period
      await inc.sleepTo(inc.t0 + 12 * MIN);
      await inc.eventually(() =>
        expect(steps(mocks)).toEqual(['create {"api":"partial_outage"}', 'update {"api":"major_outage"}']),
      );
      expect((mocks.published[1]?.atMs ?? 0) - (mocks.published[0]?.atMs ?? 0)).toSatisfy(within(10 * MIN));

      // Flapped back to what the page shows: nothing to say.
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV2' });
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV1' });
      await inc.sleepTo(inc.t0 + 30 * MIN);
      expect(steps(mocks)).toHaveLength(2);
      await inc.finish();
      expect(steps(mocks).at(-1)).toBe('resolve');
    });
  });

  it('takes the pages from the coordination plan, with no lookup of its own', async () => {
    const mocks = createMocks(servicePlan({ tier: 1 }));
    mocks.coordination = { ...mocks.coordination, statusPages: [PAGE] };
    await withIncident(env, mocks, { id: 'inc-planned-page', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(() => expect(steps(mocks)).toEqual(['create {"api":"partial_outage"}']));
      await inc.finish();
      expect(steps(mocks)).toEqual(['create {"api":"partial_outage"}', 'resolve']);
    });
    expect(mocks.pageLookups).toBe(0);

    // A plan recorded before it listed pages: looked up by activity, as then.
    const before = mocksWithPage();
    await withIncident(env, before, { id: 'inc-looked-up-page', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(() => expect(steps(before)).toEqual(['create {"api":"partial_outage"}']));
      await inc.finish();
    });
    expect(before.pageLookups).toBe(1);
  });

  it('publishes nothing for an incident no rule matches', async () => {
    const mocks = mocksWithPage();
    await withIncident(env, mocks, { id: 'inc-minor', severity: 'SEV3' }, async (inc) => {
      await inc.sleepTo(inc.t0 + 20 * MIN);
      const final = await inc.finish();
      expect(mocks.published).toEqual([]);
      expect(eventsOf(final, 'status_page')).toEqual([]);
    });
  });

  it('records a page that cannot be updated on the timeline and still ends the incident', async () => {
    const mocks = mocksWithPage();
    mocks.publishFails = true;
    await withIncident(env, mocks, { id: 'inc-page-down', severity: 'SEV1' }, async (inc) => {
      await inc.eventually(async () =>
        expect(eventsOf(await inc.state(), 'status_page').map((e) => e.message)).toEqual([
          expect.stringMatching(
            /^Could not update status page "Acme Status" \(create\): .*status page store unavailable/,
          ),
        ]),
      );
      expect(mocks.sent.length).toBeGreaterThan(0); // paging went on
      const final = await inc.finish();
      expect(final.status).toBe('resolved');
    });
  });
});
