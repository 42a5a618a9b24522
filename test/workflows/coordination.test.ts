/**
 * Incident types and roles on the time-skipping server: a type named by the alert pages by
 * its own policy from the start; set mid-incident, paging continues on it from level 1 and
 * the timeline says why; floors raise the severity; roles go to their rotation's on-call
 * person on open, and a needed role nobody holds reminds the incident's holder until filled.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignRoleUpdate, releaseRoleUpdate, setIncidentTypeUpdate } from '../../workflows/contract';
import type { CoordinationPlan, PlannedRole } from '../../domain/coordination/plan';
import type { EscalationPolicy } from '../../domain/oncall/policy';
import { createTimeSkippingEnv, workflowBundle } from './env';
import {
  createMocks,
  eventsOf,
  firstPage,
  MIN,
  pages,
  recordHistory,
  servicePlan,
  withIncident,
  type Mocks,
} from './fixtures';

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

/** Security: c, then nobody (one level, one pass). */
const SECURITY: EscalationPolicy = {
  id: 'security',
  name: 'Security',
  levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: 'c' }] }],
  loops: 0,
};

const role = (over: Partial<PlannedRole> & { id: string }): PlannedRole => ({
  name: over.id,
  rotationOnly: false,
  communications: false,
  assignOnSeverities: [],
  members: [],
  onCall: [],
  ...over,
});

const PLAN: CoordinationPlan = {
  types: [
    { id: 'security', name: 'Security', escalationPolicyId: 'security', severityFloor: 'SEV2', requiredRoles: [] },
    { id: 'outage', name: 'Outage', requiredRoles: ['security-lead'] },
  ],
  roles: [
    role({ id: 'incident-commander', assignOnSeverities: ['SEV1'], members: ['b'], onCall: ['b'] }),
    role({ id: 'security-lead', rotationOnly: true, members: ['c', 'd'] }),
  ],
  reminderMinutes: 10,
};

function coordinated(): Mocks {
  const mocks = createMocks();
  mocks.coordination = PLAN;
  mocks.plans.security = servicePlan({ policy: SECURITY, knownPolicyIds: ['primary', 'security'] });
  return mocks;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message;
};

describe('incident types', () => {
  it('a type named by the alert pages by its own policy from the start, at its floor', async () => {
    const mocks = coordinated();
    const alert = { incidentType: 'security' };
    await withIncident(env, mocks, { id: 'inc-type-open', severity: 'SEV4', alert }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      expect(pages(mocks.sent, p1)).toEqual(['0m c/c-hook L1R1']);
      const s = await inc.state();
      expect(s).toMatchObject({ incidentType: 'security', policyId: 'security', severity: 'SEV2' });
      expect(eventsOf(s, 'type_set')[0]).toMatchObject({
        by: 'vigil',
        message: 'Type set to security by vigil: paged by escalation policy security',
      });
      expect(eventsOf(s, 'severity_changed')[0]?.data).toMatchObject({ from: 'SEV4', to: 'SEV2' });
      await inc.finish();
    });
  });

  it('set mid-incident: paging continues on its policy from level 1, and the timeline says why', async () => {
    const mocks = coordinated();
    await withIncident(env, mocks, { id: 'inc-type-later', severity: 'SEV3' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(p1 + 2 * MIN);
      const s = await inc.command(setIncidentTypeUpdate, { by: 'a', type: 'security' });
      expect(s).toMatchObject({ incidentType: 'security', policyId: 'security', severity: 'SEV2' });
      expect(eventsOf(s, 'type_set')[0]?.message).toBe(
        'Type set to security by a: paging continues on escalation policy security from level 1',
      );
      expect(eventsOf(s, 'reassigned')[0]).toMatchObject({
        data: { note: 'incident type security pages by its own policy' },
      });
      await inc.sleepTo(p1 + 12 * MIN);
      // Level 2 of the service's policy (b at 5 min) never comes: c, level 1 of the new one, at 2 min.
      await inc.eventually(() => expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1', '2m c/c-hook L1R1']));
      expect(await refusal(inc.command(setIncidentTypeUpdate, { by: 'a', type: 'legal' }))).toBe(
        'unknown incident type "legal"; known: security, outage',
      );
      await inc.finish();
      await recordHistory(inc.handle, 'incident-type-mid-incident');
    });
  });
});

describe('roles', () => {
  it("SEV1: the commander's rotation takes the role at once; a needed role nobody holds reminds the holder until filled", async () => {
    const mocks = coordinated();
    const alert = { incidentType: 'outage' };
    await withIncident(env, mocks, { id: 'inc-roles', severity: 'SEV1', alert }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.eventually(() =>
        // Told at once: before or after the incident has its number (the first page comes first).
        expect(mocks.sent.filter((n) => n.kind === 'role_assigned').map((n) => [n.userId, n.message])).toEqual([
          [
            'b',
            expect.stringMatching(
              /^You are incident-commander of incident (#42|inc-roles) \(SEV1\), assigned by vigil$/,
            ),
          ],
        ]),
      );
      expect((await inc.state()).roles).toMatchObject([{ roleId: 'incident-commander', userId: 'b', by: 'vigil' }]);

      // security-lead (the outage type's) has nobody on call: a, paged last, is reminded every 10 minutes.
      await inc.sleepTo(p1 + 10 * MIN + 1_000);
      await inc.eventually(() =>
        expect(mocks.sent.filter((n) => n.kind === 'role_unfilled').map((n) => n.message)).toEqual([
          'Nobody holds role security-lead: assign it (reminder #1)',
        ]),
      );
      expect(await refusal(inc.command(assignRoleUpdate, { by: 'a', roleId: 'security-lead', userId: 'a' }))).toBe(
        'user "a" is not on the rotation of role "security-lead"',
      );
      expect(await refusal(inc.command(assignRoleUpdate, { by: 'a', roleId: 'scribe', userId: 'a' }))).toBe(
        'unknown role "scribe"; known: incident-commander, security-lead',
      );
      const s = await inc.command(assignRoleUpdate, { by: 'a', roleId: 'security-lead', userId: 'c' });
      expect(s.roles?.map((r) => `${r.roleId}:${r.userId}`)).toEqual(['incident-commander:b', 'security-lead:c']);
      await inc.sleepTo(p1 + 35 * MIN);
      expect(mocks.sent.filter((n) => n.kind === 'role_unfilled')).toHaveLength(1);

      // Released: reminded again (not re-assigned from the rotation, which someone left on purpose).
      const released = await inc.command(releaseRoleUpdate, { by: 'c', roleId: 'security-lead' });
      expect(eventsOf(released, 'role_released')[0]?.message).toBe('Role security-lead released by c');
      await inc.sleepTo(p1 + 46 * MIN);
      await inc.eventually(() => expect(mocks.sent.filter((n) => n.kind === 'role_unfilled')).toHaveLength(2));
      await inc.finish();
      await recordHistory(inc.handle, 'roles-assigned-and-reminded');
    });
  });
});

describe('update cadence', () => {
  it('reminds the communications lead, not the holder, with the time the next update is due', async () => {
    const mocks = coordinated();
    const lead = role({ id: 'communications-lead', communications: true, assignOnSeverities: ['SEV1'], onCall: ['c'] });
    mocks.coordination = { ...PLAN, roles: [lead] };
    await withIncident(env, mocks, { id: 'inc-cadence', severity: 'SEV1' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      // SEV1: an update every 15 minutes (the seeds' P0 template).
      await inc.sleepTo(inc.t0 + 15 * MIN + 1_000);
      const due = await inc.eventually(() => {
        const sent = mocks.sent.filter((n) => n.kind === 'status_update_due');
        expect(sent).toHaveLength(1);
        return sent[0]!;
      });
      expect(due.userId).toBe('c');
      const m = /^Stakeholder update #1 is due \(SEV1\); the next is due by (\S+)$/.exec(due.message ?? '');
      expect(Math.abs(Date.parse(m?.[1] ?? '') - (due.atMs + 15 * MIN))).toBeLessThan(2_000);
      expect(p1).toBeGreaterThanOrEqual(inc.t0);
      await inc.finish();
    });
  });
});
