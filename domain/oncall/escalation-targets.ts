/**
 * Turning an escalation level into the people to page at a given instant. Missing
 * references are reported rather than thrown: the incident workflow calls this, and a
 * deleted schedule must degrade the page (and say so on the timeline), not fail the workflow.
 */
import type { InstantInput } from '../common/fields';
import { onCallAt } from './oncall';
import type { EscalationPolicy, PolicyTarget } from './policy';
import type { Schedule } from './schedule';
import type { Team } from '../config/team';

export interface TargetContext {
  schedules: readonly Schedule[];
  teams: readonly Team[];
}

export interface ResolvedLevel {
  /** People to page, deduplicated, in target order. */
  userIds: string[];
  /** Schedule or team targets whose id is not in the context. */
  unresolved: PolicyTarget[];
  /** Targets that resolved to nobody: a schedule with nobody on call, a team with no members. */
  empty: PolicyTarget[];
}

/** Users a target stands for at `instant`, or undefined when its id is unknown. */
function targetUsers(target: PolicyTarget, ctx: TargetContext, instant: InstantInput): string[] | undefined {
  switch (target.type) {
    case 'user':
      return [target.id];
    case 'team':
      return ctx.teams.find((t) => t.id === target.id)?.members.map((m) => m.userId);
    case 'schedule': {
      const schedule = ctx.schedules.find((s) => s.id === target.id);
      return schedule === undefined ? undefined : onCallAt(schedule, instant).userIds;
    }
  }
}

export function resolveLevel(
  policy: EscalationPolicy,
  levelIndex: number,
  ctx: TargetContext,
  instant: InstantInput,
): ResolvedLevel {
  const level = policy.levels[levelIndex];
  if (level === undefined) {
    throw new RangeError(`policy "${policy.id}" has no level ${levelIndex} (it has ${policy.levels.length})`);
  }
  const users = new Set<string>();
  const unresolved: PolicyTarget[] = [];
  const empty: PolicyTarget[] = [];
  for (const target of level.targets) {
    const found = targetUsers(target, ctx, instant);
    if (found === undefined) unresolved.push(target);
    else if (found.length === 0) empty.push(target);
    else found.forEach((u) => users.add(u));
  }
  return { userIds: [...users], unresolved, empty };
}

/** The user ids a level pages at `instant`: schedules as on call then, teams as members. */
export function resolveLevelTargets(
  policy: EscalationPolicy,
  levelIndex: number,
  ctx: TargetContext,
  instant: InstantInput,
): string[] {
  return resolveLevel(policy, levelIndex, ctx, instant).userIds;
}
