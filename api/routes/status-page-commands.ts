/**
 * Responders' commands on an incident's status-page incident (../status-page/commands.ts):
 * list what the incident shows on pages, hold back / release, edit the title or latest
 * message, post an update. Unknown page or no incident on it: 404; an unknown component:
 * 422; an update on a resolved page incident: 409; a bad status value: 400 naming it.
 */
import { z } from 'zod';
import { IdSchema } from '../../domain/common';
import {
  COMPONENT_STATUSES,
  IMPACTS,
  INCIDENT_STATUSES,
  PageEditSchema,
  PageHoldSchema,
  PageUpdateInputSchema,
} from '../../domain/status-page';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import { incidentIdParam } from '../schemas';
import { E400, E503_STORE } from './errors-doc';
import { incidentTarget } from './incidents';

const UpdateSchema = z.object({
  id: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  body: z.string(),
  createdAt: z.string(),
  displayAt: z.string(),
  components: z.record(z.string(), z.enum(COMPONENT_STATUSES)).optional(),
  by: z.string(),
});
export const PageIncidentSchema = z.object({
  id: z.string(),
  pageId: z.string(),
  incidentId: z.string().optional(),
  name: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  impact: z.enum(IMPACTS),
  components: z.record(z.string(), z.enum(COMPONENT_STATUSES)),
  held: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  monitoringAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  updates: z.array(UpdateSchema),
});

const base = { tag: 'Status pages', auth: 'responder' } as const;
/** An incident and one of its status pages (also the console's forms). */
export const incidentPageParams = incidentIdParam.extend({ pageId: IdSchema });
const shown = ok("The page's incident after the command", PageIncidentSchema);
const NOT_FOUND = 'No such status page, or no incident on it for this incident';
const audit = (action: string) => ({ action, target: incidentTarget });

export const statusPageCommandRoutes: AnyRoute[] = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/incidents/{id}/status-page',
    operationId: 'listIncidentStatusPages',
    summary: "The incident's incidents on status pages (held back ones too), newest first",
    request: { params: incidentIdParam },
    responses: { 200: ok('Page incidents', z.array(PageIncidentSchema)), 400: E400, 503: E503_STORE },
    handler: async ({ params }, { statusPageCommands }, { reply }) =>
      reply(200, await statusPageCommands.list(params.id)),
  }),
  defineRoute({
    ...base,
    method: 'put',
    path: '/api/v1/incidents/{id}/status-page/{pageId}/hold',
    operationId: 'holdIncidentStatusPage',
    summary: "Hold back the page's incident (not shown, or withdrawn) or release it (held: false)",
    audit: audit('incident.status_page.hold'),
    request: { params: incidentPageParams, body: { schema: PageHoldSchema } },
    responses: { 200: shown, 400: E400, 404: NOT_FOUND, 503: E503_STORE },
    handler: async ({ params, body, by }, { statusPageCommands }, { reply }) =>
      reply(200, await statusPageCommands.hold(params.id, params.pageId, body.held, by)),
  }),
  defineRoute({
    ...base,
    method: 'patch',
    path: '/api/v1/incidents/{id}/status-page/{pageId}',
    operationId: 'editIncidentStatusPage',
    summary: "Edit the page incident's title or the text of its latest update",
    audit: audit('incident.status_page.edit'),
    request: { params: incidentPageParams, body: { schema: PageEditSchema } },
    responses: { 200: shown, 400: E400, 404: NOT_FOUND, 503: E503_STORE },
    handler: async ({ params, body, by }, { statusPageCommands }, { reply }) =>
      reply(200, await statusPageCommands.edit(params.id, params.pageId, body, by)),
  }),
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/incidents/{id}/status-page/{pageId}/updates',
    operationId: 'postIncidentStatusPageUpdate',
    summary: 'Post an update (status, message, optionally component statuses) on the page',
    audit: audit('incident.status_page.update'),
    request: { params: incidentPageParams, body: { schema: PageUpdateInputSchema } },
    responses: {
      200: shown,
      400: E400,
      404: NOT_FOUND,
      409: "The page's incident is resolved",
      422: 'A component the page does not have',
      503: E503_STORE,
    },
    handler: async ({ params, body, by }, { statusPageCommands }, { reply }) =>
      reply(200, await statusPageCommands.post(params.id, params.pageId, body, by)),
  }),
];
