/**
 * Maintenance windows that hold all the time: this part follows the plan's windows with
 * the workflow's clock on durable timers, and marks the incident in or out of a window at
 * each boundary (the escalation loop holds automatic pages while it is in one). The windows
 * are re-loaded every REFRESH_MS of real time, so a window added or edited after the
 * incident opened applies within that long; the plan lists MAINTENANCE_HORIZON_DAYS ahead,
 * far more than a refresh.
 *
 * Real time, not policy minutes (`plan.minuteMs`): a stack that runs a policy minute in a
 * second (tests, the bench) would otherwise wake every open incident every 60 s, and past
 * the worker's cache each wake replays the incident's history (N/60 replays a second with N
 * open: the bench's fill toward 10,000 open crawled on it). With the real minute the two
 * are the same, so histories recorded before this replay unchanged.
 */
import { condition } from '@temporalio/workflow';
import { enterMaintenance, leaveMaintenance, nextWindowBoundary, windowAt } from '../../domain/incident/maintenance';
import { oncall } from './activity-stubs';
import { nowIso, nowMs } from './clock';
import type { IncidentRun } from './incident-run';

const REFRESH_MS = 60 * 60_000;

/** This run follows the plan's windows: a plan that lists them, in a run with the patch. */
export function followsWindows(run: IncidentRun): boolean {
  return run.plan.maintenanceWindows !== undefined && run.patched('maintenance-windows');
}

/** Until resolved: in or out of a window at every boundary, windows re-loaded every REFRESH_MS. */
export async function followMaintenanceWindows(run: IncidentRun): Promise<void> {
  let reloadAt = nowMs() + REFRESH_MS;
  while (run.state.status !== 'resolved') {
    if (nowMs() >= reloadAt) {
      await reloadWindows(run);
      reloadAt = nowMs() + REFRESH_MS;
      continue;
    }
    const now = nowMs();
    const windows = run.plan.maintenanceWindows ?? [];
    const window = windowAt(windows, now);
    if (window && !run.state.inMaintenance) run.apply((s) => enterMaintenance(s, window, nowIso()));
    else if (!window && run.state.inMaintenance) run.apply((s) => leaveMaintenance(s, nowIso()));
    const wake = Math.min(nextWindowBoundary(windows, now) ?? reloadAt, reloadAt);
    await condition(() => run.state.status === 'resolved', wake - now, {
      summary: window ? `maintenance window until ${window.end}` : 'next maintenance boundary',
    });
  }
}

/** Only the windows are re-loaded: policy and targets stay as the incident opened with them. */
async function reloadWindows(run: IncidentRun): Promise<void> {
  const fresh = await oncall.loadServicePlan({ serviceId: run.serviceId, policyId: run.state.policyId });
  run.plan = { ...run.plan, maintenanceWindows: fresh.maintenanceWindows ?? [] };
}
