import { describe, expect, it } from 'vitest';
import { onCallAt, shifts } from '../../domain/oncall/oncall';
import { ScheduleSchema, type Schedule } from '../../domain/oncall/schedule';

type LayerInput = {
  start: string;
  rotation: { type: string; every?: number };
  handoffTime?: string;
  participants?: string[];
};

function single(timeZone: string, layer: LayerInput): Schedule {
  return ScheduleSchema.parse({
    id: 's',
    name: 'S',
    timeZone,
    layers: [{ id: 'l', participants: ['a', 'b', 'c'], ...layer }],
  });
}

const HOUR = 3_600_000;
const hours = (s: { start: string; end: string }): number => (Date.parse(s.end) - Date.parse(s.start)) / HOUR;

// Each case: a schedule, then [instant, expected user or null] around a DST change.
// Instants are UTC; comments give the local wall clock.
const cases: Array<{ name: string; schedule: Schedule; at: Array<[string, string | null]> }> = [
  {
    name: 'New York weekly 09:00, spring forward (Mar 8) and fall back (Nov 1)',
    schedule: single('America/New_York', { start: '2026-03-02T09:00', rotation: { type: 'weekly' } }),
    at: [
      ['2026-03-02T13:59:59Z', null], // 08:59:59 EST, before the layer starts
      ['2026-03-02T14:00:00Z', 'a'], // 09:00 EST
      ['2026-03-09T12:59:59Z', 'a'], // 08:59:59 EDT
      ['2026-03-09T13:00:00Z', 'b'], // 09:00 EDT (a fixed-UTC rotation would wait until 14:00Z)
      ['2026-10-26T12:59:59Z', 'a'], // week 33
      ['2026-10-26T13:00:00Z', 'b'], // 09:00 EDT
      ['2026-11-02T13:59:59Z', 'b'], // 08:59:59 EST
      ['2026-11-02T14:00:00Z', 'c'], // 09:00 EST
      ['2028-03-06T13:59:59Z', 'c'], // two years on (week 104), still 09:00 local
      ['2028-03-06T14:00:00Z', 'a'], // week 105
    ],
  },
  {
    name: 'New York daily 02:30, handoff in the spring-forward gap moves to 03:00 EDT',
    schedule: single('America/New_York', {
      start: '2026-03-01T02:30',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-08T06:59:59Z', 'a'], // 01:59:59 EST
      ['2026-03-08T07:00:00Z', 'b'], // 03:00 EDT, first valid instant after 02:30
      ['2026-03-09T06:29:59Z', 'b'], // 02:29:59 EDT
      ['2026-03-09T06:30:00Z', 'a'], // 02:30 EDT
    ],
  },
  {
    name: 'New York daily 01:30, ambiguous handoff takes the first occurrence',
    schedule: single('America/New_York', {
      start: '2026-10-25T01:30',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-11-01T05:29:59Z', 'a'], // 01:29:59 EDT
      ['2026-11-01T05:30:00Z', 'b'], // 01:30 EDT (first occurrence)
      ['2026-11-01T06:30:00Z', 'b'], // 01:30 EST (second occurrence): no second handoff
      ['2026-11-02T06:29:59Z', 'b'],
      ['2026-11-02T06:30:00Z', 'a'], // 01:30 EST
    ],
  },
  {
    name: 'New York 12-hour rotation counts real hours across spring forward',
    schedule: single('America/New_York', {
      start: '2026-03-07T20:00',
      rotation: { type: 'hourly', every: 12 },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-08T00:59:59Z', null],
      ['2026-03-08T01:00:00Z', 'a'], // 20:00 EST
      ['2026-03-08T12:59:59Z', 'a'], // 08:59:59 EDT: 12 real hours are not up at 08:00 local
      ['2026-03-08T13:00:00Z', 'b'], // 09:00 EDT
      ['2026-03-09T00:59:59Z', 'b'],
      ['2026-03-09T01:00:00Z', 'a'], // 21:00 EDT
    ],
  },
  {
    name: 'New York 12-hour rotation across fall back',
    schedule: single('America/New_York', {
      start: '2026-10-31T20:00',
      rotation: { type: 'hourly', every: 12 },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-11-01T11:59:59Z', 'a'], // 06:59:59 EST
      ['2026-11-01T12:00:00Z', 'b'], // 07:00 EST
      ['2026-11-02T00:00:00Z', 'a'], // 19:00 EST
    ],
  },
  {
    name: 'London daily 01:30: gap on Mar 29, overlap on Oct 25',
    schedule: single('Europe/London', {
      start: '2026-03-22T01:30',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-29T00:59:59Z', 'a'], // 00:59:59 GMT
      ['2026-03-29T01:00:00Z', 'b'], // 02:00 BST, first valid instant after 01:30
      ['2026-03-30T00:29:59Z', 'b'],
      ['2026-03-30T00:30:00Z', 'a'], // 01:30 BST
      // 210 days after Mar 22 is Oct 18 (even -> a); Oct 25 is day 217 (odd -> b).
      ['2026-10-25T00:29:59Z', 'a'],
      ['2026-10-25T00:30:00Z', 'b'], // 01:30 BST, first occurrence
      ['2026-10-25T01:30:00Z', 'b'], // 01:30 GMT, second occurrence
      ['2026-10-26T01:29:59Z', 'b'],
      ['2026-10-26T01:30:00Z', 'a'],
    ],
  },
  {
    name: 'Berlin weekly 09:00 (167 h across spring forward) and daily 02:30 gap',
    schedule: single('Europe/Berlin', {
      start: '2026-03-23T09:00',
      rotation: { type: 'weekly' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-23T07:59:59Z', null],
      ['2026-03-23T08:00:00Z', 'a'], // 09:00 CET
      ['2026-03-30T06:59:59Z', 'a'],
      ['2026-03-30T07:00:00Z', 'b'], // 09:00 CEST
      ['2026-10-26T07:59:59Z', 'a'], // week 31 ends 09:00 CET
      ['2026-10-26T08:00:00Z', 'b'],
    ],
  },
  {
    name: 'Berlin daily 02:30 in the gap and in the overlap',
    schedule: single('Europe/Berlin', {
      start: '2026-03-22T02:30',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-29T00:59:59Z', 'a'], // 01:59:59 CET
      ['2026-03-29T01:00:00Z', 'b'], // 03:00 CEST
      ['2026-10-25T00:29:59Z', 'a'], // day 217 starts at 02:30 CEST
      ['2026-10-25T00:30:00Z', 'b'],
      ['2026-10-25T01:30:00Z', 'b'], // 02:30 CET, second occurrence
    ],
  },
  {
    name: 'Sydney weekly 09:00: 169 h across April fall back, 167 h across October spring forward',
    schedule: single('Australia/Sydney', {
      start: '2026-03-30T09:00',
      rotation: { type: 'weekly' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-29T21:59:59Z', null],
      ['2026-03-29T22:00:00Z', 'a'], // Mon 09:00 AEDT
      ['2026-04-05T22:59:59Z', 'a'],
      ['2026-04-05T23:00:00Z', 'b'], // Mon 09:00 AEST
      ['2026-09-27T22:59:59Z', 'b'], // week 25
      ['2026-09-27T23:00:00Z', 'a'], // week 26 starts Mon Sep 28 09:00 AEST
      ['2026-10-04T21:59:59Z', 'a'],
      ['2026-10-04T22:00:00Z', 'b'], // Mon Oct 5 09:00 AEDT
    ],
  },
  {
    name: 'Sydney daily 02:30: first occurrence in April, gap in October',
    schedule: single('Australia/Sydney', {
      start: '2026-03-29T02:30',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-04-04T15:29:59Z', 'a'],
      ['2026-04-04T15:30:00Z', 'b'], // 02:30 AEDT
      ['2026-04-04T16:30:00Z', 'b'], // 02:30 AEST again
      // Oct 4 is day 189 (odd -> b); 02:30 does not exist, so 03:00 AEDT
      ['2026-10-03T15:59:59Z', 'a'],
      ['2026-10-03T16:00:00Z', 'b'],
    ],
  },
  {
    name: 'Kolkata daily 09:00 has no DST: always 03:30Z',
    schedule: single('Asia/Kolkata', {
      start: '2026-03-01T09:00',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-03-08T03:29:59Z', 'a'],
      ['2026-03-08T03:30:00Z', 'b'],
      ['2026-11-01T03:29:59Z', 'a'], // day 245
      ['2026-11-01T03:30:00Z', 'b'],
    ],
  },
  {
    name: 'Chatham (+12:45/+13:45) daily 03:00: overlap in April, gap in September',
    schedule: single('Pacific/Chatham', {
      start: '2026-03-29T03:00',
      rotation: { type: 'daily' },
      participants: ['a', 'b'],
    }),
    at: [
      ['2026-04-04T13:14:59Z', 'a'],
      ['2026-04-04T13:15:00Z', 'b'], // 03:00 +13:45 (first occurrence)
      ['2026-04-04T14:15:00Z', 'b'], // 03:00 +12:45 (second occurrence)
      // Sep 27 is day 182 (even -> a); 02:45 jumps to 03:45, so 03:00 hands off at 03:45
      ['2026-09-26T13:59:59Z', 'b'],
      ['2026-09-26T14:00:00Z', 'a'],
      ['2026-09-27T13:14:59Z', 'a'],
      ['2026-09-27T13:15:00Z', 'b'], // 03:00 +13:45
    ],
  },
];

describe('onCallAt across DST', () => {
  for (const c of cases) {
    it.each(c.at)(`${c.name}: %s -> %s`, (instant, expected) => {
      expect(onCallAt(c.schedule, instant).userIds).toEqual(expected === null ? [] : [expected]);
    });
  }
});

describe('shift lengths across DST', () => {
  it.each([
    ['America/New_York', '2026-03-02T09:00', '2026-03-01T00:00:00Z', 167],
    ['America/New_York', '2026-10-26T09:00', '2026-10-25T00:00:00Z', 169],
    ['Europe/Berlin', '2026-03-23T09:00', '2026-03-22T00:00:00Z', 167],
    ['Europe/London', '2026-10-19T09:00', '2026-10-18T00:00:00Z', 169],
    ['Australia/Sydney', '2026-03-30T09:00', '2026-03-29T00:00:00Z', 169],
    ['Australia/Sydney', '2026-09-28T09:00', '2026-09-27T00:00:00Z', 167],
    ['Asia/Kolkata', '2026-03-02T09:00', '2026-03-01T00:00:00Z', 168],
    ['Pacific/Chatham', '2026-03-30T09:00', '2026-03-29T00:00:00Z', 169],
  ])('%s weekly from %s: first shift lasts %i h', (zone, start, from, expected) => {
    const schedule = single(zone, { start, rotation: { type: 'weekly' } });
    const [first, second] = shifts(schedule, from, new Date(Date.parse(from) + 30 * 24 * HOUR));
    expect(first && hours(first)).toBe(expected);
    expect(second && hours(second)).toBe(168);
  });
});
