import { z } from 'zod';
import { buildOpenApiDocument } from '../http/openapi';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import type { JsonObject } from '../openapi-schemas';

/** Built on the first request for a route table and kept: the table does not change while the app runs. */
const documents = new WeakMap<readonly AnyRoute[], JsonObject>();

/** `GET /openapi.json`: this server's OpenAPI document, listing exactly the routes it mounts. */
export const openApiRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'Meta',
    auth: 'anyToken',
    summary: 'This document',
    responses: { 200: ok('The OpenAPI 3.1 document of this server', z.record(z.string(), z.unknown())) },
    handler: (_input, { routes }, { reply }) => {
      let document = documents.get(routes);
      if (!document) documents.set(routes, (document = buildOpenApiDocument(routes)));
      return reply(200, document);
    },
  }),
];
