import { Router } from 'express';
import { z } from 'zod';
import { incidentListQuery, parseListQuery } from '../incident-list/query';
import { searchIncidents } from '../incident-list/search';
import type { IncidentList } from '../incident-list/service';
import { SEVERITIES } from '../../domain/incident/severity';
import { INCIDENT_STATUSES } from '../incident-list/query';
import { incidentFeedHandler } from './incident-events';

export { incidentListQuery };

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

/** `GET /` (the list) and `GET /events` (SSE), mounted under /api/v1/incidents before `/:id`. */
export function incidentListRoutes(list: IncidentList): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = parseListQuery(req.query);
    res.json(await searchIncidents(list, q, req.principal as { userId?: string }));
  });
  router.get('/events', incidentFeedHandler(list));
  return router;
}
