/**
 * Incident state and the pure transitions the incident workflow applies. No I/O and no
 * clock: every transition takes `now` (ISO string) so workflows and tests drive time.
 */
import type { RoleHolder } from '../coordination/incident-roles';
import { startOfEpoch } from './escalation';
import { refuseClassification, type ResolutionClassification, type ResolveCommand } from './classification';
import type { Severity } from './severity-levels';
import { applySourceAlerts, initialSourceAlerts, type SourceAlertRef, type TrackedAlert } from './source-alerts';

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** An alert as the API normalised it (any source format ends up as this). */
export interface AlertEvent {
  source: string;
  dedupKey: string;
  service: string;
  summary: string;
  severity: Severity;
  details: Record<string, unknown>;
  /** When the API accepted it (ISO). */
  receivedAt: string;
  /** The source's own alerts in this delivery, by fingerprint: re-sends that change none are no-ops. */
  sourceAlerts?: SourceAlertRef[];
  /** The incident type the source names (label `incident_type`, or the integration's mapping). */
  incidentType?: string;
  /** When the source says the alert started firing (ISO): Alertmanager `startsAt`, PagerDuty `payload.timestamp`. */
  startedAt?: string;
}

/** Who gives a command, and why. */
export interface IncidentCommand {
  by: string;
  note?: string;
}

export type TimelineEventType =
  | 'triggered'
  | 'alert'
  | 'alert_resolved'
  | 'acknowledged'
  | 'resolved'
  | 'note'
  | 'escalated'
  | 'notified'
  | 'notification_failed'
  /** Written to the worker's log instead of sent (VIGIL_NOTIFY_LOG_ONLY): nobody was reached. */
  | 'notification_logged'
  | 'escalation_exhausted'
  | 'retriggered'
  | 'reassigned'
  | 'snoozed'
  | 'severity_changed'
  | 'sla_breach'
  | 'status_update_due'
  | 'maintenance'
  | 'numbered'
  | 'runbook_started'
  | 'runbook_step'
  | 'runbook_approval'
  | 'runbook_notify'
  | 'runbook_succeeded'
  | 'runbook_failed'
  /** Published, changed or resolved on a status page, or could not be. */
  | 'status_page'
  | 'type_set'
  | 'role_assigned'
  | 'role_released'
  | 'role_unfilled'
  /** A communication template sent to the service's stakeholders (and who it could not reach). */
  | 'stakeholders_notified';

export interface TimelineEvent {
  at: string;
  type: TimelineEventType;
  message: string;
  by?: string;
  data?: Record<string, unknown>;
}

export interface IncidentState {
  incidentId: string;
  /** Distinguishes incidents that reuse one id after resolution: the run that opened it. */
  runKey: string;
  service: string;
  dedupKey: string;
  summary: string;
  severity: Severity;
  status: IncidentStatus;
  alertCount: number;
  createdAt: string;
  lastAlertAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  details: Record<string, unknown>;
  timeline: TimelineEvent[];
  /** Repeat-alert events left off the timeline to bound its size (alert storms). */
  timelineDropped: number;
  /** Bumped on every change; the read model keeps only the highest it has seen. */
  seq: number;
  /** Human-friendly number, allocated once by the store (unique index, no racy counter). */
  number?: number;
  /** The first acknowledgement ever (MTTA); `acknowledgedAt` is the current one. */
  firstAcknowledgedAt?: string;
  escalation?: EscalationState;
  snoozedUntil?: string;
  slaBreaches?: SlaBreach[];
  /** Set by a reassign to people: they are paged instead of the policy. */
  assignedUserIds?: string[];
  /** Set by a reassign to another policy. */
  policyId?: string;
  inMaintenance?: boolean;
  /** The source's alerts by fingerprint (Alertmanager, Grafana, PagerDuty Events), when it names them. */
  sourceAlerts?: TrackedAlert[];
  /** The incident type's id (domain/coordination), from the alert or a responder. */
  incidentType?: string;
  /** Who holds which response role now (at most one holder per role). */
  roles?: RoleHolder[];
  /** When the opening alert started firing at its source (MTTD); absent when the source gave no start. */
  alertStartedAt?: string;
  /** Set by the resolve that closed it, when the resolver classified it. */
  classification?: ResolutionClassification;
}

export interface EscalationState {
  /** Incremented whenever paging starts over (re-trigger, reassign, snooze ends). */
  epoch: number;
  loop: number;
  level: number;
  /** When the current step was paged; undefined while it has not been yet. */
  pagedAt?: string;
  userIds: string[];
  exhausted: boolean;
}

export interface SlaBreach {
  sla: 'response' | 'resolution';
  dueAt: string;
  at: string;
}

/** Repeat alerts beyond this many are counted, not each put on the timeline. */
export const MAX_ALERT_EVENTS = 100;

const SEVERITY_RANK: Record<Severity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };

export function openIncident(incidentId: string, runKey: string, alert: AlertEvent): IncidentState {
  return {
    incidentId,
    runKey,
    service: alert.service,
    dedupKey: alert.dedupKey,
    summary: alert.summary,
    severity: alert.severity,
    status: 'triggered',
    alertCount: 1,
    createdAt: alert.receivedAt,
    lastAlertAt: alert.receivedAt,
    details: alert.details,
    timeline: [
      {
        at: alert.receivedAt,
        type: 'triggered',
        message: `Triggered by ${alert.source}: ${alert.summary}`,
        data: {
          severity: alert.severity,
          source: alert.source,
          ...(alert.incidentType ? { incidentType: alert.incidentType } : {}),
        },
      },
    ],
    timelineDropped: 0,
    seq: 1,
    escalation: startOfEpoch(0),
    slaBreaches: [],
    ...(alert.sourceAlerts ? { sourceAlerts: initialSourceAlerts(alert) } : {}),
    ...(alert.startedAt ? { alertStartedAt: alert.startedAt } : {}),
  };
}

/**
 * A repeat of the incident's alert: counted, details refreshed, and the severity raised
 * (never lowered) when the repeat is more severe.
 */
export function applyRepeatAlert(state: IncidentState, alert: AlertEvent): IncidentState {
  const { sourceAlerts } = alert;
  if (sourceAlerts)
    return applySourceAlerts(state, { ...alert, sourceAlerts }, (s, note) => countRepeat(s, alert, note));
  return countRepeat(state, alert);
}

function countRepeat(
  state: IncidentState,
  alert: AlertEvent,
  note = `Alert repeated by ${alert.source}`,
): IncidentState {
  const raised = SEVERITY_RANK[alert.severity] < SEVERITY_RANK[state.severity];
  const alertEvents = state.timeline.filter((e) => e.type === 'alert').length;
  const event: TimelineEvent = {
    at: alert.receivedAt,
    type: 'alert',
    message: raised ? `${note}; severity raised ${state.severity} -> ${alert.severity}` : note,
    data: { severity: alert.severity, source: alert.source, count: state.alertCount + 1 },
  };
  const keep = raised || alertEvents < MAX_ALERT_EVENTS;
  return {
    ...state,
    alertCount: state.alertCount + 1,
    lastAlertAt: alert.receivedAt,
    severity: raised ? alert.severity : state.severity,
    details: { ...state.details, ...alert.details },
    timeline: keep ? [...state.timeline, event] : state.timeline,
    timelineDropped: keep ? state.timelineDropped : state.timelineDropped + 1,
    seq: state.seq + 1,
  };
}

/** Why an acknowledge is refused, or undefined when it is allowed. */
export function refuseAcknowledge(state: IncidentState): string | undefined {
  if (state.status === 'resolved') return `incident is already resolved (by ${state.resolvedBy})`;
  if (state.status === 'acknowledged') return `incident is already acknowledged by ${state.acknowledgedBy}`;
  return undefined;
}

export function refuseResolve(state: IncidentState, cmd?: ResolveCommand): string | undefined {
  if (state.status === 'resolved') return `incident is already resolved (by ${state.resolvedBy})`;
  return refuseClassification(cmd?.classification);
}

export function acknowledge(state: IncidentState, cmd: IncidentCommand, now: string): IncidentState {
  return {
    ...state,
    status: 'acknowledged',
    acknowledgedAt: now,
    acknowledgedBy: cmd.by,
    firstAcknowledgedAt: state.firstAcknowledgedAt ?? now,
    timeline: [...state.timeline, commandEvent('acknowledged', `Acknowledged by ${cmd.by}`, cmd, now)],
    seq: state.seq + 1,
  };
}

export function resolve(state: IncidentState, cmd: ResolveCommand, now: string): IncidentState {
  const { classification: c } = cmd;
  const event = commandEvent('resolved', `Resolved by ${cmd.by}${c ? ` as ${c}` : ''}`, cmd, now);
  return {
    ...state,
    status: 'resolved',
    resolvedAt: now,
    resolvedBy: cmd.by,
    ...(c ? { classification: c } : {}),
    timeline: [...state.timeline, c ? { ...event, data: { ...event.data, classification: c } } : event],
    seq: state.seq + 1,
  };
}

export function commandEvent(
  type: TimelineEventType,
  message: string,
  cmd: IncidentCommand,
  at: string,
): TimelineEvent {
  return { at, type, message, by: cmd.by, ...(cmd.note ? { data: { note: cmd.note } } : {}) };
}
