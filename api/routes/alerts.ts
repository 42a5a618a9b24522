import { Router } from 'express';
import type { IncidentGateway } from '../incident-gateway';
import { parseOr400 } from '../errors';
import { defaultDedupKey } from '../incident-id';
import { genericAlertSchema } from '../schemas';

/**
 * Generic JSON ingestion. Answers 202 only once Temporal has durably accepted the signal,
 * so an accepted alert is never lost; a 503 tells the sender to retry.
 */
export function alertRoutes(incidents: IncidentGateway): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const alert = parseOr400(genericAlertSchema, req.body);
    const dedupKey = alert.dedupKey ?? defaultDedupKey(alert.source, alert.summary);
    if (alert.status === 'resolved') {
      const { incidentId, delivered } = await incidents.sourceResolved(alert.service, dedupKey, alert.source);
      res.status(202).json({ status: delivered ? 'accepted' : 'ignored', incidentId, dedupKey });
      return;
    }
    const { incidentId } = await incidents.ingest({
      source: alert.source,
      dedupKey,
      service: alert.service,
      summary: alert.summary,
      severity: alert.severity,
      details: alert.details,
      receivedAt: new Date().toISOString(),
    });
    req.log.info({ incidentId, service: alert.service }, 'alert accepted');
    res
      .status(202)
      .json({ status: 'accepted', incidentId, dedupKey, links: { incident: `/api/v1/incidents/${incidentId}` } });
  });
  return router;
}
