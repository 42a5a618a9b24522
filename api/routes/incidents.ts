import { Router, type Request } from 'express';
import type { IncidentGateway } from '../incident-gateway';
import { parseOr400 } from '../errors';
import { incidentCommandSchema, incidentIdParam } from '../schemas';

/** Reads by workflow query; commands are workflow updates that answer or refuse (409). */
export function incidentRoutes(incidents: IncidentGateway): Router {
  const router = Router();
  const idOf = (req: Request) => parseOr400(incidentIdParam, req.params, 'path').id;
  const commandOf = (req: Request) => {
    const body = parseOr400(incidentCommandSchema, req.body ?? {});
    return { by: req.principal?.name ?? 'unknown', ...(body.note ? { note: body.note } : {}) };
  };

  router.get('/:id', async (req, res) => {
    res.json(await incidents.state(idOf(req)));
  });
  router.post('/:id/acknowledge', async (req, res) => {
    res.json(await incidents.acknowledge(idOf(req), commandOf(req)));
  });
  router.post('/:id/resolve', async (req, res) => {
    res.json(await incidents.resolve(idOf(req), commandOf(req)));
  });
  return router;
}
