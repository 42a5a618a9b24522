/**
 * Calendar periods for grouping by time. Periods are in UTC, so every reader of a report
 * (and every API replica) puts an incident in the same day: a day is 00:00-24:00 UTC, a
 * week is an ISO week (Monday 00:00 UTC to the next Monday), a month a calendar month.
 */
import { DAY_MS, isoWeekday } from '../common/wall-clock';

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** Start (epoch ms) of the period containing `ms`. */
export function periodStart(ms: number, period: Period): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  if (period === 'day') return day;
  if (period === 'week') return day - (isoWeekday(day / DAY_MS) - 1) * DAY_MS;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Start of the period after the one starting at `start`. */
export function nextPeriodStart(start: number, period: Period): number {
  if (period === 'day') return start + DAY_MS;
  if (period === 'week') return start + 7 * DAY_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The period's key: "2026-03-09" for a day or a week (its Monday), "2026-03" for a month. */
export function periodKey(start: number, period: Period): string {
  const iso = new Date(start).toISOString();
  return period === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

/** Every period that overlaps [from, to), in order, as [start, key]. */
export function periodsBetween(from: number, to: number, period: Period): Array<{ start: number; key: string }> {
  const out: Array<{ start: number; key: string }> = [];
  for (let start = periodStart(from, period); start < to; start = nextPeriodStart(start, period)) {
    out.push({ start, key: periodKey(start, period) });
  }
  return out;
}
