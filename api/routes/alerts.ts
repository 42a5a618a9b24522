import { z } from 'zod';
import { defineRoute, ok } from '../http/route';
import { defaultDedupKey } from '../incident-id';
import { genericAlertSchema } from '../schemas';
import { E400, E413, E503 } from './errors-doc';

export const AlertAcceptedSchema = z.object({
  /** "ignored": a resolution for which no incident is open. */
  status: z.enum(['accepted', 'ignored']),
  incidentId: z.string(),
  dedupKey: z.string(),
  links: z.object({ incident: z.string() }).optional(),
});

/**
 * Generic JSON ingestion. Answers 202 only once Temporal has durably accepted the signal,
 * so an accepted alert is never lost; a 503 tells the sender to retry.
 */
export const alertRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/alerts',
    operationId: 'postAlert',
    tag: 'Ingest',
    auth: 'ingest',
    summary: 'Generic JSON alert',
    request: { body: { schema: genericAlertSchema } },
    responses: { 202: ok('Recorded', AlertAcceptedSchema), 400: E400, 413: E413, 503: E503 },
    handler: async ({ body: alert }, { incidents }, { reply, req }) => {
      const dedupKey = alert.dedupKey ?? defaultDedupKey(alert.source, alert.summary);
      if (alert.status === 'resolved') {
        const { incidentId, delivered } = await incidents.sourceResolved(alert.service, dedupKey, alert.source);
        return reply(202, { status: delivered ? 'accepted' : 'ignored', incidentId, dedupKey });
      }
      const { incidentId } = await incidents.ingest({
        source: alert.source,
        dedupKey,
        service: alert.service,
        summary: alert.summary,
        severity: alert.severity,
        details: alert.details,
        receivedAt: new Date().toISOString(),
        ...(alert.incidentType ? { incidentType: alert.incidentType } : {}),
        ...(alert.startedAt ? { startedAt: new Date(alert.startedAt).toISOString() } : {}),
      });
      req.log.info({ incidentId, service: alert.service }, 'alert accepted');
      const links = { incident: `/api/v1/incidents/${incidentId}` };
      return reply(202, { status: 'accepted', incidentId, dedupKey, links });
    },
  }),
];
