/**
 * onCallAt and shifts against an independent brute force, over two years of random
 * instants in six zones. The brute force uses no luxon and no shared code: it tabulates
 * each zone's wall clock with Intl every 15 minutes, resolves a local time to the first
 * tabulated instant whose wall clock reads >= it (the documented gap/overlap rule), and
 * walks handoffs one by one. The grid is exact here: these zones' offsets are multiples of
 * 15 minutes and change on the hour UTC, and every configured local time is on a quarter hour.
 */
import { describe, expect, it } from 'vitest';
import { type OnCall, type Shift, onCallAt, shifts } from '../../domain/oncall/oncall';
import { ScheduleSchema } from '../../domain/oncall/schedule';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const GRID = 15 * MIN;
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2028, 0, 1);
const TABLE_FROM = Date.UTC(2025, 11, 1);
const TABLE_TO = Date.UTC(2028, 1, 1);

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class WallClock {
  readonly readings: number[] = [];
  constructor(timeZone: string) {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    const read = (t: number): number => {
      const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
      return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute);
    };
    // Ask Intl once an hour; where the clock did not advance by exactly an hour, ask it
    // for every quarter hour in between.
    let next = read(TABLE_FROM);
    for (let t = TABLE_FROM; t < TABLE_TO; t += HOUR) {
      const now = next;
      next = read(t + HOUR);
      for (let q = 0; q < 4; q += 1) this.readings.push(next - now === HOUR ? now + q * GRID : read(t + q * GRID));
    }
  }
  /** The first instant at which the wall clock reads >= `local` (a wall time encoded as UTC). */
  resolve(local: number): number {
    if (local % GRID !== 0) throw new Error('brute force only handles quarter-hour local times');
    // Offsets never exceed 14 h, so 15 h before the reading every instant reads earlier.
    let i = Math.max(0, Math.floor((local - 15 * HOUR - TABLE_FROM) / GRID));
    while ((this.readings[i] ?? Infinity) < local) i += 1;
    return TABLE_FROM + i * GRID;
  }
  transitions(): number[] {
    const off = (i: number) => (this.readings[i] ?? 0) - (TABLE_FROM + i * GRID);
    return this.readings.flatMap((_, i) => (i > 0 && off(i) !== off(i - 1) ? [TABLE_FROM + i * GRID] : []));
  }
}

type RawRestriction =
  | { type: 'daily'; from: { time: string }; to: { time: string }; weekdays?: number[] }
  | { type: 'weekly'; from: { weekday: number; time: string }; to: { weekday: number; time: string } };
interface RawLayer {
  id: string;
  start: string;
  rotation: { type: 'hourly' | 'daily' | 'weekly'; every: number };
  handoffTime?: string;
  participants: string[];
  restrictions?: RawRestriction[];
}
interface RawOverride {
  start: string;
  end: string;
  userId: string;
  replacesUserId?: string;
}

const LAYERS: RawLayer[] = [
  { id: 'weekly', start: '2026-01-05T09:00', rotation: { type: 'weekly', every: 1 }, participants: ['w1', 'w2', 'w3'] },
  {
    id: 'daily',
    start: '2026-01-10T02:30',
    rotation: { type: 'daily', every: 2 },
    handoffTime: '01:30',
    participants: ['d1', 'd2'],
    restrictions: [
      { type: 'daily', from: { time: '22:00' }, to: { time: '06:00' } },
      { type: 'weekly', from: { weekday: 6, time: '10:00' }, to: { weekday: 7, time: '02:30' } },
    ],
  },
  {
    id: 'hourly',
    start: '2026-02-01T08:15',
    rotation: { type: 'hourly', every: 12 },
    participants: ['h1', 'h2', 'h3'],
    restrictions: [{ type: 'daily', from: { time: '09:00' }, to: { time: '17:00' }, weekdays: [1, 2, 3, 4, 5] }],
  },
  {
    id: 'late',
    start: '2027-03-01T00:00',
    rotation: { type: 'weekly', every: 2 },
    handoffTime: '02:45',
    participants: ['l1', 'l2'],
    restrictions: [{ type: 'daily', from: { time: '01:30' }, to: { time: '03:15' } }],
  },
];

const hm = (text: string): number => Number(text.slice(0, 2)) * HOUR + Number(text.slice(3, 5)) * MIN;
const isoWeekday = (localDay: number): number => ((new Date(localDay).getUTCDay() + 6) % 7) + 1;

interface BruteLayer {
  id: string;
  participants: string[];
  handoffs: number[];
  windows?: Array<[number, number]>;
}

function bruteLayer(layer: RawLayer, clock: WallClock): BruteLayer {
  const [y = 0, mo = 1, d = 1] = layer.start.slice(0, 10).split('-').map(Number);
  const time = hm(layer.handoffTime ?? layer.start.slice(11));
  const handoffs = [clock.resolve(Date.UTC(y, mo - 1, d) + hm(layer.start.slice(11)))];
  const days = layer.rotation.type === 'weekly' ? 7 * layer.rotation.every : layer.rotation.every;
  for (let k = 1; (handoffs[handoffs.length - 1] ?? 0) <= TO + 30 * DAY; k += 1) {
    handoffs.push(
      layer.rotation.type === 'hourly'
        ? (handoffs[0] ?? 0) + k * layer.rotation.every * HOUR
        : clock.resolve(Date.UTC(y, mo - 1, d + k * days) + time),
    );
  }
  if (layer.restrictions === undefined) return { id: layer.id, participants: layer.participants, handoffs };
  const windows: Array<[number, number]> = [];
  for (let day = Date.UTC(2025, 11, 3); day < Date.UTC(2028, 0, 20); day += DAY) {
    for (const r of layer.restrictions) {
      const start = day + hm(r.from.time);
      let end: number;
      if (r.type === 'daily') {
        if (r.weekdays !== undefined && !r.weekdays.includes(isoWeekday(day))) continue;
        end = day + hm(r.to.time) + (hm(r.to.time) > hm(r.from.time) ? 0 : DAY);
      } else {
        if (isoWeekday(day) !== r.from.weekday) continue;
        end = day + ((r.to.weekday - r.from.weekday + 7) % 7) * DAY + hm(r.to.time);
        if (end <= start) end += 7 * DAY;
      }
      windows.push([clock.resolve(start), clock.resolve(end)]);
    }
  }
  return { id: layer.id, participants: layer.participants, handoffs, windows };
}

function bruteOnCall(layers: BruteLayer[], overrides: RawOverride[], t: number): OnCall {
  let scheduled: { layerId: string; userId: string } | undefined;
  for (const layer of layers) {
    if (t < (layer.handoffs[0] ?? Infinity)) continue;
    let k = 0;
    while ((layer.handoffs[k + 1] ?? Infinity) <= t) k += 1;
    if (layer.windows && !layer.windows.some(([s, e]) => s <= t && t < e)) continue;
    scheduled = { layerId: layer.id, userId: layer.participants[k % layer.participants.length] ?? '?' };
  }
  let userIds = scheduled ? [scheduled.userId] : [];
  let applied = false;
  for (const o of overrides) {
    if (t < Date.parse(o.start) || t >= Date.parse(o.end)) continue;
    if (o.replacesUserId !== undefined && !userIds.includes(o.replacesUserId)) continue;
    userIds = o.replacesUserId === undefined ? [o.userId] : userIds.map((u) => (u === o.replacesUserId ? o.userId : u));
    applied = true;
  }
  return { userIds, overrideApplied: applied, ...(scheduled && { layerId: scheduled.layerId }) };
}

function randomOverrides(rand: () => number): RawOverride[] {
  const everyone = LAYERS.flatMap((l) => l.participants);
  return Array.from({ length: 30 }, (_, i) => {
    const start = FROM + Math.floor(rand() * (TO - FROM));
    const end = start + HOUR + Math.floor(rand() * 72 * HOUR);
    const replaces = rand() < 0.35 ? undefined : everyone[Math.floor(rand() * everyone.length)];
    const iso = (t: number) => new Date(t).toISOString();
    return { start: iso(start), end: iso(end), userId: `o${i}`, ...(replaces && { replacesUserId: replaces }) };
  });
}

function segmentAt(list: Shift[], t: number): Shift | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid] as Shift;
    if (t < Date.parse(s.start)) hi = mid - 1;
    else if (t >= Date.parse(s.end)) lo = mid + 1;
    else return s;
  }
  return undefined;
}

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Pacific/Chatham',
];

describe.each(ZONES.map((zone, i) => [zone, i] as const))('brute force agrees in %s', (zone, zoneIndex) => {
  const rand = mulberry32(20260101 + zoneIndex);
  const clock = new WallClock(zone);
  const brute = LAYERS.map((l) => bruteLayer(l, clock));
  const overrides = randomOverrides(rand);
  const schedule = ScheduleSchema.parse({ id: 'p', name: 'P', timeZone: zone, layers: LAYERS, overrides });

  const samples: number[] = Array.from({ length: 340 }, () => FROM + Math.floor(rand() * (TO - FROM)));
  const transitions = clock.transitions().filter((t) => t >= FROM && t < TO);
  for (const tr of transitions) {
    for (let t = tr - 6 * HOUR; t <= tr + 6 * HOUR; t += 15 * MIN) samples.push(t - 1, t);
  }
  const edges = brute.flatMap((l) => [...l.handoffs, ...(l.windows ?? []).flat()]).filter((t) => t > FROM && t < TO);
  for (let i = 0; i < 150; i += 1) {
    const edge = edges[Math.floor(rand() * edges.length)] ?? FROM;
    samples.push(edge - 1, edge);
  }

  it(
    'onCallAt matches the brute force at random instants, around transitions and at boundaries; shifts agrees',
    { timeout: 60_000 },
    () => {
      const timeline = shifts(schedule, FROM, TO);
      const seen = new Set<string>();
      for (const t of samples) {
        const at = new Date(t).toISOString();
        const expected = bruteOnCall(brute, overrides, t);
        const { userIds, overrideApplied, layerId } = onCallAt(schedule, t);
        expect({ at, userIds, overrideApplied, layerId }).toEqual({ at, layerId: undefined, ...expected });
        const seg = segmentAt(timeline, t);
        expect({
          at,
          userIds: seg ? [seg.userId] : [],
          override: seg?.override ?? false,
          layerId: seg?.layerId,
        }).toEqual({
          at,
          userIds,
          override: overrideApplied,
          layerId: userIds.length > 0 ? layerId : undefined,
        });
        seen.add(expected.overrideApplied ? 'override' : (expected.layerId ?? 'nobody'));
      }
      // The samples exercise every layer, overrides and empty stretches, or the test proves little.
      expect([...seen].sort()).toEqual(['daily', 'hourly', 'late', 'nobody', 'override', 'weekly']);
      expect(transitions).toHaveLength(zone === 'Asia/Kolkata' ? 0 : 4);
    },
  );

  it('shifts is sorted, disjoint, merged, and clipping a range equals clipping the whole', { timeout: 60_000 }, () => {
    const timeline = shifts(schedule, FROM, TO);
    timeline.forEach((s, i) => {
      expect(Date.parse(s.start)).toBeLessThan(Date.parse(s.end));
      const next = timeline[i + 1];
      if (next === undefined) return;
      expect(Date.parse(s.end)).toBeLessThanOrEqual(Date.parse(next.start));
      if (s.end === next.start)
        expect([s.userId, s.layerId, s.override]).not.toEqual([next.userId, next.layerId, next.override]);
    });
    const from = FROM + Math.floor(rand() * (TO - FROM - 31 * DAY));
    const to = from + 31 * DAY;
    const clipped = timeline
      .filter((s) => Date.parse(s.end) > from && Date.parse(s.start) < to)
      .map((s) => ({
        ...s,
        start: new Date(Math.max(Date.parse(s.start), from)).toISOString(),
        end: new Date(Math.min(Date.parse(s.end), to)).toISOString(),
      }));
    expect(shifts(schedule, from, to)).toEqual(clipped);
  });
});
