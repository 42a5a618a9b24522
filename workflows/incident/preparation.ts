/**
 * What a run does once its incident is open, before anything pages: load the service plan
 * (policy, SLA targets, maintenance), say on a new incident's timeline when nobody will be
 * paged, and take the incident's number (once per incident, kept across continue-as-new).
 *
 * The first page goes first (patch `first-page-first`): the plan comes with level 1's
 * recipients in one activity, and the number and runbook planning wait until the first
 * page is out, so nothing but that one lookup stands between the alert and the page. The
 * number then reaches the read model, Slack and later notifications with the next change.
 * With patch `local-lookups` that lookup and the coordination plan are local activities.
 */
import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import { IncidentNumberKey } from '../contract';
import { recordEvent } from '../../domain/incident/commands';
import type { Recipients } from '../../domain/incident/plan';
import { localLookup, oncall } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';
import { followsWindows } from './maintenance';

export const FIRST_PAGE_FIRST = 'first-page-first';
/**
 * The reads in front of a page (the service and coordination plans here, a later level's
 * recipients in ./escalation-loop.ts) run as local activities: no activity task through the
 * server and no workflow task to take each result, so an alert's first page is scheduled by
 * the workflow task its signal started.
 */
export const LOCAL_LOOKUPS = 'local-lookups';
/** Runs whose number is being taken: the run does not end before it is in. */
const numbering = new WeakSet<IncidentRun>();
/** Runs whose escalation loop has scheduled everything its first step sends at once. */
const firstStepOut = new WeakSet<IncidentRun>();

export async function prepareIncident(run: IncidentRun): Promise<void> {
  run.localLookups = run.patched(LOCAL_LOOKUPS);
  const fast = run.patched(FIRST_PAGE_FIRST);
  const input = { serviceId: run.serviceId, policyId: run.state.policyId };
  if (run.localLookups) {
    // Both plans at once, in the worker, inside this workflow task: the first page is scheduled
    // in the task that opened the incident.
    [run.plan, run.coordination] = await Promise.all([
      localLookup.loadServicePlan({ ...input, withFirstLevel: true }),
      localLookup.loadCoordinationPlan({ serviceId: run.serviceId }),
    ]);
  } else run.plan = await oncall.loadServicePlan(fast ? { ...input, withFirstLevel: true } : input);
  if (run.fresh && !run.plan.found) {
    const message = `Service "${run.serviceId}" is not configured: nobody is paged`;
    run.apply((s) => recordEvent(s, { at: nowIso(), type: 'note', message }));
  }
  // With windows followed, ./maintenance.ts records entering the window (and its end).
  if (run.fresh && run.plan.inMaintenance && !followsWindows(run)) {
    const message = 'Service is in a maintenance window: recorded, not paged';
    run.apply((s) => recordEvent(s, { at: nowIso(), type: 'maintenance', message }, { inMaintenance: true }));
  }
  if (run.state.number !== undefined) return;
  if (!fast) return takeNumber(run);
  numbering.add(run);
  void afterFirstPage(run)
    .then(() => takeNumber(run))
    .finally(() => numbering.delete(run));
}

async function takeNumber(run: IncidentRun): Promise<void> {
  const number = await oncall.allocateIncidentNumber({ incidentKey: `${run.incidentId}:${run.runKey}` });
  run.apply((s) => ({ ...s, number, seq: s.seq + 1 }));
  upsertSearchAttributes([{ key: IncidentNumberKey, value: number }]);
}

/**
 * Called by the escalation loop once its first step has scheduled what it sends at once (a
 * page, or nothing: held, acknowledged, no policy). In the same workflow task, so what waits
 * on afterFirstPage is scheduled right behind the page, with no timer.
 */
export function markFirstStepOut(run: IncidentRun): void {
  firstStepOut.add(run);
}

/** Resolves once the run's first page has been sent off (or there is none to send). */
export async function afterFirstPage(run: IncidentRun): Promise<void> {
  await condition(() => firstStepOut.has(run));
}

/** Whether the run may end: no number is being taken. */
export const numberSettled = (run: IncidentRun): boolean => !numbering.has(run);

/**
 * The first level's recipients resolved with the plan, once, for the page of level 1 in
 * the first loop of the first epoch; undefined otherwise (the caller looks them up).
 */
export function takeFirstLevel(
  run: IncidentRun,
  target: { policyId?: string; level?: number },
  epoch: number,
  loop: number,
): Recipients | undefined {
  const first = run.plan.firstLevel;
  if (!first) return undefined;
  run.plan = { ...run.plan, firstLevel: undefined };
  const matches = epoch === 0 && loop === 0 && target.level === 0 && target.policyId === run.plan.policy?.id;
  return matches ? first : undefined;
}
