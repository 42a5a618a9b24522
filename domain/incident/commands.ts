/**
 * Commands beyond acknowledge/resolve, and the escalation facts the workflow records.
 * Each `refuse*` answers why a command cannot apply (or undefined); each transition is pure.
 */
import { escalationOf, nextStep, startOfEpoch } from './escalation';
import type { EscalationPolicy } from '../oncall/policy';
import { commandEvent, type IncidentCommand, type IncidentState, type TimelineEvent } from './incident';
import type { Severity } from './severity-levels';

export interface ReassignCommand extends IncidentCommand {
  toUserIds?: string[];
  toPolicyId?: string;
}
export interface SnoozeCommand extends IncidentCommand {
  minutes: number;
}
export interface SeverityCommand extends IncidentCommand {
  severity: Severity;
}

export const MAX_SNOOZE_MINUTES = 24 * 60;

function withEvent(state: IncidentState, event: TimelineEvent, patch: Partial<IncidentState>): IncidentState {
  return { ...state, ...patch, timeline: [...state.timeline, event], seq: state.seq + 1 };
}

/** Paging starts over at level 1 of a new epoch: old personal notifications stop. */
function restartPaging(state: IncidentState): Partial<IncidentState> {
  const e = escalationOf(state);
  return {
    status: 'triggered',
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    snoozedUntil: undefined,
    escalation: startOfEpoch(e.epoch + 1),
  };
}

export function refuseIfResolved(state: IncidentState): string | undefined {
  return state.status === 'resolved' ? `incident is already resolved (by ${state.resolvedBy})` : undefined;
}

export function refuseReassign(
  state: IncidentState,
  cmd: ReassignCommand,
  known: { userIds: ReadonlySet<string>; policyIds: ReadonlySet<string> },
): string | undefined {
  const resolved = refuseIfResolved(state);
  if (resolved) return resolved;
  const users = cmd.toUserIds ?? [];
  if (users.length > 0 === Boolean(cmd.toPolicyId)) return 'reassign needs either toUserIds or toPolicyId';
  const unknownUser = users.find((u) => !known.userIds.has(u));
  if (unknownUser) return `unknown user "${unknownUser}"`;
  if (cmd.toPolicyId && !known.policyIds.has(cmd.toPolicyId)) return `unknown escalation policy "${cmd.toPolicyId}"`;
  return undefined;
}

export function refuseSnooze(state: IncidentState, cmd: SnoozeCommand): string | undefined {
  const resolved = refuseIfResolved(state);
  if (resolved) return resolved;
  if (!Number.isInteger(cmd.minutes) || cmd.minutes < 1 || cmd.minutes > MAX_SNOOZE_MINUTES) {
    return `minutes must be a whole number from 1 to ${MAX_SNOOZE_MINUTES}`;
  }
  return undefined;
}

export function refuseSeverityChange(state: IncidentState, cmd: SeverityCommand): string | undefined {
  return (
    refuseIfResolved(state) ?? (cmd.severity === state.severity ? `severity is already ${cmd.severity}` : undefined)
  );
}

/** Manual escalate: page the next step now, even if someone acknowledged. */
export function escalateNow(state: IncidentState, cmd: IncidentCommand, now: string): IncidentState {
  return withEvent(state, commandEvent('escalated', `Escalated by ${cmd.by}`, cmd, now), {
    status: 'triggered',
    acknowledgedAt: undefined,
    acknowledgedBy: undefined,
    snoozedUntil: undefined,
  });
}

export function reassign(state: IncidentState, cmd: ReassignCommand, now: string): IncidentState {
  const to = cmd.toPolicyId ? `policy ${cmd.toPolicyId}` : (cmd.toUserIds ?? []).join(', ');
  const event = commandEvent('reassigned', `Reassigned to ${to} by ${cmd.by}`, cmd, now);
  return withEvent(
    state,
    { ...event, data: { ...event.data, toUserIds: cmd.toUserIds, toPolicyId: cmd.toPolicyId } },
    {
      ...restartPaging(state),
      assignedUserIds: cmd.toPolicyId ? undefined : cmd.toUserIds,
      policyId: cmd.toPolicyId ?? state.policyId,
    },
  );
}

export function snooze(state: IncidentState, cmd: SnoozeCommand, now: string, until: string): IncidentState {
  const event = commandEvent('snoozed', `Snoozed for ${cmd.minutes} min by ${cmd.by}`, cmd, now);
  return withEvent(
    state,
    { ...event, data: { ...event.data, until, minutes: cmd.minutes } },
    {
      status: 'acknowledged',
      acknowledgedAt: now,
      acknowledgedBy: cmd.by,
      firstAcknowledgedAt: state.firstAcknowledgedAt ?? now,
      snoozedUntil: until,
    },
  );
}

export function changeSeverity(state: IncidentState, cmd: SeverityCommand, now: string): IncidentState {
  const event = commandEvent(
    'severity_changed',
    `Severity ${state.severity} -> ${cmd.severity} by ${cmd.by}`,
    cmd,
    now,
  );
  return withEvent(
    state,
    { ...event, data: { ...event.data, from: state.severity, to: cmd.severity } },
    { severity: cmd.severity },
  );
}

/** Acknowledgement timed out or a snooze ended: page again from level 1. */
export function retrigger(state: IncidentState, reason: string, now: string): IncidentState {
  return withEvent(state, { at: now, type: 'retriggered', message: `Re-triggered: ${reason}` }, restartPaging(state));
}

/** The workflow paged a step of the policy (loop and level 0-based). */
export function recordPage(
  state: IncidentState,
  step: { loop: number; level: number; userIds: string[] },
  now: string,
): IncidentState {
  const e = escalationOf(state);
  const who = step.userIds.length > 0 ? step.userIds.join(', ') : 'nobody (no one resolved)';
  return withEvent(
    state,
    {
      at: now,
      type: 'escalated',
      message: `Paged level ${step.level + 1} (loop ${step.loop + 1}): ${who}`,
      data: { ...step, epoch: e.epoch },
    },
    { escalation: { ...e, loop: step.loop, level: step.level, userIds: step.userIds, pagedAt: now, exhausted: false } },
  );
}

/** Move the cursor without paging yet (the next page records itself). */
export function moveCursor(state: IncidentState, cursor: { loop: number; level: number }): IncidentState {
  const e = escalationOf(state);
  return {
    ...state,
    escalation: { ...e, ...cursor, pagedAt: undefined, userIds: [], exhausted: false },
    seq: state.seq + 1,
  };
}

/** Start the policy over (manual escalate after exhaustion, or away from assigned people): a new epoch, so new keys. */
export function restartCursor(state: IncidentState): IncidentState {
  const e = escalationOf(state);
  return {
    ...state,
    assignedUserIds: undefined,
    escalation: startOfEpoch(e.epoch + 1),
    seq: state.seq + 1,
  };
}

/**
 * Escalate while no step is being paged (acknowledged, snoozed): the cursor moves to the
 * policy's next step (past its last loop after the last one), or the policy starts over
 * when it was exhausted, when people were assigned, or when there is none.
 */
export function moveToNextStep(
  state: IncidentState,
  policy: Pick<EscalationPolicy, 'levels' | 'loops'> | undefined,
): IncidentState {
  const esc = escalationOf(state);
  if (state.assignedUserIds || !policy || esc.exhausted) return restartCursor(state);
  const next = nextStep(policy, esc);
  return moveCursor(state, next.done ? { loop: policy.loops + 1, level: 0 } : next.cursor);
}

export function recordExhausted(state: IncidentState, now: string): IncidentState {
  const e = escalationOf(state);
  return withEvent(
    state,
    {
      at: now,
      type: 'escalation_exhausted',
      message: 'Escalation exhausted: nobody acknowledged; owning team notified',
    },
    {
      escalation: { ...e, exhausted: true, pagedAt: undefined },
    },
  );
}

export function recordSlaBreach(
  state: IncidentState,
  sla: 'response' | 'resolution',
  dueAt: string,
  now: string,
): IncidentState {
  return withEvent(
    state,
    { at: now, type: 'sla_breach', message: `${sla} SLA breached (due ${dueAt})`, data: { sla, dueAt } },
    {
      slaBreaches: [...(state.slaBreaches ?? []), { sla, dueAt, at: now }],
    },
  );
}

export function recordEvent(
  state: IncidentState,
  event: TimelineEvent,
  patch: Partial<IncidentState> = {},
): IncidentState {
  return withEvent(state, event, patch);
}
