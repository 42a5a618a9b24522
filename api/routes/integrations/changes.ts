import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ChangeEventStore } from '../../../lib/models/change-event';
import { IdSchema } from '../../../domain/common/fields';
import { parseOr400 } from '../../errors';

export const idParam = z.object({ id: IdSchema });
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** `GET /services/:id/changes`: the change events sent for a service, newest first. */
export function changeEventRoutes(changes: ChangeEventStore, read: RequestHandler): Router {
  const router = Router();
  router.get('/services/:id/changes', read, async (req, res) => {
    const { id } = parseOr400(idParam, req.params, 'path');
    const { limit } = parseOr400(limitQuery, req.query, 'query');
    res.json({ data: await changes.list(id, limit) });
  });
  return router;
}
