import { IANAZone } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onCallAt, shifts } from '../../domain/oncall/oncall';
import { ScheduleSchema } from '../../domain/oncall/schedule';

// Business hours on top of a 24/7 weekly rotation, a weekend layer above both.
const layered = ScheduleSchema.parse({
  id: 'platform',
  name: 'Platform',
  timeZone: 'America/New_York',
  layers: [
    { id: 'always', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: ['night1', 'night2'] },
    {
      id: 'business',
      start: '2026-01-05T09:00',
      rotation: { type: 'daily' },
      participants: ['day1', 'day2'],
      restrictions: [
        {
          type: 'daily',
          from: { time: '09:00' },
          to: { time: '17:00' },
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
        },
      ],
    },
    {
      id: 'weekend',
      start: '2026-01-05T00:00',
      rotation: { type: 'weekly' },
      participants: ['weekend1'],
      restrictions: [{ type: 'weekly', from: { weekday: 'fri', time: '18:00' }, to: { weekday: 1, time: '08:00' } }],
    },
  ],
});

describe('restrictions let a lower layer show through', () => {
  // "always": week k from Jan 5 alternates night1/night2 (Mar 9 09:00 starts week 9);
  // "business": day k from Jan 5 alternates day1/day2 (Mar 6 is day 60, Mar 9 day 63).
  it.each([
    ['2026-03-06T21:59:59Z', 'day1', 'business'], // Fri 16:59:59 EST
    ['2026-03-06T22:30:00Z', 'night1', 'always'], // Fri 17:30 EST
    ['2026-03-06T23:00:00Z', 'weekend1', 'weekend'], // Fri 18:00 EST
    ['2026-03-08T12:00:00Z', 'weekend1', 'weekend'], // Sun 08:00 EDT, the morning after spring forward
    ['2026-03-09T11:59:59Z', 'weekend1', 'weekend'], // Mon 07:59:59 EDT
    ['2026-03-09T12:00:00Z', 'night1', 'always'], // Mon 08:00 EDT
    ['2026-03-09T12:59:59Z', 'night1', 'always'], // Mon 08:59:59 EDT
    ['2026-03-09T13:00:00Z', 'day2', 'business'], // Mon 09:00 EDT
    ['2026-03-09T20:59:59Z', 'day2', 'business'], // Mon 16:59:59 EDT
    ['2026-03-09T21:00:00Z', 'night2', 'always'], // Mon 17:00 EDT: window ends are exclusive
  ])('%s -> %s (layer %s)', (instant, user, layerId) => {
    const result = onCallAt(layered, instant);
    expect(result.userIds).toEqual([user]);
    expect(result.layerId).toBe(layerId);
    expect(result.overrideApplied).toBe(false);
  });

  it('a restricted layer alone leaves nobody on call outside its windows', () => {
    const onlyBusiness = { ...layered, layers: layered.layers.filter((l) => l.id === 'business') };
    expect(onCallAt(onlyBusiness, '2026-03-07T15:00:00Z').userIds).toEqual([]); // Saturday
    expect(shifts(onlyBusiness, '2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      {
        userId: 'day2',
        start: '2026-03-09T13:00:00.000Z',
        end: '2026-03-09T21:00:00.000Z',
        layerId: 'business',
        override: false,
      },
    ]);
  });

  it('a window running past midnight covers the night, DST included', () => {
    const nights = ScheduleSchema.parse({
      id: 'n',
      name: 'N',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          id: 'night',
          start: '2026-01-01T00:00',
          rotation: { type: 'weekly' },
          participants: ['owl'],
          restrictions: [{ type: 'daily', from: { time: '22:00' }, to: { time: '06:00' } }],
        },
      ],
    });
    expect(shifts(nights, '2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z')).toEqual([
      // Sat 22:00 CET .. Sun 06:00 CEST: 7 real hours on the spring-forward night
      {
        userId: 'owl',
        start: '2026-03-28T21:00:00.000Z',
        end: '2026-03-29T04:00:00.000Z',
        layerId: 'night',
        override: false,
      },
    ]);
  });
});

const primary = ScheduleSchema.parse({
  id: 'primary',
  name: 'Primary',
  timeZone: 'America/New_York',
  layers: [
    { id: 'weekly', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: ['alice', 'bob', 'carol'] },
  ],
});

describe('overrides win over layers', () => {
  const withOverrides = (base: object, overrides: object[]) => ScheduleSchema.parse({ ...base, overrides });
  // alice: Jan 5-12, bob: Jan 12-19 (handoff 09:00 EST = 14:00Z)

  it('replaces a specific user only while that user is on call', () => {
    const s = withOverrides(primary, [
      { start: '2026-01-11T00:00:00Z', end: '2026-01-13T00:00:00Z', userId: 'dave', replacesUserId: 'alice' },
    ]);
    expect(onCallAt(s, '2026-01-11T12:00:00Z')).toEqual({
      userIds: ['dave'],
      layerId: 'weekly',
      scheduledUserId: 'alice',
      overrideApplied: true,
      overrideIndex: 0,
    });
    expect(onCallAt(s, '2026-01-12T15:00:00Z')).toEqual({
      userIds: ['bob'],
      layerId: 'weekly',
      scheduledUserId: 'bob',
      overrideApplied: false,
    });
    expect(shifts(s, '2026-01-10T00:00:00Z', '2026-01-14T00:00:00Z')).toEqual([
      {
        userId: 'alice',
        start: '2026-01-10T00:00:00.000Z',
        end: '2026-01-11T00:00:00.000Z',
        layerId: 'weekly',
        override: false,
      },
      {
        userId: 'dave',
        start: '2026-01-11T00:00:00.000Z',
        end: '2026-01-12T14:00:00.000Z',
        layerId: 'weekly',
        override: true,
      },
      {
        userId: 'bob',
        start: '2026-01-12T14:00:00.000Z',
        end: '2026-01-14T00:00:00.000Z',
        layerId: 'weekly',
        override: false,
      },
    ]);
  });

  it('without replacesUserId replaces whoever is on call, across a handoff', () => {
    const s = withOverrides(primary, [
      { start: '2026-01-12T08:00:00-05:00', end: '2026-01-12T20:00:00Z', userId: 'dave' },
    ]);
    expect(shifts(s, '2026-01-12T00:00:00Z', '2026-01-13T00:00:00Z')).toEqual([
      {
        userId: 'alice',
        start: '2026-01-12T00:00:00.000Z',
        end: '2026-01-12T13:00:00.000Z',
        layerId: 'weekly',
        override: false,
      },
      {
        userId: 'dave',
        start: '2026-01-12T13:00:00.000Z',
        end: '2026-01-12T20:00:00.000Z',
        layerId: 'weekly',
        override: true,
      },
      {
        userId: 'bob',
        start: '2026-01-12T20:00:00.000Z',
        end: '2026-01-13T00:00:00.000Z',
        layerId: 'weekly',
        override: false,
      },
    ]);
  });

  it('ignores an override for someone who is not on call', () => {
    const s = withOverrides(primary, [
      { start: '2026-01-06T00:00:00Z', end: '2026-01-07T00:00:00Z', userId: 'dave', replacesUserId: 'carol' },
    ]);
    expect(onCallAt(s, '2026-01-06T12:00:00Z')).toMatchObject({ userIds: ['alice'], overrideApplied: false });
  });

  it('covers when nobody is scheduled (before the layer starts)', () => {
    const s = withOverrides(primary, [{ start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z', userId: 'dave' }]);
    expect(onCallAt(s, '2026-01-01T12:00:00Z')).toEqual({ userIds: ['dave'], overrideApplied: true, overrideIndex: 0 });
    expect(onCallAt(s, '2026-01-02T12:00:00Z')).toEqual({ userIds: [], overrideApplied: false });
  });

  it('beats every layer, including a restricted top layer', () => {
    const s = withOverrides(layered, [{ start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z', userId: 'dave' }]);
    for (const t of ['2026-03-09T11:00:00Z', '2026-03-09T12:30:00Z', '2026-03-09T15:00:00Z', '2026-03-09T22:00:00Z']) {
      expect(onCallAt(s, t).userIds).toEqual(['dave']);
    }
    expect(onCallAt(s, '2026-03-09T15:00:00Z')).toMatchObject({ layerId: 'business', scheduledUserId: 'day2' });
  });

  it('applies overlapping overrides in the order listed', () => {
    const chain = withOverrides(primary, [
      { start: '2026-01-06T00:00:00Z', end: '2026-01-08T00:00:00Z', userId: 'dave', replacesUserId: 'alice' },
      { start: '2026-01-07T00:00:00Z', end: '2026-01-07T12:00:00Z', userId: 'erin', replacesUserId: 'dave' },
    ]);
    expect(onCallAt(chain, '2026-01-07T06:00:00Z')).toMatchObject({ userIds: ['erin'], overrideIndex: 1 });
    expect(onCallAt(chain, '2026-01-07T18:00:00Z')).toMatchObject({ userIds: ['dave'], overrideIndex: 0 });
    const reversed = withOverrides(primary, [
      { start: '2026-01-07T00:00:00Z', end: '2026-01-07T12:00:00Z', userId: 'erin' },
      { start: '2026-01-06T00:00:00Z', end: '2026-01-08T00:00:00Z', userId: 'dave', replacesUserId: 'alice' },
    ]);
    expect(onCallAt(reversed, '2026-01-07T06:00:00Z')).toMatchObject({ userIds: ['erin'], overrideIndex: 0 });
  });
});

describe('secondary rotation starting 7 days after primary', () => {
  const secondary = ScheduleSchema.parse({
    ...primary,
    id: 'secondary',
    layers: [
      {
        id: 'weekly',
        start: '2026-01-12T09:00',
        rotation: { type: 'weekly' },
        participants: ['alice', 'bob', 'carol'],
      },
    ],
  });

  it.each([
    ['2026-01-08T15:00:00Z', 'alice', null],
    ['2026-01-12T13:59:59Z', 'alice', null],
    ['2026-01-12T14:00:00Z', 'bob', 'alice'],
    ['2026-01-20T15:00:00Z', 'carol', 'bob'],
    ['2026-03-09T13:30:00Z', 'alice', 'carol'], // 09:30 EDT, both hand off at 09:00 local after DST
  ])('%s: primary %s, secondary %s', (instant, p, s) => {
    expect(onCallAt(primary, instant).userIds).toEqual([p]);
    expect(onCallAt(secondary, instant).userIds).toEqual(s === null ? [] : [s]);
  });

  it("secondary is always last week's primary, for two years", () => {
    const week = 7 * 24 * 3_600_000;
    for (let t = Date.parse('2026-01-13T02:00:00Z'); t < Date.parse('2028-01-13T00:00:00Z'); t += week + 3_600_000) {
      expect(onCallAt(secondary, new Date(t)).userIds).toEqual(onCallAt(primary, new Date(t - week)).userIds);
    }
  });
});

describe('shifts', () => {
  it('merges adjacent shifts of the same person and clips to the range', () => {
    const solo = ScheduleSchema.parse({
      id: 'solo',
      name: 'Solo',
      timeZone: 'Asia/Kolkata',
      layers: [{ id: 'daily', start: '2026-01-01T09:00', rotation: { type: 'daily' }, participants: ['only'] }],
    });
    expect(shifts(solo, '2026-02-01T00:00:00+05:30', '2026-03-01T00:00:00+05:30')).toEqual([
      {
        userId: 'only',
        start: '2026-01-31T18:30:00.000Z',
        end: '2026-02-28T18:30:00.000Z',
        layerId: 'daily',
        override: false,
      },
    ]);
  });

  it('is empty for an empty or reversed range', () => {
    expect(shifts(primary, '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual([]);
    expect(shifts(primary, '2026-02-02T00:00:00Z', '2026-02-01T00:00:00Z')).toEqual([]);
  });

  it('refuses instants without an offset instead of guessing a zone', () => {
    expect(() => onCallAt(primary, '2026-02-01T09:00')).toThrow(RangeError);
  });
});

describe('cost does not grow with distance from the layer start', () => {
  afterEach(() => vi.restoreAllMocks());

  // Zone lookups dominate the cost; count them instead of timing (timing belongs in benchmarks).
  function zoneLookups(run: () => void): number {
    const spy = vi.spyOn(IANAZone.prototype, 'offset');
    run();
    const calls = spy.mock.calls.length;
    spy.mockRestore();
    return calls;
  }

  it('onCallAt two years after the start costs what it costs a week after', () => {
    const near = zoneLookups(() => onCallAt(layered, '2026-01-14T15:00:00Z'));
    const far = zoneLookups(() => onCallAt(layered, '2028-01-12T15:00:00Z'));
    expect(near).toBeGreaterThan(0);
    expect(far).toBeLessThanOrEqual(near + 4);
  });

  it('shifts over a month two years out costs what it costs in the first month', () => {
    const near = zoneLookups(() => shifts(layered, '2026-01-05T00:00:00Z', '2026-02-05T00:00:00Z'));
    const far = zoneLookups(() => shifts(layered, '2028-01-03T00:00:00Z', '2028-02-03T00:00:00Z'));
    expect(far).toBeLessThanOrEqual(near * 1.1);
  });
});
