/**
 * Maintenance windows as the incident workflow sees them: instants taken from the service
 * plan, so the workflow decides with its own clock whether it is inside one and wakes at
 * their boundaries. Entering a window starts a new paging epoch at the same level, which
 * stops every personal notification still waiting; leaving it lets the escalation loop
 * page that level again (new epoch, new idempotency keys).
 */
import { escalationOf } from './escalation';
import type { IncidentState } from './incident';

/** A window as instants (ISO), [start, end). */
export interface WindowInstants {
  start: string;
  end: string;
}

/** The window covering `atMs`, if any. */
export function windowAt(windows: readonly WindowInstants[], atMs: number): WindowInstants | undefined {
  return windows.find((w) => Date.parse(w.start) <= atMs && atMs < Date.parse(w.end));
}

/** The first window start or end after `atMs` (ms), if any. */
export function nextWindowBoundary(windows: readonly WindowInstants[], atMs: number): number | undefined {
  const later = windows.flatMap((w) => [Date.parse(w.start), Date.parse(w.end)]).filter((t) => t > atMs);
  return later.length > 0 ? Math.min(...later) : undefined;
}

/** A window began (or the incident opened in one): pages are held at the current level until `end`. */
export function enterMaintenance(state: IncidentState, window: WindowInstants, now: string): IncidentState {
  const e = escalationOf(state);
  return {
    ...state,
    inMaintenance: true,
    escalation: { ...e, epoch: e.epoch + 1, pagedAt: undefined, userIds: [] },
    timeline: [
      ...state.timeline,
      {
        at: now,
        type: 'maintenance',
        message: `Maintenance window until ${window.end}: automatic pages held`,
        data: { window: { start: window.start, end: window.end }, held: true },
      },
    ],
    seq: state.seq + 1,
  };
}

/** The window ended: a still-triggered incident is paged again at the level it was held at. */
export function leaveMaintenance(state: IncidentState, now: string): IncidentState {
  const e = escalationOf(state);
  const message =
    state.status === 'triggered'
      ? `Maintenance window ended: paging resumes at level ${e.level + 1}`
      : 'Maintenance window ended';
  return {
    ...state,
    inMaintenance: false,
    timeline: [...state.timeline, { at: now, type: 'maintenance', message, data: { held: false } }],
    seq: state.seq + 1,
  };
}

/**
 * A responder escalated since the window held paging and since the last page: the step at
 * the cursor pages through the window. Automatic steps after it are held again.
 */
export function escalatedInWindow(state: IncidentState): boolean {
  for (let i = state.timeline.length - 1; i >= 0; i--) {
    const e = state.timeline[i];
    if (e?.type === 'escalated') return e.by !== undefined; // a command has `by`, a recorded page does not
    if (e?.type === 'maintenance' && e.data?.held === true) return false;
  }
  return false;
}
