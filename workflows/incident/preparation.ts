/**
 * What a run does once its incident is open, before anything pages: load the service plan
 * (policy, SLA targets, maintenance), say on a new incident's timeline when nobody will be
 * paged, and take the incident's number (once per incident, kept across continue-as-new).
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { IncidentNumberKey } from '../contract';
import { recordEvent } from '../../domain/incident/commands';
import { oncall } from './activity-stubs';
import { nowIso } from './clock';
import type { IncidentRun } from './incident-run';

export async function prepareIncident(run: IncidentRun): Promise<void> {
  run.plan = await oncall.loadServicePlan({ serviceId: run.serviceId, policyId: run.state.policyId });
  if (run.fresh && !run.plan.found) {
    const message = `Service "${run.serviceId}" is not configured: nobody is paged`;
    run.apply((s) => recordEvent(s, { at: nowIso(), type: 'note', message }));
  }
  if (run.fresh && run.plan.inMaintenance) {
    const message = 'Service is in a maintenance window: recorded, not paged';
    run.apply((s) => recordEvent(s, { at: nowIso(), type: 'maintenance', message }, { inMaintenance: true }));
  }
  if (run.state.number === undefined) {
    const number = await oncall.allocateIncidentNumber({ incidentKey: `${run.incidentId}:${run.runKey}` });
    run.apply((s) => ({ ...s, number, seq: s.seq + 1 }));
    upsertSearchAttributes([{ key: IncidentNumberKey, value: number }]);
  }
}
