/**
 * Rotation math for one schedule layer.
 *
 * Handoff rules:
 * - Shift 0 starts at the layer's `start` and belongs to participants[0]; shift k belongs
 *   to participants[k mod n].
 * - 'daily' / 'weekly' hand off at `handoffTime` (default: start's time of day) on the
 *   local date `start date + k * period`, k >= 1, so the first shift is a full period
 *   give or take the difference between start's time and the handoff time. Handoffs keep
 *   to the wall clock across DST: a weekly 09:00 rotation in America/New_York hands off at
 *   09:00 local before and after the change, so a shift spanning it lasts 167 h or 169 h.
 * - A handoff time missing on a spring-forward day (02:30 in a 02:00-03:00 gap) hands off
 *   at the first valid instant after the gap (03:00); one that occurs twice on a fall-back
 *   day hands off at its first occurrence.
 * - 'hourly' counts real elapsed time: every N hours from `start`, whatever the clock says,
 *   so a 12 h rotation starting at 08:00 hands off at 09:00/21:00 local after spring-forward.
 *
 * The shift containing an instant is computed from the local calendar day in O(1) and then
 * corrected by at most a step either way, so "who is on call in two years" costs the same
 * as "who is on call now".
 */
import type { IANAZone } from 'luxon';
import { parseLocalDateTime, parseTimeOfDay } from '../common/fields';
import type { ScheduleLayer } from './schedule';
import { DAY_MS, HOUR_MS, MINUTE_MS, fromLocal, localDay, toLocal } from '../common/wall-clock';

/** A half-open span of instants [start, end), epoch millis. */
export interface Span {
  start: number;
  end: number;
}

export interface LayerShift extends Span {
  userId: string;
}

export interface CompiledRotation {
  /** Instant the layer starts (handoff 0). */
  startMs: number;
  /** Instant of handoff k (k >= 0); strictly increasing in k. */
  handoff(k: number): number;
  /** Index of the shift containing `instant`, or -1 before the layer starts. */
  shiftIndexAt(instant: number): number;
}

export function compileRotation(layer: ScheduleLayer, zone: IANAZone): CompiledRotation {
  const startLocal = parseLocalDateTime(layer.start);
  if (startLocal === undefined) throw new RangeError(`layer "${layer.id}": invalid start "${layer.start}"`);
  const startMs = fromLocal(zone, startLocal);
  const { type, every } = layer.rotation;
  if (type === 'hourly') {
    const period = every * HOUR_MS;
    return {
      startMs,
      handoff: (k) => startMs + k * period,
      shiftIndexAt: (t) => (t < startMs ? -1 : Math.floor((t - startMs) / period)),
    };
  }
  const startDay = localDay(startLocal);
  const handoffOfDay =
    layer.handoffTime === undefined ? startLocal - startDay * DAY_MS : parseTimeOfDay(layer.handoffTime) * MINUTE_MS;
  return calendarRotation(zone, startMs, startDay, type === 'weekly' ? 7 * every : every, handoffOfDay);
}

function calendarRotation(
  zone: IANAZone,
  startMs: number,
  startDay: number,
  periodDays: number,
  handoffOfDay: number,
): CompiledRotation {
  // A lookup and a sweep ask for the same few handoffs; each costs several zone lookups.
  const cache = new Map<number, number>([[0, startMs]]);
  const handoff = (k: number): number => {
    let at = cache.get(k);
    if (at === undefined) {
      at = fromLocal(zone, (startDay + k * periodDays) * DAY_MS + handoffOfDay);
      cache.set(k, at);
    }
    return at;
  };
  const shiftIndexAt = (t: number): number => {
    if (t < startMs) return -1;
    // The local date pins the shift down to k or k - 1 (before the handoff time that day).
    let k = Math.max(0, Math.floor((localDay(toLocal(zone, t)) - startDay) / periodDays));
    while (k > 0 && handoff(k) > t) k -= 1;
    while (handoff(k + 1) <= t) k += 1;
    return k;
  };
  return { startMs, handoff, shiftIndexAt };
}

/** The layer's shifts overlapping [from, to), clipped to it, in order. */
export function rotationShifts(
  rotation: CompiledRotation,
  participants: readonly string[],
  from: number,
  to: number,
): LayerShift[] {
  const out: LayerShift[] = [];
  if (participants.length === 0 || to <= rotation.startMs || to <= from) return out;
  let k = rotation.shiftIndexAt(Math.max(from, rotation.startMs));
  let start = rotation.handoff(k);
  while (start < to) {
    const end = rotation.handoff(k + 1);
    const userId = participants[k % participants.length];
    if (userId !== undefined) out.push({ start: Math.max(start, from), end: Math.min(end, to), userId });
    k += 1;
    start = end;
  }
  return out;
}
