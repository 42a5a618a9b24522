import { z } from 'zod';
import { IdSchema, InstantSchema } from '../../../domain/common/fields';
import { defineRoute, ok } from '../../http/route';
import { E503_STORE } from '../errors-doc';

export const idParam = z.object({ id: IdSchema });
export const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const ChangeEventSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  summary: z.string(),
  source: z.string().optional(),
  /** The sender's timestamp, else when Vigil received it. */
  timestamp: InstantSchema,
  customDetails: z.record(z.string(), z.unknown()).optional(),
  links: z.array(z.unknown()).optional(),
  images: z.array(z.unknown()).optional(),
  receivedAt: InstantSchema,
});

/** `GET /services/{id}/changes`: the change events sent for a service, newest first. */
export const changeEventRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/services/{id}/changes',
    operationId: 'listServiceChanges',
    tag: 'On-call',
    auth: 'responder',
    summary: "The service's change events, newest first",
    request: { params: idParam, query: limitQuery },
    responses: {
      200: ok('The change events', z.object({ data: z.array(ChangeEventSchema) })),
      400: 'The fields at fault, each named',
      503: E503_STORE,
    },
    handler: async ({ params, query }, { changes }, { reply }) =>
      reply(200, { data: await changes.list(params.id, query.limit) }),
  }),
];
