/**
 * What a component shows, from the incidents and maintenances that touch it: the worst
 * status of those active, changed at most once per quiet period, so a component whose
 * incidents open and close every few minutes does not flicker (nor tell subscribers each
 * time). Also the per-day history bars.
 */
import { DateTime } from 'luxon';
import type { ComponentStatus } from './page';
import { STATUS_RANK } from './records';

/** One incident's (or maintenance's) status for a component, from `from` until `to` (ms). */
export interface StatusSpan {
  from: number;
  to: number;
  status: ComponentStatus;
}

function rawAt(spans: readonly StatusSpan[], t: number): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const s of spans) if (s.from <= t && t < s.to && STATUS_RANK[s.status] > STATUS_RANK[worst]) worst = s.status;
  return worst;
}

/**
 * The status shown at `nowMs`. Walking the moments the raw status may change: a change
 * shows at once when the last shown change is at least `quietMs` old, else it waits until
 * then and shows the raw status of that moment (which may be no change at all).
 */
export function shownStatus(spans: readonly StatusSpan[], quietMs: number, nowMs: number): ComponentStatus {
  const times = [...new Set(spans.flatMap((s) => [s.from, s.to]))].filter((t) => t <= nowMs).sort((a, b) => a - b);
  let shown: ComponentStatus = 'operational';
  let last = -Infinity;
  let i = 0;
  let t: number | undefined = times[0];
  while (t !== undefined && t <= nowMs) {
    const raw = rawAt(spans, t);
    let pending = false;
    if (raw !== shown) {
      if (t >= last + quietMs) [shown, last] = [raw, t];
      else pending = true;
    }
    while (i < times.length && (times[i] as number) <= t) i++;
    const nextEvent = times[i];
    t = pending ? Math.min(last + quietMs, nextEvent ?? Infinity) : nextEvent;
  }
  return shown;
}

export interface DayBar {
  /** ISO date in the page's zone. */
  day: string;
  /** The worst status the component had that day. */
  status: ComponentStatus;
}

/** The last `days` days (today last) in `zone`: each one's ISO date and its first instant (ms). */
export interface Calendar {
  days: string[];
  starts: number[];
}

/** Computed once per page view: zone arithmetic is the costly part, and every component shares it. */
export function calendar(nowMs: number, zone: string, days: number): Calendar {
  const first = DateTime.fromMillis(nowMs, { zone })
    .startOf('day')
    .minus({ days: days - 1 });
  const all = Array.from({ length: days }, (_, k) => first.plus({ days: k }));
  return { days: all.map((d) => d.toISODate() as string), starts: all.map((d) => d.toMillis()) };
}

/** The last `days` days (today last) in `zone`, each with the worst status of the spans that touch it. */
export function historyBars(
  spans: readonly StatusSpan[],
  nowMs: number,
  zone: string,
  days: number,
  cal: Calendar = calendar(nowMs, zone, days),
): DayBar[] {
  const worst: Array<ComponentStatus | undefined> = new Array<ComponentStatus | undefined>(cal.days.length);
  for (const s of spans) {
    const end = Math.min(s.to, nowMs);
    for (let k = 0; k < cal.starts.length; k++) {
      const dayStart = cal.starts[k] as number;
      const dayEnd = cal.starts[k + 1] ?? Infinity;
      // A span touches the day when it starts before the day ends and ends on or after its start.
      if (s.from >= dayEnd || end < dayStart || end < s.from) continue;
      const seen = worst[k];
      if (seen === undefined || STATUS_RANK[s.status] > STATUS_RANK[seen]) worst[k] = s.status;
    }
  }
  return cal.days.map((day, k) => ({ day, status: worst[k] ?? 'operational' }));
}
