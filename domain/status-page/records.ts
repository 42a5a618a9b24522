/**
 * What the status page stores and shows: its incidents with their update history, and the
 * maintenances it announces. Records are written by the incident workflow's activities
 * (keyed for idempotency) and by responders through the API; the read formats are built
 * from them (./view.ts, ./v2.ts).
 */
import type { ComponentStatus, Impact, MaintenanceStatus, PageIncidentStatus } from './page';

export interface PageUpdateRecord {
  id: string;
  status: PageIncidentStatus;
  body: string;
  createdAt: string;
  displayAt: string;
  /** Components whose status this update changed. */
  components?: Record<string, ComponentStatus>;
  /** Who wrote it: a user id, or `vigil` for what the incident workflow wrote. */
  by: string;
}

export interface PageIncidentRecord {
  id: string;
  pageId: string;
  /** The Vigil incident it follows, when published from one. */
  incidentId?: string;
  name: string;
  status: PageIncidentStatus;
  impact: Impact;
  /** The status each affected component shows while the incident is unresolved. */
  components: Record<string, ComponentStatus>;
  /** Held back by a responder or a rule: kept out of every read format until released. */
  held: boolean;
  createdAt: string;
  updatedAt: string;
  monitoringAt?: string;
  resolvedAt?: string;
  /** Oldest first. */
  updates: PageUpdateRecord[];
}

export interface MaintenanceRecord {
  id: string;
  name: string;
  components: string[];
  scheduledFor: string;
  scheduledUntil: string;
  body: string;
  createdAt: string;
}

/** A maintenance's status at `nowMs`: scheduled before, in progress during, completed after. */
export function maintenanceStatus(
  m: Pick<MaintenanceRecord, 'scheduledFor' | 'scheduledUntil'>,
  nowMs: number,
): MaintenanceStatus {
  if (nowMs < Date.parse(m.scheduledFor)) return 'scheduled';
  return nowMs < Date.parse(m.scheduledUntil) ? 'in_progress' : 'completed';
}

/** Stored in this order of badness: a component shows its worst. */
export const STATUS_RANK: Readonly<Record<ComponentStatus, number>> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}
