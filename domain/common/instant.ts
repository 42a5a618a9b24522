/**
 * Instants as ISO text, epoch millis or Dates. Zod-free on purpose: workflow code imports
 * it, and every workflow instance evaluates its modules afresh (test/workflows/bundle.test.ts);
 * the schemas built on it are in fields.ts.
 */
import { DateTime } from 'luxon';

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** Epoch millis of ISO text with offset or Z, or undefined if it is not a real instant. */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  // Date.parse rolls 2026-02-30 over to March instead of refusing it.
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  // Date.parse is exact for ECMAScript's ISO subset (at most 3 fraction digits) and far
  // cheaper than luxon; schedules re-read their override instants on every lookup.
  const ms = (m[5]?.length ?? 0) <= 4 ? Date.parse(text) : DateTime.fromISO(text, { setZone: true }).toMillis();
  return Number.isFinite(ms) ? ms : undefined;
}

/** An instant as accepted by the domain helpers: a Date, epoch millis, or ISO text with offset. */
export type InstantInput = Date | string | number;

/** Epoch millis of an instant; throws RangeError on text without an offset or an invalid date. */
export function toEpochMs(instant: InstantInput): number {
  if (typeof instant === 'number') return finiteOrThrow(instant, instant);
  if (instant instanceof Date) return finiteOrThrow(instant.getTime(), instant);
  const ms = parseInstant(instant);
  if (ms === undefined) throw new RangeError(`"${instant}" is not an ISO instant with offset or Z`);
  return ms;
}

function finiteOrThrow(ms: number, original: unknown): number {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant ${String(original)}`);
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
