import type { Request } from 'express';
import { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind, type SpecOf } from '../../lib/models/config';
import { IdSchema } from '../../domain/common';
import { HttpError } from '../errors';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import { configEnvelopes, kindComponent, pascalCase } from '../openapi-schemas';
import { E503_STORE } from './errors-doc';

export const idParam = z.object({ id: IdSchema });
const E400 = 'The fields at fault, each named';

/** PUT takes the id from the path; an id in the body must match it. */
function bodyWithPathId(req: Request): unknown {
  const id = req.params.id;
  const body = req.body as unknown;
  if (body && typeof body === 'object' && 'id' in body && (body as { id: unknown }).id !== id) {
    throw new HttpError(400, 'validation_failed', 'invalid request body: id: must match the id in the path', [
      { path: 'id', message: 'must match the id in the path' },
    ]);
  }
  return body && typeof body === 'object' ? { ...body, id } : body;
}

/** REST CRUD for one configuration kind: list, get, create (POST), create-or-replace (PUT), delete. */
function kindRoutes(kind: ConfigKind): AnyRoute[] {
  const { path } = CONFIG_KINDS[kind];
  const schema = CONFIG_KINDS[kind].schema as unknown as z.ZodType<SpecOf<ConfigKind>>;
  const { entity, list } = configEnvelopes[kind];
  const name = kindComponent(kind);
  const collection = `/api/v1/${path}`;
  const one = `${collection}/{id}`;
  const base = { tag: 'Configuration' } as const;
  const references = 'or an unknown reference';
  const managed = `The ${kind} is managed by the config folder`;
  return [
    defineRoute({
      ...base,
      method: 'get',
      path: collection,
      operationId: `list${pascalCase(path)}`,
      auth: 'responder',
      summary: `List ${path}`,
      responses: { 200: ok(`Every ${kind}`, list), 503: E503_STORE },
      handler: async (_input, { config }, { reply }) =>
        reply(200, { data: (await config.list(kind)).map((e) => e.data) }),
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: one,
      operationId: `get${name}`,
      auth: 'responder',
      summary: `One ${kind}`,
      request: { params: idParam },
      responses: {
        200: ok(`The ${kind} and who manages it`, entity),
        400: E400,
        404: `Unknown ${kind}`,
        503: E503_STORE,
      },
      handler: async ({ params }, { config }, { reply }) => reply(200, await config.get(kind, params.id)),
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: collection,
      operationId: `create${name}`,
      auth: 'admin',
      summary: `Create a ${kind}`,
      request: { body: { schema } },
      responses: {
        201: ok('Created', entity, { location: `The path of the new ${kind}` }),
        400: `${E400}, ${references}`,
        409: 'The id exists, or an integration key belongs to another service',
        503: E503_STORE,
      },
      handler: async ({ body }, { config }, { reply }) =>
        reply(201, await config.create(kind, body), { headers: { location: `${collection}/${body.id}` } }),
    }),
    defineRoute({
      ...base,
      method: 'put',
      path: one,
      operationId: `replace${name}`,
      auth: 'admin',
      summary: `Create or replace a ${kind}`,
      description: 'The id comes from the path; an id in the body must match it.',
      request: { params: idParam, body: { schema, read: bodyWithPathId } },
      responses: {
        200: ok('Replaced', entity),
        201: ok('Created', entity),
        400: `${E400}, ${references}`,
        409: `${managed}, or an integration key belongs to another service`,
        503: E503_STORE,
      },
      handler: async ({ body }, { config }, { reply }) => {
        const { entity: stored, created } = await config.replace(kind, body);
        return created ? reply(201, stored) : reply(200, stored);
      },
    }),
    defineRoute({
      ...base,
      method: 'delete',
      path: one,
      operationId: `delete${name}`,
      auth: 'admin',
      summary: `Delete a ${kind}`,
      request: { params: idParam },
      responses: {
        204: 'Deleted',
        400: E400,
        404: `Unknown ${kind}`,
        409: `${managed}, or entities still reference it (each named)`,
        503: E503_STORE,
      },
      handler: async ({ params }, { config }, { reply }) => {
        await config.remove(kind, params.id);
        return reply(204, undefined);
      },
    }),
  ];
}

export const configRoutes: AnyRoute[] = (Object.keys(CONFIG_KINDS) as ConfigKind[]).flatMap(kindRoutes);
