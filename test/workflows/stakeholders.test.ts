/**
 * Stakeholder messages on the time-skipping server: the initial message after the first
 * page (asked again when the severity changes, until the stakeholders hear of it), an
 * update at each update-cadence tick, the resolution before the incident ends; one send per
 * recipient keyed by message and recipient, a refused recipient on the timeline beside
 * those told, and nothing sent for an incident the stakeholders never heard of.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeSeverityUpdate } from '../../workflows/contract';
import type { ComposedMessage } from '../../domain/coordination/stakeholder-comms';
import type { TemplateKind } from '../../domain/coordination/template';
import type { IncidentState } from '../../domain/incident/incident';
import { createTimeSkippingEnv, workflowBundle } from './env';
import { createMocks, eventsOf, MIN, recordHistory, servicePlan, withIncident, type Mocks } from './fixtures';

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

const RECIPIENTS = [
  { type: 'email' as const, address: 'exec@example.com' },
  { type: 'slack' as const, address: 'C0STAKE01' },
];

/** As the activity composes: heard at SEV1/SEV2 only (a tier-2 service), one template per kind. */
function compose(kind: TemplateKind, s: IncidentState): ComposedMessage {
  if (kind === 'initial' && s.severity !== 'SEV1' && s.severity !== 'SEV2')
    return { heard: false, why: `the stakeholders do not hear of ${s.severity}` };
  return {
    heard: true,
    templateId: `stakeholders-${kind}`,
    subject: `[${s.severity}] #${s.number} ${kind}`,
    body: `${kind}: ${s.summary} is ${s.status}`,
    recipients: RECIPIENTS,
  };
}

function mocksWithStakeholders(): Mocks {
  const mocks = createMocks(servicePlan({ tier: 2 }));
  mocks.compose = compose;
  return mocks;
}

const toldEntries = (s: IncidentState) => eventsOf(s, 'stakeholders_notified');

describe('stakeholders hear of the incident', () => {
  it('initial after the first page, an update per cadence tick, the resolution before the end', async () => {
    const mocks = mocksWithStakeholders();
    mocks.tellRefused = ['C0STAKE01'];
    await withIncident(env, mocks, { id: 'inc-told', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(async () => expect(toldEntries(await inc.state())).toHaveLength(1));
      const firstPage = mocks.sent.find((x) => x.kind === 'page');
      expect(firstPage).toBeDefined();
      expect(mocks.told).toHaveLength(1);
      expect(mocks.told[0]).toMatchObject({ address: 'exec@example.com', subject: '[SEV2] #42 initial' });
      expect(mocks.told[0]!.atMs).toBeGreaterThanOrEqual(firstPage!.atMs);
      const [initial] = toldEntries(await inc.state());
      expect(initial?.message).toBe(
        'Stakeholders notified: initial message (template stakeholders-initial) to exec@example.com; ' +
          'could not reach C0STAKE01: mailbox unknown',
      );

      // SEV2 updates every 30 minutes: the tick reminds the holder and tells the stakeholders.
      await inc.sleepTo(inc.t0 + 31 * MIN);
      await inc.eventually(async () => expect(toldEntries(await inc.state())).toHaveLength(2));
      expect(mocks.told[1]).toMatchObject({ body: 'update: Checkout 5xx is triggered' });

      const final = await inc.finish();
      expect(toldEntries(final).map((e) => e.data?.message)).toEqual(['initial', 'update-1', 'resolution']);
      expect(mocks.told.map((t) => t.body)).toEqual([
        'initial: Checkout 5xx is triggered',
        'update: Checkout 5xx is triggered',
        'resolution: Checkout 5xx is resolved',
      ]);
      expect(new Set(mocks.told.map((t) => t.key)).size).toBe(3);
      expect(mocks.told[0]?.key).toMatch(/^inc-told:.+:update:stakeholders:email%3Aexec%40example\.com:#initial$/);
      await recordHistory(inc.handle, 'stakeholders-told');
    });
  });

  it('asks again when the severity rises, and tells nothing of an incident they never heard of', async () => {
    const mocks = mocksWithStakeholders();
    await withIncident(env, mocks, { id: 'inc-quiet', severity: 'SEV3' }, async (inc) => {
      await inc.eventually(() => expect(mocks.composed).toEqual(['initial']));
      expect(mocks.told).toEqual([]);

      await inc.sleepTo(inc.t0 + 5 * MIN);
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV1' });
      await inc.eventually(async () => expect(toldEntries(await inc.state())).toHaveLength(1));
      expect(mocks.composed).toEqual(['initial', 'initial']);
      await inc.finish();
      expect(mocks.told.map((t) => t.body)).toEqual([
        'initial: Checkout 5xx is triggered',
        'initial: Checkout 5xx is triggered',
        'resolution: Checkout 5xx is resolved',
        'resolution: Checkout 5xx is resolved',
      ]);
    });

    const quiet = mocksWithStakeholders();
    await withIncident(env, quiet, { id: 'inc-unheard', severity: 'SEV4' }, async (inc) => {
      await inc.eventually(() => expect(quiet.composed).toEqual(['initial']));
      const final = await inc.finish();
      expect(quiet.composed).toEqual(['initial']);
      expect(quiet.told).toEqual([]);
      expect(toldEntries(final)).toEqual([]);
    });
  });

  it('composes nothing when the plan says the service lists no stakeholders', async () => {
    const mocks = mocksWithStakeholders();
    mocks.coordination = { ...mocks.coordination, stakeholderLists: false };
    await withIncident(env, mocks, { id: 'inc-no-lists', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(async () => expect((await inc.state()).number).toBe(42));
      await inc.sleepTo(inc.t0 + 5 * MIN);
      await inc.command(changeSeverityUpdate, { by: 'a', severity: 'SEV1' });
      const final = await inc.finish();
      expect(toldEntries(final)).toEqual([]);
    });
    expect(mocks.composed).toEqual([]);
    expect(mocks.told).toEqual([]);

    const listed = mocksWithStakeholders();
    listed.coordination = { ...listed.coordination, stakeholderLists: true };
    await withIncident(env, listed, { id: 'inc-lists', severity: 'SEV2' }, async (inc) => {
      await inc.eventually(async () => expect(toldEntries(await inc.state())).toHaveLength(1));
      await inc.finish();
    });
    expect(listed.composed).toEqual(['initial', 'resolution']);
  });
});
