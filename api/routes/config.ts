import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind, type SpecOf } from '../../lib/models/config';
import { IdSchema } from '../../domain/common';
import type { ConfigStore } from '../config-store';
import { HttpError, parseOr400 } from '../errors';

export const idParam = z.object({ id: IdSchema });

/** REST CRUD for one configuration kind: list, get, create (POST), create-or-replace (PUT), delete. */
export function configRoutes(
  store: ConfigStore,
  kind: ConfigKind,
  auth: { read: RequestHandler; write: RequestHandler },
): Router {
  const router = Router();
  const schema = CONFIG_KINDS[kind].schema as unknown as z.ZodType<SpecOf<ConfigKind>>;

  router.get('/', auth.read, async (_req, res) => {
    res.json({ data: (await store.list(kind)).map((e) => e.data) });
  });
  router.get('/:id', auth.read, async (req, res) => {
    res.json(await store.get(kind, parseOr400(idParam, req.params, 'path').id));
  });
  router.post('/', auth.write, async (req, res) => {
    const spec = parseOr400(schema, req.body);
    res
      .status(201)
      .location(`${req.baseUrl}/${spec.id}`)
      .json(await store.create(kind, spec));
  });
  router.put('/:id', auth.write, async (req, res) => {
    const { id } = parseOr400(idParam, req.params, 'path');
    const body = req.body as unknown;
    if (body && typeof body === 'object' && 'id' in body && (body as { id: unknown }).id !== id) {
      throw new HttpError(400, 'validation_failed', 'invalid request body: id: must match the id in the path', [
        { path: 'id', message: 'must match the id in the path' },
      ]);
    }
    const spec = parseOr400(schema, body && typeof body === 'object' ? { ...body, id } : body);
    const { entity, created } = await store.replace(kind, spec);
    res.status(created ? 201 : 200).json(entity);
  });
  router.delete('/:id', auth.write, async (req, res) => {
    await store.remove(kind, parseOr400(idParam, req.params, 'path').id);
    res.status(204).end();
  });
  return router;
}
