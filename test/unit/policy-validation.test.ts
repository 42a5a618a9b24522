import { describe, expect, it } from 'vitest';
import { resolveLevel, resolveLevelTargets } from '../../domain/oncall/escalation-targets';
import { EscalationPolicySchema } from '../../domain/oncall/policy';
import { type Issue, validatePolicy } from '../../domain/oncall/policy-validation';
import { ScheduleSchema } from '../../domain/oncall/schedule';
import { TeamSchema } from '../../domain/config/team';

const users = ['alice', 'bob', 'carol', 'lead', 'cto'].map((id) => ({ id }));
const schedule = (id: string, layers: object[], overrides: object[] = []) =>
  ScheduleSchema.parse({ id, name: id, timeZone: 'America/New_York', layers, overrides });
const weekly = (participants: string[], start = '2026-01-05T09:00') => ({
  id: 'weekly',
  start,
  rotation: { type: 'weekly' },
  participants,
});

const schedules = [
  schedule('primary', [weekly(['alice', 'bob'])]),
  schedule('secondary', [weekly(['alice', 'bob'], '2026-01-12T09:00')]),
  schedule('hollow', []),
  schedule('future', [weekly(['carol'], '2027-06-07T09:00')]),
  schedule('ghosts', [weekly(['alice', 'nobody-known'])]),
];
const teams = [
  TeamSchema.parse({ id: 'leads', name: 'Leads', members: [{ userId: 'lead', role: 'manager' }, { userId: 'cto' }] }),
  TeamSchema.parse({ id: 'empty', name: 'Empty' }),
  TeamSchema.parse({ id: 'pair', name: 'Pair', members: [{ userId: 'alice' }, { userId: 'bob' }] }),
];
const ctx = { users, schedules, teams };
const NOW = '2026-02-01T12:00:00Z';

type Level = { delayMinutes: number; targets: Array<{ type: string; id: string }> };
const policy = (levels: Level[], loops = 0) => EscalationPolicySchema.parse({ id: 'p', name: 'P', levels, loops });
const t = (type: string, id: string) => ({ type, id });

// The seeds' policy: primary (5 min), secondary (15 min), team lead (30 min), management.
const seedPolicy: Level[] = [
  { delayMinutes: 5, targets: [t('schedule', 'primary')] },
  { delayMinutes: 15, targets: [t('schedule', 'secondary')] },
  { delayMinutes: 30, targets: [t('user', 'lead')] },
  { delayMinutes: 60, targets: [t('team', 'leads')] },
];

describe('validatePolicy', () => {
  const cases: Array<{ name: string; levels: Level[]; loops?: number; errors?: Issue[]; warnings?: Issue[] }> = [
    { name: 'the seeds policy is clean', levels: seedPolicy, loops: 2 },
    {
      name: 'unknown ids of every kind are errors at the target',
      levels: [
        {
          delayMinutes: 5,
          targets: [t('user', 'zed'), t('schedule', 'nope'), t('team', 'ghost-team'), t('user', 'alice')],
        },
      ],
      errors: [
        { path: 'levels[0].targets[0]', message: 'unknown user "zed"' },
        { path: 'levels[0].targets[1]', message: 'unknown schedule "nope"' },
        { path: 'levels[0].targets[2]', message: 'unknown team "ghost-team"' },
      ],
    },
    {
      name: 'a level with no targets',
      levels: [
        { delayMinutes: 5, targets: [t('user', 'alice')] },
        { delayMinutes: 5, targets: [] },
      ],
      warnings: [{ path: 'levels[1].targets', message: 'level has no targets: nobody is paged at this level' }],
    },
    {
      name: 'a schedule with no participants',
      levels: [{ delayMinutes: 5, targets: [t('schedule', 'hollow')] }],
      warnings: [
        { path: 'levels[0].targets[0]', message: 'schedule "hollow" has no participants: nobody is ever on call' },
      ],
    },
    {
      name: 'a schedule with nobody on call in the next 4 weeks',
      levels: [{ delayMinutes: 5, targets: [t('schedule', 'future')] }],
      warnings: [{ path: 'levels[0].targets[0]', message: 'schedule "future" has nobody on call in the next 28 days' }],
    },
    {
      name: 'a schedule listing an unknown user',
      levels: [{ delayMinutes: 5, targets: [t('schedule', 'ghosts')] }],
      warnings: [{ path: 'levels[0].targets[0]', message: 'schedule "ghosts" lists unknown user "nobody-known"' }],
    },
    {
      name: 'a team with no members',
      levels: [{ delayMinutes: 5, targets: [t('team', 'empty')] }],
      warnings: [{ path: 'levels[0].targets[0]', message: 'team "empty" has no members: nobody is paged' }],
    },
    {
      name: 'zero delay before a level paging the same people (a team of exactly those users)',
      levels: [
        { delayMinutes: 0, targets: [t('user', 'alice'), t('user', 'bob')] },
        { delayMinutes: 10, targets: [t('team', 'pair')] },
      ],
      warnings: [
        { path: 'levels[1]', message: 'pages the same people as levels[0] with no delay in between: it adds nothing' },
      ],
    },
    {
      name: 'zero delay before a level paging others is allowed, with a warning',
      levels: [
        { delayMinutes: 0, targets: [t('user', 'alice')] },
        { delayMinutes: 10, targets: [t('user', 'bob')] },
      ],
      warnings: [
        { path: 'levels[0].delayMinutes', message: 'delay 0: levels[1] is paged at the same moment as levels[0]' },
      ],
    },
    {
      name: 'loops on a policy whose total delay is zero',
      levels: [{ delayMinutes: 0, targets: [t('schedule', 'primary')] }],
      loops: 3,
      warnings: [
        { path: 'loops', message: 'loops 3 with a total delay of 0 minutes: every loop pages at the same moment' },
      ],
    },
    {
      name: 'zero delay on the last level alone is fine',
      levels: [{ delayMinutes: 0, targets: [t('user', 'alice')] }],
    },
  ];

  it.each(cases)('$name', ({ levels, loops, errors = [], warnings = [] }) => {
    expect(validatePolicy(policy(levels, loops), ctx, NOW)).toEqual({ errors, warnings });
  });

  it('skips the time-dependent check without `now`', () => {
    const result = validatePolicy(policy([{ delayMinutes: 5, targets: [t('schedule', 'future')] }]), ctx);
    expect(result).toEqual({ errors: [], warnings: [] });
  });
});

describe('resolveLevelTargets', () => {
  const p = policy([
    { delayMinutes: 5, targets: [t('schedule', 'primary'), t('user', 'alice'), t('team', 'leads'), t('user', 'lead')] },
    {
      delayMinutes: 5,
      targets: [t('schedule', 'secondary'), t('schedule', 'deleted'), t('team', 'empty'), t('user', 'cto')],
    },
  ]);
  const targetCtx = { schedules, teams };

  it.each([
    // primary: alice Jan 5-12, bob Jan 12-19 (09:00 EST = 14:00Z)
    [0, '2026-01-06T12:00:00Z', ['alice', 'lead', 'cto']],
    [0, '2026-01-13T12:00:00Z', ['bob', 'alice', 'lead', 'cto']],
    [1, '2026-01-06T12:00:00Z', ['cto']], // secondary has not started yet
    [1, '2026-01-13T12:00:00Z', ['alice', 'cto']],
  ])('level %i at %s pages %j (deduplicated, target order kept)', (level, instant, expected) => {
    expect(resolveLevelTargets(p, level, targetCtx, instant)).toEqual(expected);
  });

  it('reports targets it could not resolve and targets that resolved to nobody', () => {
    expect(resolveLevel(p, 1, targetCtx, '2026-01-06T12:00:00Z')).toEqual({
      userIds: ['cto'],
      unresolved: [t('schedule', 'deleted')],
      empty: [t('schedule', 'secondary'), t('team', 'empty')],
    });
  });

  it('includes overrides when resolving a schedule', () => {
    const covered = schedule(
      'primary',
      [weekly(['alice', 'bob'])],
      [{ start: '2026-01-06T00:00:00Z', end: '2026-01-07T00:00:00Z', userId: 'carol', replacesUserId: 'alice' }],
    );
    expect(resolveLevelTargets(p, 0, { schedules: [covered], teams }, '2026-01-06T12:00:00Z')).toEqual([
      'carol',
      'alice',
      'lead',
      'cto',
    ]);
  });

  it('refuses a level the policy does not have', () => {
    expect(() => resolveLevelTargets(p, 2, targetCtx, NOW)).toThrow(RangeError);
  });
});
