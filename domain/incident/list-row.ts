/**
 * The incident list's row: the few fields a list, its filters and its live updates need,
 * derived from the full state by the projector. Rows are small on purpose: the console
 * keeps every row of the read model in memory (see api/incident-list/), and SSE events
 * carry the row so clients need no second read.
 */
import type { IncidentState, IncidentStatus } from './incident';
import type { Severity } from './severity-levels';

export interface IncidentListRow {
  /** The read model's `_id`: incident id + run. */
  recordId: string;
  incidentId: string;
  number?: number;
  service: string;
  severity: Severity;
  status: IncidentStatus;
  summary: string;
  createdAt: string;
  alertCount: number;
  /** Who holds it: the acknowledger, else the people paged now (or assigned). */
  holderIds: string[];
  /** Everyone paged for it so far (notifications sent), and whoever is paged now. */
  pagedUserIds: string[];
  /** 1-based escalation position, while paging by policy. */
  level?: number;
  loop?: number;
  snoozedUntil?: string;
  resolvedAt?: string;
  seq: number;
}

/** What changed between two rows of one incident, as SSE clients see it. */
export type RowChange = 'new' | 'state' | 'severity' | 'holder' | 'updated';

export function toListRow(state: IncidentState, recordId: string): IncidentListRow {
  const esc = state.escalation;
  const current = state.assignedUserIds ?? (esc?.pagedAt ? esc.userIds : []);
  const notified = state.timeline.flatMap((e) =>
    e.type === 'notified' && typeof e.data?.userId === 'string' ? [e.data.userId] : [],
  );
  const holderIds = state.status === 'acknowledged' && state.acknowledgedBy ? [state.acknowledgedBy] : current;
  return {
    recordId,
    incidentId: state.incidentId,
    ...(state.number !== undefined ? { number: state.number } : {}),
    service: state.service,
    severity: state.severity,
    status: state.status,
    summary: state.summary,
    createdAt: state.createdAt,
    alertCount: state.alertCount,
    holderIds: state.status === 'resolved' ? [] : holderIds,
    pagedUserIds: [...new Set([...notified, ...current])].sort(),
    ...(esc && !state.assignedUserIds && esc.pagedAt ? { level: esc.level + 1, loop: esc.loop + 1 } : {}),
    ...(state.snoozedUntil ? { snoozedUntil: state.snoozedUntil } : {}),
    ...(state.resolvedAt ? { resolvedAt: state.resolvedAt } : {}),
    seq: state.seq,
  };
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The changes from `prev` to `next` (empty: nothing a list shows has changed). */
export function rowChanges(prev: IncidentListRow | undefined, next: IncidentListRow): RowChange[] {
  if (!prev) return ['new'];
  const changes: RowChange[] = [];
  if (prev.status !== next.status) changes.push('state');
  if (prev.severity !== next.severity) changes.push('severity');
  if (!sameIds(prev.holderIds, next.holderIds)) changes.push('holder');
  if (changes.length > 0) return changes;
  const shown: Array<keyof IncidentListRow> = ['number', 'summary', 'alertCount', 'level', 'loop', 'snoozedUntil'];
  const moved = shown.some((k) => prev[k] !== next[k]) || !sameIds(prev.pagedUserIds, next.pagedUserIds);
  return moved ? ['updated'] : [];
}
