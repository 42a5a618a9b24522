/**
 * Route table entries for the configuration API: CRUD per kind of lib/models/config.ts
 * CONFIG_KINDS (one set of paths each), on-call answers, the config-as-code apply and a
 * service's change events. See ./openapi-routes for the entry format.
 */
import type { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind } from '../lib/models/config';
import { configEnvelopes, kindComponent, pascalCase } from './openapi-schemas';
import type { Content, RouteDoc } from './openapi-routes';
import { applyQuery } from './routes/config-apply';
import { idParam } from './routes/config';
import { idParam as changesIdParam, limitQuery } from './routes/integrations/changes';
import { atQuery, idParam as onCallIdParam, rangeQuery } from './routes/oncall';

const json = (schema: z.ZodType | null): Content => ({ 'application/json': schema });
const E400 = 'The fields at fault, each named';
const E503 = 'MongoDB is unavailable; retry';

function kindRoutes(kind: ConfigKind): RouteDoc[] {
  const { path, schema } = CONFIG_KINDS[kind];
  const name = kindComponent(kind);
  const plural = pascalCase(path);
  const base = { tag: 'Configuration', params: { path: idParam } } as const;
  const body = { content: json(schema as z.ZodType) };
  const entity = (description: string) => ({ description, content: json(configEnvelopes[kind].entity) });
  const references = 'or an unknown reference';
  const managed = `The ${kind} is managed by the config folder`;
  return [
    {
      tag: base.tag,
      method: 'get',
      path: `/api/v1/${path}`,
      operationId: `list${plural}`,
      auth: 'responder',
      summary: `List ${path}`,
      responses: { 200: { description: `Every ${kind}`, content: json(configEnvelopes[kind].list) }, 503: E503 },
    },
    {
      ...base,
      method: 'get',
      path: `/api/v1/${path}/{id}`,
      operationId: `get${name}`,
      auth: 'responder',
      summary: `One ${kind}`,
      responses: { 200: entity(`The ${kind} and who manages it`), 400: E400, 404: `Unknown ${kind}`, 503: E503 },
    },
    {
      tag: base.tag,
      method: 'post',
      path: `/api/v1/${path}`,
      operationId: `create${name}`,
      auth: 'admin',
      summary: `Create a ${kind}`,
      body,
      responses: {
        201: entity('Created; Location names it'),
        400: `${E400}, ${references}`,
        409: 'The id exists, or an integration key belongs to another service',
        503: E503,
      },
    },
    {
      ...base,
      method: 'put',
      path: `/api/v1/${path}/{id}`,
      operationId: `replace${name}`,
      auth: 'admin',
      summary: `Create or replace a ${kind}`,
      description: 'The id comes from the path; an id in the body must match it.',
      body,
      responses: {
        200: entity('Replaced'),
        201: entity('Created'),
        400: `${E400}, ${references}`,
        409: `${managed}, or an integration key belongs to another service`,
        503: E503,
      },
    },
    {
      ...base,
      method: 'delete',
      path: `/api/v1/${path}/{id}`,
      operationId: `delete${name}`,
      auth: 'admin',
      summary: `Delete a ${kind}`,
      responses: {
        204: 'Deleted',
        400: E400,
        404: `Unknown ${kind}`,
        409: `${managed}, or entities still reference it (each named)`,
        503: E503,
      },
    },
  ];
}

export const CONFIG_ROUTES: readonly RouteDoc[] = [
  ...(Object.keys(CONFIG_KINDS) as ConfigKind[]).flatMap(kindRoutes),
  {
    method: 'get',
    path: '/api/v1/schedules/{id}/on-call',
    operationId: 'getScheduleOnCall',
    tag: 'On-call',
    auth: 'responder',
    summary: 'Who is on call at an instant, and the layer or override that decided it',
    params: { path: onCallIdParam, query: atQuery, describe: { at: 'Default: now' } },
    responses: { 200: '{ scheduleId, at, userIds, users, ... }', 400: E400, 404: 'Unknown schedule', 503: E503 },
  },
  {
    method: 'get',
    path: '/api/v1/schedules/{id}/shifts',
    operationId: 'listScheduleShifts',
    tag: 'On-call',
    auth: 'responder',
    summary: 'The merged on-call timeline (default: the next 7 days; at most 400 days)',
    params: { path: onCallIdParam, query: rangeQuery },
    responses: { 200: '{ scheduleId, from, to, shifts }', 400: E400, 404: 'Unknown schedule', 503: E503 },
  },
  {
    method: 'get',
    path: '/api/v1/services/{id}/on-call',
    operationId: 'getServiceOnCall',
    tag: 'On-call',
    auth: 'responder',
    summary: 'Who would be paged, level by level, and whether the service is in maintenance',
    params: { path: onCallIdParam, query: atQuery, describe: { at: 'Default: now' } },
    responses: {
      200: '{ serviceId, at, inMaintenance, escalationPolicy, levels }',
      400: E400,
      404: 'Unknown service or its policy',
      503: E503,
    },
  },
  {
    method: 'get',
    path: '/api/v1/services/{id}/changes',
    operationId: 'listServiceChanges',
    tag: 'On-call',
    auth: 'responder',
    summary: "The service's change events, newest first",
    params: { path: changesIdParam, query: limitQuery },
    responses: { 200: '{ data: [change events] }', 400: E400, 503: E503 },
  },
  {
    method: 'post',
    path: '/api/v1/config/apply',
    operationId: 'applyConfigFolder',
    tag: 'Configuration',
    auth: 'admin',
    summary: 'Reconcile the config folder now',
    params: {
      query: applyQuery,
      describe: { dryRun: 'Report without writing', adopt: 'Let the folder take over ids created through the API' },
    },
    responses: {
      200: 'Applied (or would be, with dryRun): the report',
      400: E400,
      422: { description: 'Refused with every error (file:line:column); nothing written', content: json(null) },
      503: E503,
    },
  },
];
