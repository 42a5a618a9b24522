/**
 * What the projector tells Prometheus about incidents: each transition counted once, when
 * the report document that first shows it is written (the previous document is the
 * baseline, so a retried or repeated projection counts nothing twice). Workflows cannot
 * count (they replay); the projection activity sees every state they reach.
 */
import type { IncidentState } from '../domain/incident/incident';
import type { WorkerMetrics } from '../lib/metrics';
import type { IncidentReportDoc, RunbookRunCounts } from '../lib/models/incident-report';

export type IncidentMeterMetrics = Pick<
  WorkerMetrics,
  'incidentsOpened' | 'incidentsAcknowledged' | 'incidentsResolved' | 'slaBreaches' | 'runbookRuns'
>;

/** Ended runbook runs on the timeline (these events are never dropped from it). */
export function runbookRunsOf(state: Pick<IncidentState, 'timeline'>): RunbookRunCounts {
  const counts = { succeeded: 0, failed: 0 };
  for (const e of state.timeline) {
    if (e.type === 'runbook_succeeded') counts.succeeded += 1;
    else if (e.type === 'runbook_failed') counts.failed += 1;
  }
  return counts;
}

type Counted = Pick<IncidentReportDoc, 'service' | 'severity' | 'report' | 'runbookRuns'>;

export function countTransitions(m: IncidentMeterMetrics, prev: Counted | undefined, next: Counted): void {
  const labels = { service: next.service, severity: next.severity };
  const before = prev?.report;
  if (!prev) m.incidentsOpened.inc(labels);
  if (next.report.acknowledgedAt !== undefined && before?.acknowledgedAt === undefined)
    m.incidentsAcknowledged.inc(labels);
  if (next.report.resolvedAt !== undefined && before?.resolvedAt === undefined)
    m.incidentsResolved.inc({ ...labels, classification: next.report.classification ?? 'none' });
  for (const sla of next.report.slaBreaches) {
    if (!before?.slaBreaches.includes(sla)) m.slaBreaches.inc({ ...labels, sla });
  }
  for (const outcome of ['succeeded', 'failed'] as const) {
    const added = (next.runbookRuns?.[outcome] ?? 0) - (prev?.runbookRuns?.[outcome] ?? 0);
    if (added > 0) m.runbookRuns.inc({ outcome }, added);
  }
}
