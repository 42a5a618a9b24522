/**
 * Field schemas shared by every domain entity. Entities are config-as-code: users choose
 * ids, and YAML typos must fail loudly, so objects are strict and say which keys exist.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseInstant, toEpochMs, toIso } from './instant';

// Workflow code imports these from './instant' (zod-free); other callers may keep using this module.
export { parseInstant, toEpochMs, toIso, type InstantInput } from './instant';

const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const IdSchema = z
  .string()
  .regex(ID_PATTERN, 'must be a slug: 1-63 chars of a-z, 0-9, "-" or "_", starting with a letter or digit');

export const NameSchema = z.string().trim().min(1, 'must not be empty').max(200);

/** Strict object whose unknown-key message lists the allowed keys (catches YAML typos). */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed}`
        : undefined,
  });
}

// Intl also accepts offsets such as "+05:00"; a schedule needs a real zone with DST rules.
export const TimeZoneSchema = z.string().refine((name) => /^[A-Za-z]/.test(name) && IANAZone.isValidZone(name), {
  message: 'must be an IANA time zone such as "America/New_York" or "Europe/Berlin"',
});

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const TimeOfDaySchema = z.string().regex(TIME_OF_DAY, 'must be a time of day "HH:mm" (00:00-23:59)');

/** Minutes after local midnight of a validated "HH:mm". */
export function parseTimeOfDay(hhmm: string): number {
  const match = TIME_OF_DAY.exec(hhmm);
  if (!match) throw new RangeError(`invalid time of day "${hhmm}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Wall-clock reading "YYYY-MM-DDTHH:mm[:ss]" encoded as if it were UTC ("local millis"),
 * or undefined when the fields do not name a real calendar date and time.
 */
export function parseLocalDateTime(text: string): number | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0));
  const ms = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  // Date.UTC rolls 2026-02-30 over to March; a round trip exposes such non-dates.
  const canonical = `${text.length === 16 ? `${text}:00` : text}.000Z`;
  return Number.isFinite(ms) && toIso(ms) === canonical ? ms : undefined;
}

export const LocalDateTimeSchema = z.string().refine((text) => parseLocalDateTime(text) !== undefined, {
  message: 'must be a local date-time without offset, "YYYY-MM-DDTHH:mm", e.g. "2026-01-05T09:00"',
});

/**
 * ISO instant with offset or Z (a Date is accepted too, as stored documents come back as
 * Dates); the output is normalised to UTC, e.g. "2026-03-08T07:00:00.000Z".
 */
const INSTANT_MESSAGE = 'must be an ISO instant with offset or Z, e.g. "2026-03-08T09:00:00-05:00"';

export const InstantSchema = z
  .union([z.string(), z.date()], { error: INSTANT_MESSAGE })
  .transform((value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? toIso(value.getTime()) : value))
  .pipe(
    z
      .string({ error: 'must be a valid date' })
      .refine((text) => parseInstant(text) !== undefined, { message: INSTANT_MESSAGE })
      .transform((text) => toIso(toEpochMs(text))),
  );

/**
 * Refinement for spans of instants; passes when either end is itself invalid, as that is
 * already reported at the field and "end must be after start" would only mislead.
 */
export function endsAfterStart(span: { start: string; end: string }): boolean {
  const start = parseInstant(span.start);
  const end = parseInstant(span.end);
  return start === undefined || end === undefined || end > start;
}

export const END_AFTER_START = { path: ['end'], message: 'end must be after start' };

/** Adds one issue per repeated key, at the repeated element, so the message names the field. */
export function reportDuplicates<T>(
  ctx: z.core.$RefinementCtx,
  items: readonly T[],
  key: (item: T) => string,
  path: (index: number) => PropertyKey[],
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: path(index), message: `duplicate ${what} "${k}"` });
    seen.add(k);
  });
}
