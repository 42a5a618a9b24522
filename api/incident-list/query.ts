/**
 * The incident list's query string (`GET /api/v1/incidents`, the console's list): parsed
 * once by zod, so the API and the console filter alike and every refusal names the
 * parameter at fault.
 */
import { z } from 'zod';
import { IdSchema, InstantSchema, toEpochMs } from '../../domain/common/fields';
import { SeverityInputSchema } from '../../domain/incident/severity';
import { serviceSlug } from '../schemas';
import { HttpError, parseOr400 } from '../errors';

export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export const MAX_PAGE = 200;

/** `?status=a&status=b` and `?status=a,b` alike; empty items dropped. */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item as unknown as z.ZodType<z.output<T>, string>).max(50, 'at most 50 values'));

const CursorSchema = z.tuple([InstantSchema, z.string().max(600)]);
export type Cursor = z.infer<typeof CursorSchema>;

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A cursor is opaque to clients: anything that is not one of ours is refused. */
const cursorParam = z
  .string()
  .max(1000)
  .transform((s, ctx) => {
    try {
      return CursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page (use nextCursor as given)' });
      return z.NEVER;
    }
  });

export const incidentListQuery = z
  .strictObject({
    status: listOf(
      z.enum(INCIDENT_STATUSES, { error: () => `must be one of: ${INCIDENT_STATUSES.join(', ')}` }),
    ).optional(),
    service: listOf(serviceSlug).optional(),
    severity: listOf(SeverityInputSchema).optional(),
    team: listOf(IdSchema).optional(),
    /** A user id, or "me": the signed-in person (needs a personal token). */
    pagedTo: z.union([z.literal('me'), IdSchema]).optional(),
    createdFrom: InstantSchema.optional(),
    createdTo: InstantSchema.optional(),
    /** Words that must all appear in the summary (case-insensitive). */
    q: z.string().trim().max(200, 'at most 200 characters').optional(),
    limit: z.coerce.number().int('must be a whole number').min(1).max(MAX_PAGE).default(50),
    cursor: cursorParam.optional(),
  })
  .refine((q) => !q.createdFrom || !q.createdTo || toEpochMs(q.createdTo) > toEpochMs(q.createdFrom), {
    path: ['createdTo'],
    message: 'must be after createdFrom',
  });
export type IncidentListQuery = z.infer<typeof incidentListQuery>;

/** Parses a list query string; an unknown parameter (a typo such as `stauts`) is named too. */
export function parseListQuery(raw: Record<string, unknown>): IncidentListQuery {
  const known = new Set(Object.keys(incidentListQuery.shape));
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const issues = unknown.map((k) => ({ path: k, message: `unknown parameter; known: ${[...known].join(', ')}` }));
    throw new HttpError(400, 'validation_failed', `invalid query: unknown parameter ${unknown.join(', ')}`, issues);
  }
  return parseOr400(incidentListQuery, raw, 'query');
}
