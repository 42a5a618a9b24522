import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EscalationPolicySchema } from '../../domain/oncall/policy';
import { ScheduleSchema } from '../../domain/oncall/schedule';
import { ServiceSchema, inMaintenance, maintenanceWindowAt } from '../../domain/config/service';
import { TeamSchema } from '../../domain/config/team';
import { UserSchema } from '../../domain/config/user';

/** "path: message" for each issue, the way an API 400 names the field. */
function problems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const user = {
  id: 'alice',
  name: 'Alice',
  email: 'alice@example.com',
  timezone: 'America/New_York',
  contactMethods: [
    { id: 'slack', type: 'slack', address: 'U0123ABC' },
    { id: 'phone', type: 'sms', address: '+15551230100' },
    { id: 'call', type: 'voice', address: '+15551230100' },
    { id: 'mail', type: 'email', address: 'alice@example.com' },
    { id: 'hook', type: 'webhook', address: 'https://hooks.example.com/alice' },
  ],
  notificationRules: [
    { contactMethodId: 'slack', delayMinutes: 0 },
    { contactMethodId: 'phone', delayMinutes: 5 },
    { contactMethodId: 'call', delayMinutes: 10 },
  ],
};

const KEY = 'abcdefghij0123456789abcdefghij01';
const service = {
  id: 'checkout-api',
  name: 'Checkout API',
  tier: 1,
  teamId: 'payments',
  escalationPolicyId: 'payments-default',
  integrationKeys: [{ source: 'alertmanager', key: KEY }],
  maintenanceWindows: [{ start: '2026-05-01T22:00:00-04:00', end: '2026-05-02T02:00:00-04:00', reason: 'db upgrade' }],
};

describe('schemas name the offending field', () => {
  it.each([
    ['user', UserSchema, user, []],
    [
      'user: bad timezone',
      UserSchema,
      { ...user, timezone: 'America/New_Yrok' },
      ['timezone: must be an IANA time zone such as "America/New_York" or "Europe/Berlin"'],
    ],
    [
      'user: offset is not a zone',
      UserSchema,
      { ...user, timezone: '+05:00' },
      ['timezone: must be an IANA time zone such as "America/New_York" or "Europe/Berlin"'],
    ],
    [
      'user: rule for an unknown contact method',
      UserSchema,
      {
        ...user,
        notificationRules: [{ contactMethodId: 'pager', delayMinutes: 0 }],
      },
      [
        'notificationRules.0.contactMethodId: unknown contact method "pager"; this user has: slack, phone, call, mail, hook',
      ],
    ],
    [
      'user: per-type address checks',
      UserSchema,
      {
        ...user,
        contactMethods: [
          { id: 'a', type: 'sms', address: '555-0100' },
          { id: 'b', type: 'slack', address: '@alice' },
          { id: 'c', type: 'webhook', address: 'ftp://example.com' },
          { id: 'd', type: 'email', address: 'alice' },
          { id: 'e', type: 'pager', address: 'x' },
        ],
        notificationRules: [],
      },
      [
        'contactMethods.0.address: must be an E.164 phone number, e.g. "+15551234567"',
        'contactMethods.1.address: must be a Slack user id such as "U0123ABC"',
        'contactMethods.2.address: must be an http(s) URL',
        'contactMethods.3.address: must be an email address',
        'contactMethods.4.type: type must be one of: email, sms, voice, slack, webhook, teams',
      ],
    ],
    [
      'user: negative delay and a typo',
      UserSchema,
      {
        ...user,
        notificationRules: [{ contactMethodId: 'slack', delayMinutes: -1 }],
        contactMethod: [],
      },
      [
        'notificationRules.0.delayMinutes: must be 0 or more minutes',
        ': unknown field "contactMethod"; allowed: id, name, email, timezone, contactMethods, notificationRules',
      ],
    ],
    [
      'team: duplicate member and bad role',
      TeamSchema,
      {
        id: 'payments',
        name: 'Payments',
        members: [{ userId: 'alice' }, { userId: 'alice', role: 'boss' }],
      },
      ['members.1.role: Invalid option: expected one of "member"|"manager"'],
    ],
    [
      'team: bad id',
      TeamSchema,
      { id: 'Payments Team', name: 'Payments' },
      ['id: must be a slug: 1-63 chars of a-z, 0-9, "-" or "_", starting with a letter or digit'],
    ],
    ['service', ServiceSchema, service, []],
    [
      'service: integration key length and charset',
      ServiceSchema,
      {
        ...service,
        integrationKeys: [
          { source: 'grafana', key: 'short' },
          { source: 'generic', key: KEY.toUpperCase() },
        ],
      },
      [
        'integrationKeys.0.key: must be exactly 32 characters',
        'integrationKeys.1.key: must contain only lowercase letters a-z and digits 0-9',
      ],
    ],
    [
      'service: two keys for one source',
      ServiceSchema,
      {
        ...service,
        integrationKeys: [
          { source: 'grafana', key: KEY },
          { source: 'grafana', key: KEY.replace('a', 'b') },
        ],
      },
      ['integrationKeys.1.source: duplicate integration key source "grafana"'],
    ],
    [
      'service: tier, window order, auto-resolve',
      ServiceSchema,
      {
        ...service,
        tier: 5,
        maintenanceWindows: [{ start: '2026-05-02T00:00:00Z', end: '2026-05-01T00:00:00Z' }],
        autoResolve: { mode: 'after_quiet' },
      },
      [
        'tier: must be 1 (critical) to 4 (low)',
        'maintenanceWindows.0.end: end must be after start',
        'autoResolve.quietMinutes: required when mode is "after_quiet"',
      ],
    ],
    [
      'service: overrides that make ack later than resolve',
      ServiceSchema,
      {
        ...service,
        severityOverrides: { SEV1: { ackWithinMinutes: 300 } },
      },
      ['severityOverrides.SEV1: SEV1: ackWithinMinutes (300) exceeds resolveWithinMinutes (240)'],
    ],
    [
      'service: severity override keys are canonical',
      ServiceSchema,
      {
        ...service,
        severityOverrides: { critical: { ackWithinMinutes: 1 } },
      },
      ['severityOverrides: unknown field "critical"; allowed: SEV1, SEV2, SEV3, SEV4'],
    ],
    [
      'policy: loops out of range, no levels',
      EscalationPolicySchema,
      { id: 'p', name: 'P', levels: [], loops: 10 },
      ['levels: a policy needs at least one level', 'loops: must be 0..9'],
    ],
    [
      'policy: bad target type',
      EscalationPolicySchema,
      {
        id: 'p',
        name: 'P',
        levels: [{ delayMinutes: 5, targets: [{ type: 'group', id: 'x' }] }],
      },
      ['levels.0.targets.0.type: type must be one of: user, schedule, team'],
    ],
  ] as const)('%s', (_name, schema, input, expected) => {
    expect(problems(schema, input)).toEqual(expected);
  });

  it('reports the duplicate member too (once the role is fixed)', () => {
    expect(problems(TeamSchema, { id: 't', name: 'T', members: [{ userId: 'alice' }, { userId: 'alice' }] })).toEqual([
      'members.1.userId: duplicate member "alice"',
    ]);
  });
});

describe('schedule schema', () => {
  const base = { id: 'primary', name: 'Primary', timeZone: 'America/New_York' };
  const layer = { id: 'l', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: ['alice'] };

  it('fills defaults and normalises weekdays and instants', () => {
    const parsed = ScheduleSchema.parse({
      ...base,
      layers: [
        {
          ...layer,
          restrictions: [
            { type: 'weekly', from: { weekday: 'Fri', time: '18:00' }, to: { weekday: 'monday', time: '08:00' } },
          ],
        },
      ],
      overrides: [{ start: '2026-01-06T09:00:00-05:00', end: '2026-01-07T09:00Z', userId: 'bob' }],
    });
    expect(parsed.layers[0]?.rotation.every).toBe(1);
    expect(parsed.layers[0]?.restrictions[0]).toMatchObject({ from: { weekday: 5 }, to: { weekday: 1 } });
    expect(parsed.overrides[0]).toEqual({
      start: '2026-01-06T14:00:00.000Z',
      end: '2026-01-07T09:00:00.000Z',
      userId: 'bob',
    });
  });

  it.each([
    [
      'bad zone',
      { ...base, timeZone: 'EST+5' },
      ['timeZone: must be an IANA time zone such as "America/New_York" or "Europe/Berlin"'],
    ],
    [
      'start with an offset',
      { ...base, layers: [{ ...layer, start: '2026-01-05T09:00Z' }] },
      ['layers.0.start: must be a local date-time without offset, "YYYY-MM-DDTHH:mm", e.g. "2026-01-05T09:00"'],
    ],
    [
      'start on a day that does not exist',
      { ...base, layers: [{ ...layer, start: '2026-02-30T09:00' }] },
      ['layers.0.start: must be a local date-time without offset, "YYYY-MM-DDTHH:mm", e.g. "2026-01-05T09:00"'],
    ],
    [
      'handoff on an hourly rotation',
      { ...base, layers: [{ ...layer, rotation: { type: 'hourly', every: 12 }, handoffTime: '09:00' }] },
      [
        'layers.0.handoffTime: an hourly rotation hands off every N hours from start; handoffTime applies to daily/weekly only',
      ],
    ],
    [
      'bad handoff time, empty participants, zero period',
      {
        ...base,
        layers: [{ ...layer, rotation: { type: 'daily', every: 0 }, handoffTime: '24:00', participants: [] }],
      },
      [
        'layers.0.rotation.every: must be at least 1',
        'layers.0.handoffTime: must be a time of day "HH:mm" (00:00-23:59)',
        'layers.0.participants: a layer needs at least one participant',
      ],
    ],
    [
      'restriction typos',
      {
        ...base,
        layers: [
          {
            ...layer,
            restrictions: [
              { type: 'daily', from: { time: '09:00' }, to: { time: '17:00' }, weekdays: ['funday'] },
              { type: 'weekly', from: { time: '09:00' }, to: { weekday: 5, time: '17:00' } },
              { type: 'monthly', from: { time: '09:00' }, to: { time: '17:00' } },
            ],
          },
        ],
      },
      [
        'layers.0.restrictions.0.weekdays.0: must be a weekday: 1-7 (Monday = 1), "monday" or "mon"',
        'layers.0.restrictions.1.from.weekday: must be a weekday: 1-7 (Monday = 1), "monday" or "mon"',
        'layers.0.restrictions.2.type: type must be "daily" or "weekly"',
      ],
    ],
    ['duplicate layer ids', { ...base, layers: [layer, layer] }, ['layers.1.id: duplicate layer id "l"']],
    [
      'override ends before it starts, and lacks an offset',
      {
        ...base,
        overrides: [
          { start: '2026-01-07T00:00:00Z', end: '2026-01-06T00:00:00Z', userId: 'bob' },
          { start: '2026-01-07T00:00', end: '2026-01-08T00:00:00Z', userId: 'bob' },
          { start: '2026-02-27T00:00:00Z', end: '2026-02-30T00:00:00Z', userId: 'bob' },
        ],
      },
      [
        'overrides.0.end: end must be after start',
        'overrides.1.start: must be an ISO instant with offset or Z, e.g. "2026-03-08T09:00:00-05:00"',
        'overrides.2.end: must be an ISO instant with offset or Z, e.g. "2026-03-08T09:00:00-05:00"',
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(problems(ScheduleSchema, input)).toEqual(expected);
  });
});

describe('inMaintenance', () => {
  const parsed = ServiceSchema.parse(service);

  it('defaults auto-resolve to never', () => {
    expect(parsed.autoResolve).toEqual({ mode: 'never' });
  });

  it.each([
    ['2026-05-02T01:59:59Z', false],
    ['2026-05-02T02:00:00Z', true], // 22:00 EDT, start inclusive
    ['2026-05-02T05:59:59.999Z', true],
    ['2026-05-02T06:00:00Z', false], // end exclusive
  ])('%s -> %s', (instant, expected) => {
    expect(inMaintenance(parsed, instant)).toBe(expected);
    expect(inMaintenance(parsed, new Date(instant))).toBe(expected);
  });

  it('returns the window, so the reason can be shown', () => {
    expect(maintenanceWindowAt(parsed, '2026-05-02T03:00:00Z')?.reason).toBe('db upgrade');
  });
});
