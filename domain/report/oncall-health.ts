/**
 * On-call health: per person and UTC ISO week, the pages they received (and how many came
 * outside their working hours and at night on their own clock, see hours.ts), how fast they
 * were answered, how long they were on call and their longest unbroken stretch; per
 * rotation, how evenly its members share the pages and the on-call hours.
 *
 * - A page is one escalation step paging a person (however many contact methods it used).
 * - Time to acknowledge: page -> the incident's first acknowledgement or snooze after it.
 * - Stretches: every shift of the person in any schedule, merged where they overlap or touch,
 *   clipped to the report range. A stretch counts as the longest of each week it overlaps
 *   with its whole length; on-call hours count only the part inside the week.
 * - Evenness: max/min ratio (null when some member has none) and the coefficient of
 *   variation (population standard deviation / mean; 0 is perfectly even).
 */
import { toIso } from '../common/fields';
import { HOUR_MS } from '../common/wall-clock';
import { HOURS_DEFINITIONS, isNight, isWorkingHours, localMoment } from './hours';
import { nextPeriodStart, periodKey, periodStart } from './periods';
import { coefficientOfVariation, summarize, type Summary } from './stats';

export interface HealthPage {
  userId: string;
  incidentId?: string;
  at: number;
  acknowledgedAt?: number;
}
export interface OnCallSpan {
  userId: string;
  start: number;
  end: number;
}
export interface Rotation {
  id: string;
  memberIds: readonly string[];
}
export interface OnCallHealthInput {
  from: number;
  to: number;
  pages: Iterable<HealthPage>;
  /** Each person's IANA zone (`user.timezone`); someone missing here is read in UTC. */
  timeZones: ReadonlyMap<string, string>;
  shifts: readonly OnCallSpan[];
  rotations: readonly Rotation[];
}

export interface PersonWeek {
  userId: string;
  /** Monday of the UTC ISO week, "YYYY-MM-DD". */
  week: string;
  timeZone: string;
  pages: number;
  offHoursPages: number;
  nightPages: number;
  unacknowledgedPages: number;
  timeToAcknowledgeSeconds: Summary | null;
  onCallHours: number;
  longestStretchHours: number;
}
export interface Evenness {
  min: number;
  max: number;
  maxMinRatio: number | null;
  coefficientOfVariation: number | null;
}
export interface RotationLoad {
  rotationId: string;
  members: Array<{ userId: string; pages: number; onCallHours: number }>;
  pages: Evenness;
  onCallHours: Evenness;
}
export interface OnCallHealthReport {
  from: string;
  to: string;
  timeZone: 'UTC';
  definitions: typeof HOURS_DEFINITIONS;
  people: PersonWeek[];
  rotations: RotationLoad[];
}

interface Row extends Omit<PersonWeek, 'timeToAcknowledgeSeconds'> {
  tta: number[];
}

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

export function onCallHealth(input: OnCallHealthInput): OnCallHealthReport {
  const rows = new Map<string, Row>();
  const row = (userId: string, weekStart: number): Row => {
    const id = `${userId}\u0000${weekStart}`;
    let r = rows.get(id);
    if (!r) {
      const timeZone = input.timeZones.get(userId) ?? 'UTC';
      const base = { userId, week: periodKey(weekStart, 'week'), timeZone, tta: [] };
      const zero = { pages: 0, offHoursPages: 0, nightPages: 0, unacknowledgedPages: 0 };
      rows.set(id, (r = { ...base, ...zero, onCallHours: 0, longestStretchHours: 0 }));
    }
    return r;
  };
  const pagesByUser = new Map<string, number>();
  for (const p of input.pages) {
    if (p.at < input.from || p.at >= input.to) continue;
    const r = row(p.userId, periodStart(p.at, 'week'));
    const local = localMoment(p.at, r.timeZone);
    r.pages += 1;
    if (!isWorkingHours(local)) r.offHoursPages += 1;
    if (isNight(local)) r.nightPages += 1;
    if (p.acknowledgedAt === undefined) r.unacknowledgedPages += 1;
    else r.tta.push(Math.max(0, p.acknowledgedAt - p.at) / 1000);
    pagesByUser.set(p.userId, (pagesByUser.get(p.userId) ?? 0) + 1);
  }
  const onCallByUser = addStretches(input, row);
  const people = [...rows.values()]
    .map(({ tta, ...r }) => ({ ...r, onCallHours: hours(r.onCallHours), timeToAcknowledgeSeconds: summarize(tta) }))
    .sort((a, b) => (a.week === b.week ? a.userId.localeCompare(b.userId) : a.week < b.week ? -1 : 1));
  return {
    from: toIso(input.from),
    to: toIso(input.to),
    timeZone: 'UTC',
    definitions: HOURS_DEFINITIONS,
    people,
    rotations: input.rotations.map((rot) => rotationLoad(rot, pagesByUser, onCallByUser)),
  };
}

/** Adds on-call time (ms, in the rows) and longest stretches (hours) per week; returns on-call ms per user. */
function addStretches(input: OnCallHealthInput, row: (userId: string, weekStart: number) => Row): Map<string, number> {
  const total = new Map<string, number>();
  for (const s of mergeSpans(input.shifts, input.from, input.to)) {
    total.set(s.userId, (total.get(s.userId) ?? 0) + (s.end - s.start));
    const length = hours(s.end - s.start);
    for (let w = periodStart(s.start, 'week'); w < s.end; w = nextPeriodStart(w, 'week')) {
      const r = row(s.userId, w);
      r.onCallHours += Math.min(s.end, nextPeriodStart(w, 'week')) - Math.max(s.start, w);
      r.longestStretchHours = Math.max(r.longestStretchHours, length);
    }
  }
  return total;
}

/** Each person's spans clipped to [from, to) and merged where they overlap or touch. */
export function mergeSpans(spans: readonly OnCallSpan[], from: number, to: number): OnCallSpan[] {
  const clipped = spans
    .map((s) => ({ userId: s.userId, start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => (a.userId === b.userId ? a.start - b.start : a.userId < b.userId ? -1 : 1));
  const merged: OnCallSpan[] = [];
  for (const s of clipped) {
    const last = merged[merged.length - 1];
    if (last && last.userId === s.userId && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

function rotationLoad(rot: Rotation, pages: Map<string, number>, onCallMs: Map<string, number>): RotationLoad {
  const members = [...new Set(rot.memberIds)].map((userId) => ({
    userId,
    pages: pages.get(userId) ?? 0,
    onCallHours: hours(onCallMs.get(userId) ?? 0),
  }));
  return {
    rotationId: rot.id,
    members,
    pages: evenness(members.map((m) => m.pages)),
    onCallHours: evenness(members.map((m) => m.onCallHours)),
  };
}

export function evenness(values: readonly number[]): Evenness {
  if (values.length === 0) return { min: 0, max: 0, maxMinRatio: null, coefficientOfVariation: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  return {
    min,
    max,
    maxMinRatio: min > 0 ? Math.round((max / min) * 10_000) / 10_000 : null,
    coefficientOfVariation: coefficientOfVariation(values),
  };
}
