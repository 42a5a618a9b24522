/**
 * On-call schedules.
 *
 * Semantics (what `onCallAt` / `shifts` in ./oncall compute):
 * - A schedule has one zone; every local time in it (layer start, handoff time,
 *   restriction windows) is a wall-clock time in that zone.
 * - A layer is one rotation: participants take turns in list order, one person at a time.
 *   Before its `start` a layer has nobody.
 * - Layers are ordered low -> high; at any instant the highest layer that has someone
 *   decides who is on call, so a lower layer shows through wherever higher ones are empty.
 * - Restrictions are windows in which a layer applies (e.g. business hours); outside all of
 *   its windows a layer has nobody. No restrictions (or []) = always applies.
 * - Overrides win over every layer. They apply in the order listed: with `replacesUserId`
 *   the covering person stands in for that user only while that user is on call; without
 *   it they stand in for whoever is on call, and cover even when nobody is scheduled.
 * - Handoff and DST rules are in ./rotation.
 *
 * A secondary rotation "starting 7 days after primary" is a second schedule whose layer
 * starts 7 days later with the same participants: this week's secondary is last week's
 * primary.
 */
import { z } from 'zod';
import {
  END_AFTER_START,
  IdSchema,
  InstantSchema,
  LocalDateTimeSchema,
  NameSchema,
  TimeOfDaySchema,
  TimeZoneSchema,
  endsAfterStart,
  reportDuplicates,
  strictObject,
} from '../common/fields';

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** ISO weekday, Monday = 1 .. Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const WEEKDAY_MESSAGE = 'must be a weekday: 1-7 (Monday = 1), "monday" or "mon"';

/** A weekday as 1..7 (Monday = 1), a name ("monday") or its first three letters ("mon"). */
export const WeekdaySchema = z.union([z.number(), z.string()], { error: WEEKDAY_MESSAGE }).transform((value, ctx) => {
  const text = String(value).trim().toLowerCase();
  const byName = WEEKDAY_NAMES.findIndex((name) => text.length >= 3 && name.startsWith(text)) + 1;
  const day = typeof value === 'number' ? value : byName;
  if (Number.isInteger(day) && day >= 1 && day <= 7) return day as Weekday;
  ctx.addIssue({ code: 'custom', message: WEEKDAY_MESSAGE });
  return z.NEVER;
});

/**
 * Every day (or only on `weekdays`) from `from.time` until `to.time`, both local; a window
 * whose end is not after its start runs past midnight ("22:00" to "06:00"; equal = 24 h).
 * `weekdays` filters the day a window starts on.
 */
export const DailyRestrictionSchema = strictObject({
  type: z.literal('daily'),
  from: strictObject({ time: TimeOfDaySchema }),
  to: strictObject({ time: TimeOfDaySchema }),
  weekdays: z.array(WeekdaySchema).min(1, 'list at least one weekday, or omit weekdays').optional(),
});

/** One contiguous window a week, e.g. Friday 18:00 to Monday 08:00 (equal ends = 7 days). */
export const WeeklyRestrictionSchema = strictObject({
  type: z.literal('weekly'),
  from: strictObject({ weekday: WeekdaySchema, time: TimeOfDaySchema }),
  to: strictObject({ weekday: WeekdaySchema, time: TimeOfDaySchema }),
});

export const RestrictionSchema = z.discriminatedUnion('type', [DailyRestrictionSchema, WeeklyRestrictionSchema], {
  error: () => 'type must be "daily" or "weekly"',
});
export type Restriction = z.infer<typeof RestrictionSchema>;

export const ROTATION_TYPES = ['hourly', 'daily', 'weekly'] as const;

export const RotationSchema = strictObject({
  type: z.enum(ROTATION_TYPES),
  /** Shift length: N hours ('hourly'), N days ('daily') or N weeks ('weekly'). */
  every: z.int().min(1, 'must be at least 1').max(10_000).default(1),
});
export type Rotation = z.infer<typeof RotationSchema>;

export const ScheduleLayerSchema = strictObject({
  id: IdSchema,
  name: NameSchema.optional(),
  start: LocalDateTimeSchema,
  rotation: RotationSchema,
  handoffTime: TimeOfDaySchema.optional(),
  participants: z.array(IdSchema).min(1, 'a layer needs at least one participant'),
  restrictions: z.array(RestrictionSchema).default([]),
}).superRefine((layer, ctx) => {
  if (layer.rotation.type === 'hourly' && layer.handoffTime !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['handoffTime'],
      message: 'an hourly rotation hands off every N hours from start; handoffTime applies to daily/weekly only',
    });
  }
});
export type ScheduleLayer = z.infer<typeof ScheduleLayerSchema>;

export const ScheduleOverrideSchema = strictObject({
  start: InstantSchema,
  end: InstantSchema,
  userId: IdSchema,
  replacesUserId: IdSchema.optional(),
}).refine(endsAfterStart, END_AFTER_START);
export type ScheduleOverride = z.infer<typeof ScheduleOverrideSchema>;

export const ScheduleSchema = strictObject({
  id: IdSchema,
  name: NameSchema,
  timeZone: TimeZoneSchema,
  layers: z.array(ScheduleLayerSchema).default([]),
  overrides: z.array(ScheduleOverrideSchema).default([]),
}).superRefine((schedule, ctx) => {
  reportDuplicates(
    ctx,
    schedule.layers,
    (l) => l.id,
    (i) => ['layers', i, 'id'],
    'layer id',
  );
});
export type Schedule = z.infer<typeof ScheduleSchema>;
