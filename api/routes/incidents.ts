import { Router, type Request } from 'express';
import type { IncidentGateway } from '../incident-gateway';
import { parseOr400 } from '../errors';
import {
  incidentCommandSchema,
  incidentIdParam,
  noteSchema,
  reassignSchema,
  severityChangeSchema,
  snoozeSchema,
} from '../schemas';

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
  const by = (req: Request) => req.principal?.name ?? 'unknown';
  for (const name of ['acknowledge', 'resolve', 'escalate'] as const) {
    router.post(`/:id/${name}`, async (req, res) => {
      res.json(await incidents.command(idOf(req), name, commandOf(req)));
    });
  }
  router.post('/:id/reassign', async (req, res) => {
    res.json(await incidents.command(idOf(req), 'reassign', { ...parseOr400(reassignSchema, req.body), by: by(req) }));
  });
  router.post('/:id/snooze', async (req, res) => {
    res.json(await incidents.command(idOf(req), 'snooze', { ...parseOr400(snoozeSchema, req.body), by: by(req) }));
  });
  router.post('/:id/severity', async (req, res) => {
    res.json(
      await incidents.command(idOf(req), 'severity', { ...parseOr400(severityChangeSchema, req.body), by: by(req) }),
    );
  });
  router.post('/:id/notes', async (req, res) => {
    await incidents.note(idOf(req), { ...parseOr400(noteSchema, req.body), by: by(req) });
    res.status(202).json({ status: 'accepted' });
  });
  return router;
}
