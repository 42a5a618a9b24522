/**
 * Incident coordination by API: set an incident's type, assign / hand over / release its
 * roles (workflow updates: a type or role that does not exist, or a person not on a role's
 * rotation when it requires one, is 422 naming it; a command that does not fit the incident
 * is 409), and preview a communication template against an incident or a sample.
 */
import { z } from 'zod';
import { IdSchema } from '../../domain/common';
import { incidentView, renderTemplate } from '../../domain/coordination';
import type { IncidentState } from '../../domain/incident/incident';
import { severityTargets } from '../../domain/incident/severity';
import { IncidentStateSchema } from '../../domain/incident/state-schema';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import { incidentIdParam } from '../schemas';
import { E400, E503, UNKNOWN_INCIDENT } from './errors-doc';
import { incidentTarget } from './incidents';

const note = z.string().trim().max(2000).optional();
const withNote = (b: { note?: string }) => (b.note ? { note: b.note } : {});
const roleParams = incidentIdParam.extend({ roleId: IdSchema });
const state = ok('The incident state', IncidentStateSchema);
const refused = {
  409: 'Refused: resolved, already so, or nobody holds the role',
  422: 'An unknown type, role or user, or a person not on the rotation the role requires',
};
const base = { tag: 'Incidents', auth: 'responder' } as const;

/** Bodies of the commands, as the console's forms post them too (the role in the body there). */
export const setTypeSchema = z.object({ type: IdSchema, note });
export const assignRoleSchema = z.object({ roleId: IdSchema, userId: IdSchema, note });
export const releaseRoleSchema = z.object({ roleId: IdSchema, note });

const PreviewSchema = z.object({
  /** Render against this incident's current state; absent: a sample SEV1 incident. */
  incidentId: incidentIdParam.shape.id.optional(),
});
const RenderedSchema = z.object({ subject: z.string().optional(), body: z.string() });

/** A SEV1 outage on the auth service, for previews without an incident. */
function sampleIncident(now: string): IncidentState {
  const started = new Date(Date.parse(now) - 25 * 60_000).toISOString();
  return {
    ...{ incidentId: 'incident-sample', runKey: 'sample', service: 'auth', dedupKey: 'sample', number: 42 },
    ...{ summary: 'Login requests failing with 503', severity: 'SEV1', status: 'acknowledged', alertCount: 3 },
    ...{ createdAt: started, lastAlertAt: now, acknowledgedBy: 'jane-smith', details: {}, timelineDropped: 0, seq: 1 },
    incidentType: 'outage',
    roles: [{ roleId: 'incident-commander', userId: 'john-doe', since: started, by: 'vigil' }],
    timeline: [
      { at: now, type: 'note', message: 'Rolled back the 14:02 deploy; error rate falling', by: 'jane-smith' },
    ],
  };
}

export const coordinationRoutes: AnyRoute[] = [
  defineRoute({
    ...base,
    method: 'put',
    path: '/api/v1/incidents/{id}/type',
    operationId: 'setIncidentType',
    summary: "Set the incident's type; a type with its own policy pages on it from level 1",
    audit: { action: 'incident.type', target: incidentTarget },
    request: { params: incidentIdParam, body: { schema: setTypeSchema } },
    responses: { 200: state, 400: E400, 404: UNKNOWN_INCIDENT, ...refused, 503: E503 },
    handler: async ({ params, body, by }, { incidents }, { reply }) =>
      reply(200, await incidents.command(params.id, 'type', { by, type: body.type, ...withNote(body) })),
  }),
  defineRoute({
    ...base,
    method: 'put',
    path: '/api/v1/incidents/{id}/roles/{roleId}',
    operationId: 'assignIncidentRole',
    summary: 'Give a role to someone (hands it over when another holds it); they are told at once',
    audit: { action: 'incident.role.assign', target: incidentTarget },
    request: { params: roleParams, body: { schema: assignRoleSchema.omit({ roleId: true }) } },
    responses: { 200: state, 400: E400, 404: UNKNOWN_INCIDENT, ...refused, 503: E503 },
    handler: async ({ params, body, by }, { incidents }, { reply }) => {
      const cmd = { by, roleId: params.roleId, userId: body.userId, ...withNote(body) };
      return reply(200, await incidents.command(params.id, 'assignRole', cmd));
    },
  }),
  defineRoute({
    ...base,
    method: 'delete',
    path: '/api/v1/incidents/{id}/roles/{roleId}',
    operationId: 'releaseIncidentRole',
    summary: 'Release a role; while the incident needs it, its holder is reminded',
    audit: { action: 'incident.role.release', target: incidentTarget },
    request: { params: roleParams },
    responses: { 200: state, 400: E400, 404: UNKNOWN_INCIDENT, ...refused, 503: E503 },
    handler: async ({ params, by }, { incidents }, { reply }) =>
      reply(200, await incidents.command(params.id, 'releaseRole', { by, roleId: params.roleId })),
  }),
  defineRoute({
    tag: 'Configuration',
    auth: 'responder',
    method: 'post',
    path: '/api/v1/templates/{id}/preview',
    operationId: 'previewTemplate',
    summary: 'Render a communication template against an incident, or a sample SEV1 incident',
    request: { params: z.object({ id: IdSchema }), body: { schema: PreviewSchema } },
    responses: {
      200: ok('The rendered subject and body', RenderedSchema),
      400: E400,
      404: 'Unknown template or incident',
      503: E503,
    },
    handler: async ({ params, body }, { config, incidents }, { reply }) => {
      const template = (await config.get('commsTemplate', params.id)).data;
      const now = new Date().toISOString();
      const incident = body.incidentId ? await incidents.state(body.incidentId) : sampleIncident(now);
      const service = (await config.list('service')).find((s) => s.data.id === incident.service)?.data;
      const names = Object.fromEntries((await config.list('user')).map((u) => [u.data.id, u.data.name]));
      const every = severityTargets(incident.severity, service?.severityOverrides).updateEveryMinutes;
      const view = incidentView(incident, {
        now,
        names,
        ...(service ? { serviceName: service.name, tier: service.tier } : {}),
        ...(every === undefined ? {} : { updateEveryMinutes: every }),
        links: { incident: `/incidents/${incident.incidentId}` },
      });
      return reply(200, renderTemplate(template, view));
    },
  }),
];
