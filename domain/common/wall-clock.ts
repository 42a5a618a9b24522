/**
 * Wall-clock arithmetic in an IANA zone.
 *
 * "Local millis" is a zone's wall-clock reading encoded as if it were UTC. Calendar
 * arithmetic (whole days, weekdays) on local millis is plain integer math, so a rotation
 * index is computed in O(1); only the conversion back to an instant consults the zone.
 *
 * Local times that do not exist (spring-forward gap) resolve to the first valid instant
 * after the gap; local times that occur twice (fall-back overlap) resolve to the first
 * occurrence. Equivalently: the instant at which the wall clock first reads >= the time.
 */
import { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${name}"`);
  return zone;
}

export function offsetMs(zone: IANAZone, instant: number): number {
  // luxon reports minutes, fractional for historic second-precision offsets.
  return Math.round(zone.offset(instant) * MINUTE_MS);
}

export function toLocal(zone: IANAZone, instant: number): number {
  return instant + offsetMs(zone, instant);
}

export function fromLocal(zone: IANAZone, local: number): number {
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetMs(zone, local - DAY_MS);
  const after = offsetMs(zone, local + DAY_MS);
  const candidates = before === after ? [local - before] : [local - before, local - after];
  const exact = candidates.filter((t) => toLocal(zone, t) === local);
  if (exact.length > 0) return Math.min(...exact);
  return firstInstantWithOffset(zone, local - Math.max(before, after), local - Math.min(before, after));
}

/** The transition instant in (lo, hi]: the first instant whose offset differs from lo's. */
function firstInstantWithOffset(zone: IANAZone, lo: number, hi: number): number {
  const initial = offsetMs(zone, lo);
  // Zone data changes offsets on whole seconds, so search in seconds.
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  if (offsetMs(zone, b * 1000) === initial) return hi;
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (offsetMs(zone, mid * 1000) === initial) a = mid;
    else b = mid;
  }
  return b * 1000;
}

/** Whole local days since 1970-01-01 of a local-millis value. */
export function localDay(local: number): number {
  return Math.floor(local / DAY_MS);
}

/** ISO weekday (Monday = 1 .. Sunday = 7) of a local day number; 1970-01-01 was a Thursday. */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}
