/**
 * Query parameters of the report routes, validated the same way wherever they arrive (API
 * query string, console form). Times are ISO instants with an offset, or dates
 * ("2026-03-01" = 00:00 UTC). `to` defaults to now and `from` to 30 days before `to`; the
 * range must not be empty and spans at most two years, so one request stays bounded.
 */
import { z } from 'zod';
import { DAY_MS } from '../common/wall-clock';
import { IdSchema, parseInstant } from '../common/fields';
import { SeverityInputSchema } from '../incident/severity';
import { INCIDENT_GROUPINGS } from './incident-report';

export const DEFAULT_RANGE_DAYS = 30;
export const REPORT_FORMATS = ['json', 'csv'] as const;

const INSTANT_OR_DATE = 'must be an ISO instant with offset or Z (e.g. "2026-03-01T00:00:00Z") or a date "YYYY-MM-DD"';

const instantOrDate = z.string({ error: INSTANT_OR_DATE }).transform((text, ctx) => {
  const ms = parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (ms !== undefined) return ms;
  ctx.addIssue({ code: 'custom', message: INSTANT_OR_DATE });
  return z.NEVER;
});

/** Two calendar years after `from` (UTC), the longest range a report covers. */
export function twoYearsAfter(from: number): number {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + 2);
  return d.getTime();
}

const rangeShape = {
  from: instantOrDate.optional(),
  to: instantOrDate.optional(),
  format: z.enum(REPORT_FORMATS, { error: () => `must be one of: ${REPORT_FORMATS.join(', ')}` }).optional(),
};

/** Fills the defaults and checks the order and length of the range, naming the parameter at fault. */
function withRange<T extends { from?: number; to?: number }>(now: number) {
  return (q: T, ctx: z.core.$RefinementCtx<T>) => {
    const to = q.to ?? now;
    const from = q.from ?? to - DEFAULT_RANGE_DAYS * DAY_MS;
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    else if (to > twoYearsAfter(from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be at most two years after from' });
    return { ...q, from, to };
  };
}

export function incidentReportQuerySchema(now: number) {
  return z
    .object({
      ...rangeShape,
      service: IdSchema.optional(),
      team: IdSchema.optional(),
      severity: SeverityInputSchema.optional(),
      groupBy: z
        .enum(INCIDENT_GROUPINGS, { error: () => `must be one of: ${INCIDENT_GROUPINGS.join(', ')}` })
        .optional(),
    })
    .transform((q, ctx) => withRange<typeof q>(now)(q, ctx));
}
export type IncidentReportQuery = z.infer<ReturnType<typeof incidentReportQuerySchema>>;

export function onCallReportQuerySchema(now: number) {
  return z.object({ ...rangeShape, team: IdSchema.optional() }).transform((q, ctx) => withRange<typeof q>(now)(q, ctx));
}
export type OnCallReportQuery = z.infer<ReturnType<typeof onCallReportQuerySchema>>;
