/**
 * Where an escalation stands and where it goes next. A policy runs its levels in order,
 * then starts again from level 1 for each extra loop (PagerDuty's num_loops); after the
 * last level of the last pass it is exhausted. Positions are 0-based here and shown
 * 1-based to people (level 1, loop 1).
 */
import type { EscalationPolicy } from '../oncall/policy';
import type { EscalationState, IncidentState } from './incident';

export interface EscalationCursor {
  /** 0-based pass over the policy: 0 .. policy.loops. */
  loop: number;
  /** 0-based level index within the pass. */
  level: number;
}

export type EscalationStep = { done: false; cursor: EscalationCursor; delayMinutes: number } | { done: true };

export const FIRST_STEP: EscalationCursor = { loop: 0, level: 0 };

/** Paging as it stands when epoch `epoch` begins: level 1 of the first pass, nobody paged yet. */
export function startOfEpoch(epoch: number): EscalationState {
  return { epoch, loop: 0, level: 0, userIds: [], exhausted: false };
}

/** The incident's escalation position (states carried from before it was recorded start at epoch 0). */
export function escalationOf(state: Pick<IncidentState, 'escalation'>): EscalationState {
  return state.escalation ?? startOfEpoch(0);
}

/** The step at `cursor`, with how long to wait for an acknowledgement before the next one. */
export function stepAt(policy: Pick<EscalationPolicy, 'levels' | 'loops'>, cursor: EscalationCursor): EscalationStep {
  const level = policy.levels[cursor.level];
  if (!level || cursor.loop > policy.loops || cursor.loop < 0) return { done: true };
  return { done: false, cursor, delayMinutes: level.delayMinutes };
}

/** The step after `cursor`: the next level, the first level of the next pass, or done. */
export function nextStep(policy: Pick<EscalationPolicy, 'levels' | 'loops'>, cursor: EscalationCursor): EscalationStep {
  const next =
    cursor.level + 1 < policy.levels.length
      ? { loop: cursor.loop, level: cursor.level + 1 }
      : { loop: cursor.loop + 1, level: 0 };
  return stepAt(policy, next);
}

/** Every step a policy takes when nobody acknowledges, in order (for plans and previews). */
export function allSteps(policy: Pick<EscalationPolicy, 'levels' | 'loops'>): EscalationCursor[] {
  const steps: EscalationCursor[] = [];
  for (let step = stepAt(policy, FIRST_STEP); !step.done; step = nextStep(policy, step.cursor)) steps.push(step.cursor);
  return steps;
}

/** Minutes from the first page until the policy is exhausted, if nobody acknowledges. */
export function minutesUntilExhausted(policy: Pick<EscalationPolicy, 'levels' | 'loops'>): number {
  return allSteps(policy).reduce((sum, c) => sum + (policy.levels[c.level]?.delayMinutes ?? 0), 0);
}
