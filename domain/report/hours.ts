/**
 * When a page disturbs someone, read on their own wall clock (`user.timezone`). The user
 * schema has no working hours of its own, so one definition applies to everybody:
 * - working hours: Monday to Friday, 09:00 to 18:00 local time;
 * - off hours: any other time (evenings, nights, weekends);
 * - night: every day from 22:00 to 07:00 local time (a part of off hours).
 * Local times follow the zone's DST rules, so "09:00" is 09:00 on the wall either side of a change.
 */
import { parseTimeOfDay } from '../common/fields';
import { DAY_MS, MINUTE_MS, isoWeekday, localDay, toLocal, zoneOf } from '../common/wall-clock';

export const WORKING_HOURS = { weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' } as const;
export const NIGHT = { from: '22:00', to: '07:00' } as const;

const WORK_FROM = parseTimeOfDay(WORKING_HOURS.from);
const WORK_TO = parseTimeOfDay(WORKING_HOURS.to);
const NIGHT_FROM = parseTimeOfDay(NIGHT.from);
const NIGHT_TO = parseTimeOfDay(NIGHT.to);
const WORKDAYS: ReadonlySet<number> = new Set(WORKING_HOURS.weekdays);

export interface LocalMoment {
  /** ISO weekday, Monday = 1. */
  weekday: number;
  /** Minutes after local midnight. */
  minute: number;
}

export function localMoment(ms: number, timeZone: string): LocalMoment {
  const local = toLocal(zoneOf(timeZone), ms);
  const day = localDay(local);
  return { weekday: isoWeekday(day), minute: Math.floor((local - day * DAY_MS) / MINUTE_MS) };
}

export function isWorkingHours(m: LocalMoment): boolean {
  return WORKDAYS.has(m.weekday) && m.minute >= WORK_FROM && m.minute < WORK_TO;
}

export function isNight(m: LocalMoment): boolean {
  return m.minute >= NIGHT_FROM || m.minute < NIGHT_TO;
}

/** How the definitions read in a report. */
export const HOURS_DEFINITIONS = {
  workingHours: `${WORKING_HOURS.from}-${WORKING_HOURS.to} local time, Monday to Friday`,
  offHours: 'outside working hours',
  night: `${NIGHT.from}-${NIGHT.to} local time, every day`,
} as const;
