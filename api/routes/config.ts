import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../../lib/audit';
import { CONFIG_KINDS, type ConfigKind, type SpecOf } from '../../lib/models/config';
import { IdSchema } from '../../domain/common';
import { audited, type AuditSpec } from '../audit';
import type { ConfigStore } from '../config-store';
import { HttpError, parseOr400 } from '../errors';

export const idParam = z.object({ id: IdSchema });

/** The stored spec of one entity (undefined: none), for the audit log's before/after hashes. */
async function storedSpec(store: ConfigStore, kind: ConfigKind, id: string | undefined): Promise<unknown> {
  if (id === undefined || !IdSchema.safeParse(id).success) return undefined;
  try {
    return (await store.get(kind, id)).data;
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return undefined;
    throw err;
  }
}

/**
 * REST CRUD for one configuration kind: list, get, create (POST), create-or-replace (PUT),
 * delete; every write audited with the hash of the entity before and after.
 */
export function configRoutes(
  store: ConfigStore,
  kind: ConfigKind,
  auth: { read: RequestHandler; write: RequestHandler },
  audit: AuditLog,
): Router {
  const router = Router();
  const schema = CONFIG_KINDS[kind].schema as unknown as z.ZodType<SpecOf<ConfigKind>>;
  const write = (verb: 'create' | 'replace' | 'delete') => {
    const spec: AuditSpec = {
      action: `${kind}.${verb}`,
      target: (p) => `${kind}:${p.id ?? '(new)'}`,
      document: (p) => storedSpec(store, kind, p.id),
    };
    return [
      // POST names its id in the body: the path has none to read before the write.
      ...(verb === 'create' ? [bodyIdAsParam] : []),
      ...audited(audit, spec, auth.write),
    ];
  };

  router.get('/', auth.read, async (_req, res) => {
    res.json({ data: (await store.list(kind)).map((e) => e.data) });
  });
  router.get('/:id', auth.read, async (req, res) => {
    res.json(await store.get(kind, parseOr400(idParam, req.params, 'path').id));
  });
  router.post('/', ...write('create'), async (req, res) => {
    const spec = parseOr400(schema, req.body);
    res
      .status(201)
      .location(`${req.baseUrl}/${spec.id}`)
      .json(await store.create(kind, spec));
  });
  router.put('/:id', ...write('replace'), async (req, res) => {
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
  router.delete('/:id', ...write('delete'), async (req, res) => {
    await store.remove(kind, parseOr400(idParam, req.params, 'path').id);
    res.status(204).end();
  });
  return router;
}

/** Lets the audit declaration read a created entity's id (from the body) like a path parameter. */
const bodyIdAsParam: RequestHandler = (req, _res, next) => {
  const id = (req.body as { id?: unknown } | null | undefined)?.id;
  if (typeof id === 'string') (req.params as Record<string, string>).id = id.slice(0, 63);
  next();
};
