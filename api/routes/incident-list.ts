import { z } from 'zod';
import { incidentListQuery, parseListQuery, type IncidentListQuery } from '../incident-list/query';
import { searchIncidents } from '../incident-list/search';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import { feature } from '../http/services';
import { SEVERITIES } from '../../domain/incident/severity';
import { INCIDENT_STATUSES } from '../incident-list/query';

/** One row of `GET /api/v1/incidents` (and the `row` of each feed event). */
export const IncidentListRowSchema = z.object({
  recordId: z.string(),
  incidentId: z.string(),
  number: z.int().optional(),
  service: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  summary: z.string(),
  createdAt: z.string(),
  alertCount: z.int(),
  holderIds: z.array(z.string()),
  pagedUserIds: z.array(z.string()),
  level: z.int().optional(),
  loop: z.int().optional(),
  snoozedUntil: z.string().optional(),
  resolvedAt: z.string().optional(),
  seq: z.int(),
});

export const IncidentListAnswerSchema = z.object({
  data: z.array(IncidentListRowSchema),
  counts: z.object({ triggered: z.int(), acknowledged: z.int(), resolved: z.int() }),
  nextCursor: z.string().nullable(),
  asOf: z.int(),
});

/** `GET /api/v1/incidents`: before `/{id}` in the table only by path shape (a different path). */
export const incidentListRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/incidents',
    operationId: 'listIncidents',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'The incident list: filters, newest first, cursor pages, counts by status',
    description:
      'Lists accept repeats or commas (`status=triggered,acknowledged`). `counts` apply every filter but status. ' +
      'Pass `nextCursor` back as `cursor`: pages stay stable while incidents are added. `asOf` is the feed position.',
    request: { query: incidentListQuery },
    // The query is parsed by parseListQuery (it also names unknown parameters), so the table's parse is skipped.
    middleware: () => [(req, _res, next) => ((req.listQuery = parseListQuery(req.query)), next())],
    responses: {
      200: ok('One page', IncidentListAnswerSchema),
      400: 'The parameter at fault, named: unknown status, malformed cursor, createdTo not after createdFrom, ...',
      503: 'The list is still loading from MongoDB; retry',
    },
    handler: async ({ principal }, services, { reply, req }) =>
      reply(
        200,
        await searchIncidents(feature(services, 'incidentList'), req.listQuery as IncidentListQuery, {
          userId: (principal as { userId?: string } | undefined)?.userId,
        }),
      ),
  }),
];

declare module 'express-serve-static-core' {
  interface Request {
    listQuery?: IncidentListQuery;
  }
}
