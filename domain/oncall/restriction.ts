/**
 * Restriction windows as spans of instants. Window ends are local wall-clock times
 * resolved like handoffs (gap -> first valid instant after, overlap -> first occurrence),
 * so a window that starts or ends inside a DST change neither vanishes nor flickers.
 */
import type { IANAZone } from 'luxon';
import { parseTimeOfDay } from '../common/fields';
import type { LayerShift, Span } from './rotation';
import type { Restriction } from './schedule';
import { DAY_MS, MINUTE_MS, fromLocal, isoWeekday, localDay, toLocal } from '../common/wall-clock';

const WEEK_MS = 7 * DAY_MS;

/** Local-millis length of a window from `start` to `end` (wrapping; equal = `cycle`). */
function wrappedLength(start: number, end: number, cycle: number): number {
  return end > start ? end - start : end - start + cycle;
}

/**
 * Local-millis starts of the windows that can overlap local days [fromDay, lastDay]: a
 * window lasts at most a day (daily) or a week (weekly), so look back that far.
 */
function windowStarts(r: Restriction, fromDay: number, lastDay: number): { starts: number[]; length: number } {
  const from = parseTimeOfDay(r.from.time) * MINUTE_MS;
  const to = parseTimeOfDay(r.to.time) * MINUTE_MS;
  const starts: number[] = [];
  if (r.type === 'daily') {
    const weekdays: readonly number[] | undefined = r.weekdays;
    for (let day = fromDay - 1; day <= lastDay; day += 1) {
      if (weekdays === undefined || weekdays.includes(isoWeekday(day))) starts.push(day * DAY_MS + from);
    }
    return { starts, length: wrappedLength(from, to, DAY_MS) };
  }
  const startInWeek = (r.from.weekday - 1) * DAY_MS + from;
  const endInWeek = (r.to.weekday - 1) * DAY_MS + to;
  const firstDay = fromDay - 7;
  const monday = firstDay - (isoWeekday(firstDay) - 1);
  for (let day = monday; day <= lastDay; day += 7) starts.push(day * DAY_MS + startInWeek);
  return { starts, length: wrappedLength(startInWeek, endInWeek, WEEK_MS) };
}

/**
 * The union of a layer's restriction windows overlapping [from, to), clipped, sorted and
 * merged; undefined when the layer has no restrictions (it always applies).
 */
export function restrictionWindows(
  restrictions: readonly Restriction[],
  zone: IANAZone,
  from: number,
  to: number,
): Span[] | undefined {
  if (restrictions.length === 0) return undefined;
  const fromDay = localDay(toLocal(zone, from));
  const lastDay = localDay(toLocal(zone, to)) + 1;
  const spans: Span[] = [];
  for (const r of restrictions) {
    const { starts, length } = windowStarts(r, fromDay, lastDay);
    for (const local of starts) {
      const start = Math.max(fromLocal(zone, local), from);
      const end = Math.min(fromLocal(zone, local + length), to);
      if (end > start) spans.push({ start, end });
    }
  }
  return mergeSpans(spans);
}

export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** Shifts cut down to the parts inside the windows (both inputs sorted and disjoint). */
export function clipToWindows(shifts: readonly LayerShift[], windows: readonly Span[] | undefined): LayerShift[] {
  if (windows === undefined) return [...shifts];
  const out: LayerShift[] = [];
  let w = 0;
  for (const shift of shifts) {
    while (w < windows.length && (windows[w]?.end ?? 0) <= shift.start) w += 1;
    for (let i = w; i < windows.length; i += 1) {
      const window = windows[i];
      if (window === undefined || window.start >= shift.end) break;
      const start = Math.max(shift.start, window.start);
      const end = Math.min(shift.end, window.end);
      if (end > start) out.push({ start, end, userId: shift.userId });
    }
  }
  return out;
}
