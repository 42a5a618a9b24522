/**
 * Incident types on a run (domain/coordination): the plan of types and roles is loaded
 * when the incident opens; the type comes from the alert or a responder. A type that names
 * its own escalation policy replaces the service's: on open before anything pages, later
 * by paging again from level 1 on it (a reassign to that policy, so the timeline says why).
 * The service's floor (its own or its tier's) and the type's raise the severity.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { OnCallActivities } from '../../activities/oncall';
import { LOOKUP_PROFILE } from '../activity-profiles';
import { refuse, refuseIf, refuseMalformedCommand } from '../refusal';
import { atLeast } from '../../domain/coordination/tier';
import { typeOf, type CoordinationPlan } from '../../domain/coordination/plan';
import {
  badCoordinationInput,
  COORDINATION_REFUSED,
  refuseCoordination,
  setType,
  type AssignRoleCommand,
  type ReleaseRoleCommand,
  type SetTypeCommand,
} from '../../domain/coordination/incident-roles';
import { reassign, recordEvent } from '../../domain/incident/commands';
import type { IncidentState } from '../../domain/incident/incident';
import { oncall } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';

const planner = proxyActivities<Pick<OnCallActivities, 'loadCoordinationPlan'>>(LOOKUP_PROFILE);

/** Who sets what the configuration decides (a type named by the alert, a floor). */
export const VIGIL = 'vigil';

async function loadPlan(run: IncidentRun): Promise<CoordinationPlan> {
  run.coordination = await planner.loadCoordinationPlan({ serviceId: run.serviceId });
  return run.coordination;
}

/** On open: the plan, then the alert's type (when configured) and the floors. Continued runs only reload the plan. */
export async function prepareCoordination(run: IncidentRun): Promise<void> {
  // Runs with local lookups loaded it with the service plan (./preparation.ts).
  const plan = run.coordination ?? (await loadPlan(run));
  if (!run.fresh) return;
  const named = run.state.timeline[0]?.data?.incidentType;
  const type = typeof named === 'string' ? typeOf(plan, named) : undefined;
  if (typeof named === 'string' && !type) {
    const message = `The alert names incident type "${named}", which is not configured: type not set`;
    run.apply((s) => recordEvent(s, { at: nowIso(), type: 'note', message }));
  }
  if (type) {
    const policyId = type.escalationPolicyId;
    if (policyId) run.plan = await run.lookup.loadServicePlan({ serviceId: run.serviceId, policyId });
    const why = policyId ? `: paged by escalation policy ${policyId}` : '';
    run.apply((s) => setType(s, { by: VIGIL, type: type.id, note: 'named by the alert' }, nowIso(), why));
    if (policyId) run.apply((s) => ({ ...s, policyId }));
  }
  raiseToFloor(run, plan.severityFloor, `floor of the service (tier ${run.plan.tier ?? '?'})`);
  raiseToFloor(run, type?.severityFloor, `floor of incident type ${type?.id}`);
}

function raiseToFloor(run: IncidentRun, floor: IncidentState['severity'] | undefined, why: string): void {
  const severity = atLeast(run.state.severity, floor);
  if (severity !== run.state.severity) run.changeSeverity({ by: VIGIL, severity, note: why });
}

/** The plan, or a refusal for runs that started before types and roles. */
export function coordinationOf(run: IncidentRun): CoordinationPlan {
  if (!run.coordination)
    refuse('incident types and roles are not available for this incident (it started before them)');
  return run.coordination;
}

/** A type or role the caller named wrongly is an input problem (422); one that does not fit the incident, a conflict (409). */
export function refuseCoordinationCommand(
  run: IncidentRun,
  cmd: SetTypeCommand | AssignRoleCommand | ReleaseRoleCommand,
): void {
  refuseMalformedCommand(run.opened, cmd);
  const input = badCoordinationInput(cmd, coordinationOf(run), run.plan.knownUserIds);
  if (input) throw ApplicationFailure.nonRetryable(input, COORDINATION_REFUSED);
  refuseIf(refuseCoordination(run.state, cmd));
}

/** A responder sets the type: a policy of its own pages from level 1; its floor applies; its roles follow (./roles.ts). */
export async function setIncidentType(run: IncidentRun, cmd: SetTypeCommand): Promise<IncidentState> {
  const plan = await loadPlan(run);
  const type = typeOf(plan, cmd.type) ?? typeOf(coordinationOf(run), cmd.type);
  const policyId = type?.escalationPolicyId;
  const switches = policyId !== undefined && policyId !== run.plan.policy?.id;
  if (switches) run.plan = await oncall.loadServicePlan({ serviceId: run.serviceId, policyId });
  const why = switches ? `: paging continues on escalation policy ${policyId} from level 1` : '';
  run.apply((s) => setType(s, cmd, nowIso(), why));
  if (switches) {
    const note = `incident type ${cmd.type} pages by its own policy`;
    run.apply((s) => reassign(s, { by: cmd.by, toPolicyId: policyId, note }, nowIso()));
  }
  raiseToFloor(run, type?.severityFloor, `floor of incident type ${cmd.type}`);
  return run.state;
}
