/**
 * Readiness (domain/oncall/readiness.ts): which users cannot be reached with the channels
 * configured, which escalation levels page nobody at some moment of the next 14 days, and
 * which services have no policy. Table-driven over small configurations.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { createLogger } from '../../lib/logger';
import { memoryAuditLog } from '../helpers/memory-stores';
import { ServiceSchema, TeamSchema, UserSchema } from '../../domain/config';
import { EscalationPolicySchema, ScheduleSchema } from '../../domain/oncall';
import { readinessWarnings, type ChannelAvailability } from '../../domain/oncall/readiness';
import { channelAvailability } from '../../lib/channels';

const NOW = '2026-03-02T12:00:00Z'; // a Monday
const ALL: ChannelAvailability = channelAvailability({
  VIGIL_SMTP_URL: 'smtp://localhost',
  VIGIL_TWILIO_ACCOUNT_SID: 'AC1',
  VIGIL_TWILIO_AUTH_TOKEN: 'secret-token',
  VIGIL_TWILIO_FROM: '+15550001111',
  VIGIL_SLACK_BOT_TOKEN: 'xoxb-1',
  VIGIL_WEBHOOK_SIGNING_SECRET: 'whsec-0123456789abcdef',
});
const NONE = channelAvailability({});

const user = (id: string, methods: Array<[string, string, string]>, rules: string[] = methods.map((m) => m[0])) =>
  UserSchema.parse({
    id,
    name: id,
    email: `${id}@example.com`,
    timezone: 'UTC',
    contactMethods: methods.map(([mid, type, address]) => ({ id: mid, type, address })),
    notificationRules: rules.map((contactMethodId) => ({ contactMethodId, delayMinutes: 0 })),
  });
const schedule = (id: string, layer: object) =>
  ScheduleSchema.parse({
    id,
    name: id,
    timeZone: 'UTC',
    layers: [{ id: 'l', rotation: { type: 'weekly' }, ...layer }],
  });
const policy = (id: string, ...levels: Array<Array<[string, string]>>) =>
  EscalationPolicySchema.parse({
    id,
    name: id,
    levels: levels.map((targets) => ({ delayMinutes: 5, targets: targets.map(([type, tid]) => ({ type, id: tid })) })),
  });

const ola = user('ola', [['mail', 'email', 'ola@example.com']]);
const kim = user('kim', [['phone', 'sms', '+15551234567']]);
const base = {
  users: [ola, kim],
  teams: [
    TeamSchema.parse({ id: 'ops', name: 'Ops', members: [{ userId: 'ola' }] }),
    TeamSchema.parse({ id: 'empty', name: 'Empty' }),
    TeamSchema.parse({ id: 'ghosts', name: 'Ghosts', members: [{ userId: 'gone' }] }),
  ],
  schedules: [
    schedule('always', { start: '2026-01-05T09:00', participants: ['ola', 'kim'] }),
    // Weekdays 09:00-17:00 only: nights and the weekend are gaps.
    schedule('office', {
      start: '2026-01-05T09:00',
      participants: ['ola'],
      restrictions: [{ type: 'daily', from: { time: '09:00' }, to: { time: '17:00' }, weekdays: [1, 2, 3, 4, 5] }],
    }),
    schedule('later', { start: '2026-03-09T12:00', participants: ['ola'] }),
    schedule('with-ghost', { start: '2026-03-02T00:00', participants: ['gone', 'ola'] }),
  ],
  escalationPolicies: [] as ReturnType<typeof policy>[],
  services: [] as ReturnType<typeof ServiceSchema.parse>[],
};
const service = (id: string, escalationPolicyId: string) =>
  ServiceSchema.parse({ id, name: id, tier: 1, teamId: 'ops', escalationPolicyId });

describe('users', () => {
  it.each([
    ['a deliverable rule', ola, ALL, undefined],
    ['no rules at all', user('x', [['mail', 'email', 'x@example.com']], []), ALL, 'has no notification rules'],
    [
      'rules on undeliverable channels only, each named with its reason',
      user('x', [
        ['phone', 'sms', '+15551234567'],
        ['mail', 'email', 'x@example.com'],
      ]),
      NONE,
      'no contact method of the notification rules can be delivered with this configuration (sms: VIGIL_TWILIO_ACCOUNT_SID, VIGIL_TWILIO_AUTH_TOKEN and VIGIL_TWILIO_FROM are not all set; email: VIGIL_SMTP_URL is not set)',
    ],
    [
      'a deliverable method the rules do not use does not count',
      user(
        'x',
        [
          ['phone', 'sms', '+15551234567'],
          ['t', 'teams', 'https://teams.example.com/hook'],
        ],
        ['phone'],
      ),
      NONE,
      'no contact method of the notification rules',
    ],
    ['teams needs no configuration', user('x', [['t', 'teams', 'https://teams.example.com/hook']]), NONE, undefined],
  ])('%s', (_name, u, channels, message) => {
    const warnings = readinessWarnings({ ...base, users: [u] }, { channels, now: NOW });
    if (message === undefined) expect(warnings).toEqual([]);
    else
      expect(warnings).toEqual([
        { kind: 'user', id: u.id, path: 'notificationRules', message: expect.stringContaining(message) },
      ]);
  });
});

describe('escalation levels over the next 14 days', () => {
  const levelsOf = (...targets: Array<Array<[string, string]>>) =>
    readinessWarnings({ ...base, escalationPolicies: [policy('p', ...targets)] }, { channels: ALL, now: NOW }).filter(
      (w) => w.kind === 'escalationPolicy',
    );

  it.each<[string, Array<[string, string]>, string | undefined]>([
    ['a round-the-clock schedule', [['schedule', 'always']], undefined],
    ['a user', [['user', 'kim']], undefined],
    ['a team with a member', [['team', 'ops']], undefined],
    [
      'office hours backed by a user',
      [
        ['schedule', 'office'],
        ['user', 'kim'],
      ],
      undefined,
    ],
    [
      'office hours alone: nights and weekends',
      [['schedule', 'office']],
      // Mon 17:00 to Tue 09:00 first; 10 weekday nights + 2 weekends (one from Fri 17:00 to Mon 09:00) in 14 days.
      'pages nobody for 10 stretches in the next 14 days (256 h in all), the first from 2026-03-02T17:00:00.000Z to 2026-03-03T09:00:00.000Z',
    ],
    [
      'a team without members',
      [['team', 'empty']],
      'pages nobody for 1 stretch in the next 14 days (336 h in all), the first from 2026-03-02T12:00:00.000Z to 2026-03-16T12:00:00.000Z',
    ],
    ['a team of unknown users', [['team', 'ghosts']], 'for 1 stretch'],
    [
      'an unknown user or schedule',
      [
        ['user', 'nobody'],
        ['schedule', 'nope'],
      ],
      'for 1 stretch',
    ],
    [
      'a schedule that starts in a week',
      [['schedule', 'later']],
      'the first from 2026-03-02T12:00:00.000Z to 2026-03-09T12:00:00.000Z',
    ],
    [
      'a schedule whose first week is an unknown user',
      [['schedule', 'with-ghost']],
      'the first from 2026-03-02T12:00:00.000Z to 2026-03-09T00:00:00.000Z',
    ],
  ])('%s', (_name, targets, message) => {
    const warnings = levelsOf([['schedule', 'always']], targets);
    if (message === undefined) expect(warnings).toEqual([]);
    else {
      expect(warnings).toEqual([
        { kind: 'escalationPolicy', id: 'p', path: 'levels[1].targets', message: expect.stringContaining(message) },
      ]);
      expect(warnings[0]?.message).toMatch(/^level 2 pages nobody/);
    }
  });

  it('counts office-hours gaps exactly', () => {
    const [w] = levelsOf([['schedule', 'office']]);
    // 14 days from Monday noon: gaps are every weekday 17:00-09:00 (16 h) and weekends, merged per night.
    expect(w?.message).toContain('10 stretches');
    expect(w?.message).toContain('(256 h in all)');
  });
});

describe('services', () => {
  it('warns about a service whose policy does not exist', () => {
    const warnings = readinessWarnings(
      {
        ...base,
        escalationPolicies: [policy('p', [['user', 'ola']])],
        services: [service('web', 'p'), service('db', 'gone')],
      },
      { channels: ALL, now: NOW },
    );
    expect(warnings).toEqual([
      {
        kind: 'service',
        id: 'db',
        path: 'escalationPolicyId',
        message: 'escalation policy "gone" does not exist: an incident of this service pages nobody',
      },
    ]);
  });
});

describe('GET /api/v1/readiness', () => {
  const ADMIN = 'admin-token-0123456789abcdef';
  const RESPONDER = 'responder-token-0123456789abcdef';
  const lists: Record<string, unknown[]> = {
    user: [ola, kim],
    team: base.teams,
    schedule: base.schedules,
    escalationPolicy: [policy('p', [['schedule', 'office']])],
    service: [service('web', 'p'), service('db', 'gone')],
  };
  const app = createApp({
    log: createLogger({ level: 'silent', name: 'test' }),
    audit: memoryAuditLog(),
    credentials: {
      ingestKeys: [],
      responderTokens: [{ name: 'bot', secret: RESPONDER }],
      adminTokens: [{ name: 'root', secret: ADMIN }],
    },
    config: { list: async (kind: string) => (lists[kind] ?? []).map((data) => ({ data })) },
    channels: channelAvailability({ VIGIL_SMTP_URL: 'smtp://localhost' }),
  } as unknown as AppDeps);
  const get = (query: string, token = ADMIN) =>
    request(app).get(`/api/v1/readiness${query}`).set('authorization', `Bearer ${token}`);

  it('reports the channels and every warning as of `at`', async () => {
    const res = await get(`?at=${encodeURIComponent('2026-03-02T12:00:00Z')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ at: '2026-03-02T12:00:00.000Z', horizonDays: 14 });
    expect(res.body.channels.email).toEqual({ deliverable: true });
    expect(res.body.channels.sms).toMatchObject({ deliverable: false, why: expect.stringContaining('VIGIL_TWILIO') });
    expect(res.body.warnings.map((w: { kind: string; id: string }) => `${w.kind}:${w.id}`)).toEqual([
      'user:kim',
      'escalationPolicy:p',
      'service:db',
    ]);
  });

  it('is for admins, and names a bad query field', async () => {
    expect((await get('', RESPONDER)).status).toBe(403);
    const bad = await get('?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('at');
    expect((await get('?when=now')).status).toBe(400);
  });
});
