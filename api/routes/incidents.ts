import { Router, type Request, type RequestHandler } from 'express';
import type { AuditLog } from '../../lib/audit';
import { audited } from '../audit';
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

export const incidentTarget = (p: Record<string, string>) => `incident:${p.id}`;

/** Reads by workflow query; commands are workflow updates that answer or refuse (409), each audited. */
export function incidentRoutes(incidents: IncidentGateway, responder: RequestHandler, audit: AuditLog): Router {
  const router = Router();
  const idOf = (req: Request) => parseOr400(incidentIdParam, req.params, 'path').id;
  const by = (req: Request) => req.principal?.actor ?? 'unknown';
  const command = (action: string) => audited(audit, { action, target: incidentTarget }, responder);

  router.get('/:id', responder, async (req, res) => {
    res.json(await incidents.state(idOf(req)));
  });
  for (const name of ['acknowledge', 'resolve', 'escalate'] as const) {
    router.post(`/:id/${name}`, ...command(`incident.${name}`), async (req, res) => {
      const id = idOf(req);
      const body = parseOr400(incidentCommandSchema, req.body ?? {});
      res.json(await incidents.command(id, name, { by: by(req), ...(body.note ? { note: body.note } : {}) }));
    });
  }
  router.post('/:id/reassign', ...command('incident.reassign'), async (req, res) => {
    const id = idOf(req);
    res.json(await incidents.command(id, 'reassign', { ...parseOr400(reassignSchema, req.body), by: by(req) }));
  });
  router.post('/:id/snooze', ...command('incident.snooze'), async (req, res) => {
    const id = idOf(req);
    res.json(await incidents.command(id, 'snooze', { ...parseOr400(snoozeSchema, req.body), by: by(req) }));
  });
  router.post('/:id/severity', ...command('incident.severity'), async (req, res) => {
    const id = idOf(req);
    res.json(await incidents.command(id, 'severity', { ...parseOr400(severityChangeSchema, req.body), by: by(req) }));
  });
  router.post('/:id/notes', ...command('incident.note'), async (req, res) => {
    const id = idOf(req);
    await incidents.note(id, { ...parseOr400(noteSchema, req.body), by: by(req) });
    res.status(202).json({ status: 'accepted' });
  });
  return router;
}
