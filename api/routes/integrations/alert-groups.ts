import { Router } from 'express';
import { resolveMapping } from '../../../domain/config/integration-mapping';
import { HttpError, parseOr400 } from '../../errors';
import type { IncidentGateway } from '../../incident-gateway';
import { alertGroupSchema, mapAlertGroup, type AlertGroupFormat } from '../../ingest/alert-group';
import { deliverAll } from '../../ingest/delivery';
import type { IntegrationDirectory } from '../../ingest/integrations';

/**
 * Alertmanager / Grafana webhook receiver. `POST .../<format>/<integration key>` posts to
 * that key's service with its mapping; `POST .../<format>` lets a `service` label choose.
 * Answers 202 only once every incident it touches has recorded the notification; a 503 is
 * retried by Alertmanager, and a re-sent group changes nothing (fingerprints).
 */
export function alertGroupRoutes(
  format: AlertGroupFormat,
  incidents: IncidentGateway,
  integrations: IntegrationDirectory,
): Router {
  const router = Router();
  router.post(['/', '/:key'], async (req, res) => {
    const group = parseOr400(alertGroupSchema, req.body);
    const key = (req.params as { key?: string }).key;
    const integration = key === undefined ? undefined : await integrations.find(key);
    if (key !== undefined && integration?.source !== format) {
      throw new HttpError(404, 'unknown_integration', `no ${format} integration key matches the URL`);
    }
    const mapping = resolveMapping(format, integration?.mapping, integration ? undefined : 'service');
    const mapped = mapAlertGroup(group, { format, mapping, service: integration?.serviceId });
    if (!mapped.ok) {
      const summary = mapped.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new HttpError(400, 'validation_failed', `invalid ${format} notification: ${summary}`, mapped.issues);
    }
    const outcomes = await deliverAll(incidents, mapped.deliveries, new Date().toISOString());
    req.log.info(
      { format, incidents: outcomes.map((o) => o.incidentId), alerts: group.alerts.length },
      'alert group accepted',
    );
    res.status(202).json({ status: 'accepted', incidents: outcomes });
  });
  return router;
}
