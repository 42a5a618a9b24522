import { describe, expect, it } from 'vitest';
import { evenness, mergeSpans, onCallHealth, type HealthPage } from '../../domain/report/oncall-health';
import { isNight, isWorkingHours, localMoment } from '../../domain/report/hours';
import { onCallHealthCsv } from '../../domain/report/csv';

const ms = (iso: string) => Date.parse(iso);

describe('working hours and night on the person\u2019s own clock', () => {
  it.each([
    // instant, zone, working hours, night
    ['2026-03-02T08:30:00Z', 'Europe/Berlin', true, false], // Mon 09:30
    ['2026-03-03T21:30:00Z', 'Europe/Berlin', false, true], // Tue 22:30
    ['2026-03-07T10:00:00Z', 'Europe/Berlin', false, false], // Sat 11:00
    ['2026-03-09T05:59:00Z', 'Europe/Berlin', false, true], // Mon 06:59
    ['2026-03-09T06:00:00Z', 'Europe/Berlin', false, false], // Mon 07:00: night is over, work not begun
    ['2026-03-06T16:59:00Z', 'Europe/Berlin', true, false], // Fri 17:59
    ['2026-03-06T17:00:00Z', 'Europe/Berlin', false, false], // Fri 18:00
    ['2026-03-02T13:30:00Z', 'America/New_York', false, false], // Mon 08:30 EST (UTC-5)
    ['2026-03-09T13:30:00Z', 'America/New_York', true, false], // Mon 09:30 EDT (UTC-4), after the DST change
    ['2026-03-04T23:00:00Z', 'UTC', false, true],
  ])('%s in %s: working %s, night %s', (at, zone, working, night) => {
    const local = localMoment(ms(at), zone);
    expect(isWorkingHours(local)).toBe(working);
    expect(isNight(local)).toBe(night);
  });
});

const page = (userId: string, at: string, ackAfterSeconds?: number): HealthPage => ({
  userId,
  at: ms(at),
  ...(ackAfterSeconds === undefined ? {} : { acknowledgedAt: ms(at) + ackAfterSeconds * 1000 }),
});

const PAGES = [
  page('alice', '2026-03-02T08:30:00Z', 120),
  page('alice', '2026-03-03T21:30:00Z', 300),
  page('alice', '2026-03-07T10:00:00Z'),
  page('alice', '2026-03-09T05:59:00Z', 60),
  page('bob', '2026-03-02T13:30:00Z', 600),
  page('bob', '2026-03-09T13:30:00Z', 30),
  page('carol', '2026-03-04T23:00:00Z', 90),
  page('carol', '2026-03-20T12:00:00Z', 10), // after the range
];
const span = (userId: string, start: string, end: string) => ({ userId, start: ms(start), end: ms(end) });
const SHIFTS = [
  span('alice', '2026-03-02T09:00:00Z', '2026-03-04T09:00:00Z'),
  span('alice', '2026-03-04T09:00:00Z', '2026-03-05T09:00:00Z'), // another schedule, touching: one stretch
  span('alice', '2026-03-04T21:00:00Z', '2026-03-05T03:00:00Z'), // overlapping: still one stretch
  span('bob', '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'), // across the week boundary
  span('carol', '2026-03-01T00:00:00Z', '2026-03-02T12:00:00Z'), // begins before the range
];
const report = onCallHealth({
  from: ms('2026-03-02T00:00:00Z'),
  to: ms('2026-03-16T00:00:00Z'),
  pages: PAGES,
  timeZones: new Map([
    ['alice', 'Europe/Berlin'],
    ['bob', 'America/New_York'],
  ]),
  shifts: SHIFTS,
  rotations: [
    { id: 'primary', memberIds: ['alice', 'bob', 'carol'] },
    { id: 'db', memberIds: ['alice', 'dave'] },
  ],
});
const row = (userId: string, week: string) => report.people.find((p) => p.userId === userId && p.week === week);

describe('on-call health per person and week', () => {
  it('lists a row per person and UTC week with pages or on-call time', () => {
    expect(report.people.map((p) => `${p.week} ${p.userId}`)).toEqual([
      '2026-03-02 alice',
      '2026-03-02 bob',
      '2026-03-02 carol',
      '2026-03-09 alice',
      '2026-03-09 bob',
    ]);
  });

  it.each([
    ['alice', '2026-03-02', { pages: 3, offHoursPages: 2, nightPages: 1, unacknowledgedPages: 1 }],
    ['bob', '2026-03-02', { pages: 1, offHoursPages: 1, nightPages: 0, unacknowledgedPages: 0 }],
    ['carol', '2026-03-02', { pages: 1, offHoursPages: 1, nightPages: 1, timeZone: 'UTC' }],
    ['alice', '2026-03-09', { pages: 1, offHoursPages: 1, nightPages: 1 }],
    ['bob', '2026-03-09', { pages: 1, offHoursPages: 0, nightPages: 0 }],
  ])('%s in the week of %s', (userId, week, expected) => {
    expect(row(userId, week)).toMatchObject(expected);
  });

  it('summarises time to acknowledge over answered pages', () => {
    expect(row('alice', '2026-03-02')?.timeToAcknowledgeSeconds).toEqual({
      count: 2,
      mean: 210,
      p50: 120,
      p90: 300,
      p99: 300,
    });
    expect(row('bob', '2026-03-09')?.timeToAcknowledgeSeconds?.p50).toBe(30);
  });

  it.each([
    ['alice', '2026-03-02', 72, 72],
    ['bob', '2026-03-02', 72, 96], // 96 h stretch, 72 h of it in this week
    ['bob', '2026-03-09', 24, 96],
    ['carol', '2026-03-02', 12, 12], // clipped to the range
    ['alice', '2026-03-09', 0, 0],
  ])('%s in the week of %s: %d h on call, longest stretch %d h', (userId, week, onCall, longest) => {
    expect(row(userId, week)).toMatchObject({ onCallHours: onCall, longestStretchHours: longest });
  });

  it('measures how evenly a rotation spreads pages and on-call hours', () => {
    expect(report.rotations[0]).toEqual({
      rotationId: 'primary',
      members: [
        { userId: 'alice', pages: 4, onCallHours: 72 },
        { userId: 'bob', pages: 2, onCallHours: 96 },
        { userId: 'carol', pages: 1, onCallHours: 12 },
      ],
      pages: { min: 1, max: 4, maxMinRatio: 4, coefficientOfVariation: 0.5345 },
      onCallHours: { min: 12, max: 96, maxMinRatio: 8, coefficientOfVariation: 0.5888 },
    });
    // A member with no pages makes max/min undefined (null); the coefficient of variation still says how uneven.
    expect(report.rotations[1]?.pages).toEqual({ min: 0, max: 4, maxMinRatio: null, coefficientOfVariation: 1 });
    expect(evenness([])).toEqual({ min: 0, max: 0, maxMinRatio: null, coefficientOfVariation: null });
  });

  it('answers an empty range with no rows and zero loads', () => {
    const empty = onCallHealth({
      from: ms('2026-04-01T00:00:00Z'),
      to: ms('2026-04-08T00:00:00Z'),
      pages: PAGES,
      timeZones: new Map(),
      shifts: SHIFTS,
      rotations: [{ id: 'primary', memberIds: ['alice'] }],
    });
    expect(empty.people).toEqual([]);
    expect(empty.rotations[0]?.members).toEqual([{ userId: 'alice', pages: 0, onCallHours: 0 }]);
  });

  it('merges touching and overlapping spans per person', () => {
    expect(mergeSpans(SHIFTS, ms('2026-03-02T00:00:00Z'), ms('2026-03-16T00:00:00Z'))).toEqual([
      span('alice', '2026-03-02T09:00:00Z', '2026-03-05T09:00:00Z'),
      span('bob', '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'),
      span('carol', '2026-03-02T00:00:00Z', '2026-03-02T12:00:00Z'),
    ]);
  });

  it('writes one CSV row per person and week', () => {
    const lines = onCallHealthCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'user,week,time_zone,pages,off_hours_pages,night_pages,unacknowledged_pages,' +
        'time_to_acknowledge_mean_seconds,time_to_acknowledge_p50_seconds,time_to_acknowledge_p90_seconds,' +
        'time_to_acknowledge_p99_seconds,on_call_hours,longest_stretch_hours',
    );
    expect(lines[1]).toBe('alice,2026-03-02,Europe/Berlin,3,2,1,1,210,120,300,300,72,72');
    expect(lines).toHaveLength(6);
  });
});
