/**
 * The source's own alerts inside one incident, by fingerprint (Alertmanager and Grafana
 * fingerprints; a hash of the event for PagerDuty Events). Sources re-send whole groups on
 * every change and repeat interval: a delivery that fires nothing new and resolves nothing
 * changes nothing, so re-sends never bump counts or add timeline noise. Pure, no I/O.
 */
import type { AlertEvent, IncidentState, TimelineEvent } from './incident';

export type SourceAlertStatus = 'firing' | 'resolved';

/** One of the source's alerts as a delivery reports it. */
export interface SourceAlertRef {
  fingerprint: string;
  status: SourceAlertStatus;
}

/** One of the source's alerts as the incident tracks it. */
export interface TrackedAlert extends SourceAlertRef {
  /** When it last changed status (ISO). */
  since: string;
}

/** Bounds the state an alert storm can grow; resolved alerts are forgotten first. */
export const MAX_TRACKED_ALERTS = 500;

interface Tracking {
  tracked: TrackedAlert[];
  fired: string[];
  resolved: string[];
}

/** Merges a delivery's alerts into the tracked ones; says which started firing and which resolved. */
export function trackSourceAlerts(
  tracked: readonly TrackedAlert[],
  refs: readonly SourceAlertRef[],
  at: string,
): Tracking {
  const byFingerprint = new Map(tracked.map((t) => [t.fingerprint, t]));
  const fired: string[] = [];
  const resolved: string[] = [];
  for (const ref of refs) {
    const known = byFingerprint.get(ref.fingerprint);
    if (ref.status === 'firing' && known?.status !== 'firing') fired.push(ref.fingerprint);
    else if (ref.status === 'resolved' && known?.status === 'firing') resolved.push(ref.fingerprint);
    else continue;
    byFingerprint.delete(ref.fingerprint); // re-inserted last: the map keeps recency order
    byFingerprint.set(ref.fingerprint, { fingerprint: ref.fingerprint, status: ref.status, since: at });
  }
  return { tracked: bounded([...byFingerprint.values()]), fired, resolved };
}

function bounded(all: TrackedAlert[]): TrackedAlert[] {
  let excess = all.length - MAX_TRACKED_ALERTS;
  if (excess <= 0) return all;
  const keep = all.filter((t) => t.status === 'firing' || excess-- <= 0);
  return keep.slice(keep.length - MAX_TRACKED_ALERTS);
}

export const firingCount = (state: Pick<IncidentState, 'sourceAlerts'>): number =>
  (state.sourceAlerts ?? []).filter((t) => t.status === 'firing').length;

/** True when the incident tracks its source's alerts and every one of them has resolved. */
export function allSourceAlertsResolved(state: Pick<IncidentState, 'sourceAlerts'>): boolean {
  return (state.sourceAlerts?.length ?? 0) > 0 && firingCount(state) === 0;
}

/**
 * A delivery that names its alerts, applied to an open incident. `countRepeat` is the
 * ordinary repeat-alert transition, used only when something new fires; a delivery that
 * changes no alert's status returns the very same state object.
 */
export function applySourceAlerts(
  state: IncidentState,
  alert: Pick<AlertEvent, 'source' | 'receivedAt'> & { sourceAlerts: readonly SourceAlertRef[] },
  countRepeat: (s: IncidentState, note: string) => IncidentState,
): IncidentState {
  const { tracked, fired, resolved } = trackSourceAlerts(
    state.sourceAlerts ?? [],
    alert.sourceAlerts,
    alert.receivedAt,
  );
  if (fired.length === 0 && resolved.length === 0) return state;
  let next = state;
  if (fired.length > 0) {
    next = countRepeat(
      next,
      `${fired.length === 1 ? 'Alert' : `${fired.length} alerts`} firing again or newly in ${alert.source}`,
    );
  }
  next = { ...next, sourceAlerts: tracked };
  if (resolved.length === 0) return next;
  const stillFiring = firingCount(next);
  const event: TimelineEvent = {
    at: alert.receivedAt,
    type: 'alert_resolved',
    message:
      stillFiring === 0
        ? `Alert resolved at the source (${alert.source})`
        : `${resolved.length} of the source's alerts resolved (${alert.source}); ${stillFiring} still firing`,
    data: { fingerprints: resolved.slice(0, 20), stillFiring },
  };
  return { ...next, timeline: [...next.timeline, event], seq: next.seq + 1 };
}

/** The source says some of its alerts resolved, by fingerprint: tracked as a delivery naming them. */
export function resolveSourceAlerts(
  state: IncidentState,
  fact: { source: string; fingerprints: readonly string[] },
  now: string,
): IncidentState {
  const sourceAlerts = fact.fingerprints.map((fingerprint) => ({ fingerprint, status: 'resolved' as const }));
  return applySourceAlerts(state, { source: fact.source, receivedAt: now, sourceAlerts }, (same) => same);
}

/** The source says its alert resolved, naming none of its alerts (older payloads). */
export function recordSourceResolved(state: IncidentState, source: string, now: string): IncidentState {
  const event: TimelineEvent = { at: now, type: 'alert_resolved', message: `Alert resolved at the source (${source})` };
  return { ...state, timeline: [...state.timeline, event], seq: state.seq + 1 };
}

/** The tracked alerts of a newly opened incident. */
export function initialSourceAlerts(alert: AlertEvent): TrackedAlert[] | undefined {
  return alert.sourceAlerts ? trackSourceAlerts([], alert.sourceAlerts, alert.receivedAt).tracked : undefined;
}
