/**
 * Semantic checks of an escalation policy against the users, schedules and teams it names.
 * Errors make a policy unusable (it names something that does not exist); warnings flag
 * configuration that can never fire or is pointless, so a bad policy is found at save
 * time rather than at 3 a.m.
 */
import { type InstantInput, toEpochMs } from '../common/fields';
import { shifts } from './oncall';
import type { EscalationLevel, EscalationPolicy, PolicyTarget } from './policy';
import type { Schedule } from './schedule';
import type { Team } from '../config/team';
import { DAY_MS } from '../common/wall-clock';

export interface Issue {
  /** Where in the policy, e.g. "levels[2].targets[0]". */
  path: string;
  message: string;
}

export interface PolicyValidation {
  errors: Issue[];
  warnings: Issue[];
}

export interface PolicyContext {
  users: readonly { id: string }[];
  schedules: readonly Schedule[];
  teams: readonly Team[];
}

/** How far ahead an "is anyone ever on call" check looks. */
export const ON_CALL_LOOKAHEAD_DAYS = 28;

interface Lookup {
  users: ReadonlySet<string>;
  schedules: ReadonlyMap<string, Schedule>;
  teams: ReadonlyMap<string, Team>;
  now: number | undefined;
}

/**
 * Errors and warnings for `policy`. The check that a schedule has someone on call in the
 * next four weeks needs `now`; without it only timeless checks run (workflow code has no
 * clock of its own to default to).
 */
export function validatePolicy(policy: EscalationPolicy, ctx: PolicyContext, now?: InstantInput): PolicyValidation {
  const lookup: Lookup = {
    users: new Set(ctx.users.map((u) => u.id)),
    schedules: new Map(ctx.schedules.map((s) => [s.id, s])),
    teams: new Map(ctx.teams.map((t) => [t.id, t])),
    now: now === undefined ? undefined : toEpochMs(now),
  };
  const result: PolicyValidation = { errors: [], warnings: [] };
  policy.levels.forEach((level, i) => {
    const path = `levels[${i}]`;
    if (level.targets.length === 0)
      warn(result, `${path}.targets`, 'level has no targets: nobody is paged at this level');
    level.targets.forEach((target, j) => checkTarget(target, `${path}.targets[${j}]`, lookup, result));
    const next = policy.levels[i + 1];
    if (level.delayMinutes === 0 && next !== undefined) checkZeroDelay(level, next, i, lookup, result);
  });
  const totalDelay = policy.levels.reduce((sum, level) => sum + level.delayMinutes, 0);
  if (policy.loops > 0 && totalDelay === 0) {
    warn(result, 'loops', `loops ${policy.loops} with a total delay of 0 minutes: every loop pages at the same moment`);
  }
  return result;
}

function warn(result: PolicyValidation, path: string, message: string): void {
  result.warnings.push({ path, message });
}

function checkTarget(target: PolicyTarget, path: string, lookup: Lookup, result: PolicyValidation): void {
  const known =
    target.type === 'user'
      ? lookup.users.has(target.id)
      : (target.type === 'team' ? lookup.teams : lookup.schedules).has(target.id);
  if (!known) {
    result.errors.push({ path, message: `unknown ${target.type} "${target.id}"` });
    return;
  }
  const team = target.type === 'team' ? lookup.teams.get(target.id) : undefined;
  if (team !== undefined) checkTeam(team, path, lookup, result);
  const schedule = target.type === 'schedule' ? lookup.schedules.get(target.id) : undefined;
  if (schedule !== undefined) checkSchedule(schedule, path, lookup, result);
}

function checkTeam(team: Team, path: string, lookup: Lookup, result: PolicyValidation): void {
  if (team.members.length === 0) warn(result, path, `team "${team.id}" has no members: nobody is paged`);
  for (const m of team.members) {
    if (!lookup.users.has(m.userId)) warn(result, path, `team "${team.id}" lists unknown user "${m.userId}"`);
  }
}

function checkSchedule(schedule: Schedule, path: string, lookup: Lookup, result: PolicyValidation): void {
  if (schedule.layers.length === 0 && schedule.overrides.length === 0) {
    warn(result, path, `schedule "${schedule.id}" has no participants: nobody is ever on call`);
    return;
  }
  const people = [...schedule.layers.flatMap((l) => l.participants), ...schedule.overrides.map((o) => o.userId)];
  for (const userId of new Set(people)) {
    if (!lookup.users.has(userId)) warn(result, path, `schedule "${schedule.id}" lists unknown user "${userId}"`);
  }
  if (lookup.now === undefined) return;
  const until = lookup.now + ON_CALL_LOOKAHEAD_DAYS * DAY_MS;
  if (shifts(schedule, lookup.now, until).length === 0) {
    warn(result, path, `schedule "${schedule.id}" has nobody on call in the next ${ON_CALL_LOOKAHEAD_DAYS} days`);
  }
}

/** Who a level pages, as far as it is known without a clock: schedules stay opaque. */
function staticAudience(level: EscalationLevel, lookup: Lookup): Set<string> {
  const keys = new Set<string>();
  for (const target of level.targets) {
    const team = target.type === 'team' ? lookup.teams.get(target.id) : undefined;
    if (team !== undefined) team.members.forEach((m) => keys.add(`user:${m.userId}`));
    else keys.add(`${target.type}:${target.id}`);
  }
  return keys;
}

function checkZeroDelay(
  level: EscalationLevel,
  next: EscalationLevel,
  index: number,
  lookup: Lookup,
  result: PolicyValidation,
): void {
  const a = staticAudience(level, lookup);
  const b = staticAudience(next, lookup);
  const same = a.size > 0 && a.size === b.size && [...a].every((k) => b.has(k));
  if (same) {
    warn(
      result,
      `levels[${index + 1}]`,
      `pages the same people as levels[${index}] with no delay in between: it adds nothing`,
    );
  } else {
    warn(
      result,
      `levels[${index}].delayMinutes`,
      `delay 0: levels[${index + 1}] is paged at the same moment as levels[${index}]`,
    );
  }
}
