import { Router, type RequestHandler } from 'express';
import type { IncidentGateway } from '../../incident-gateway';
import { bearerOrBasic } from '../../ingest/auth';
import type { IntegrationDirectory } from '../../ingest/integrations';
import { alertGroupRoutes } from './alert-groups';

/** `/api/v1/integrations/{alertmanager,grafana}[/<key>]`, for ingest keys sent as Bearer or basic auth. */
export function integrationRoutes(
  ingestGuard: RequestHandler,
  incidents: IncidentGateway,
  integrations: IntegrationDirectory,
): Router {
  const router = Router();
  const guard = bearerOrBasic(ingestGuard);
  router.use('/alertmanager', guard, alertGroupRoutes('alertmanager', incidents, integrations));
  router.use('/grafana', guard, alertGroupRoutes('grafana', incidents, integrations));
  return router;
}
