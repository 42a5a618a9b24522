import { z } from 'zod';
import { IncidentStateSchema } from '../../domain/incident/state-schema';
import { defineRoute, ok, type AnyRoute } from '../http/route';
import type { IncidentCommands } from '../incident-gateway';
import {
  incidentCommandSchema,
  incidentIdParam,
  noteSchema,
  reassignSchema,
  resolveCommandSchema,
  severityChangeSchema,
  snoozeSchema,
} from '../schemas';
import { E400, E503, UNKNOWN_INCIDENT } from './errors-doc';

const base = { tag: 'Incidents', auth: 'responder' } as const;
export const incidentTarget = (p: Record<string, string>) => `incident:${p.id}`;
const audit = (action: string) => ({ action, target: incidentTarget });
const state = ok('The incident state', IncidentStateSchema);

/** `POST /incidents/{id}/<name>`: a workflow update that answers the new state or refuses (409). */
function command<N extends keyof IncidentCommands, B extends z.ZodType>(
  name: N,
  summary: string,
  body: B,
  toCommand: (body: z.output<B>, by: string) => IncidentCommands[N],
): AnyRoute {
  return defineRoute({
    ...base,
    method: 'post',
    path: `/api/v1/incidents/{id}/${name}`,
    operationId: `${name}Incident`,
    summary,
    audit: audit(`incident.${name}`),
    // Generic over the body schema, which TypeScript cannot narrow here: checked at the call sites.
    request: { params: incidentIdParam, body: { schema: body as z.ZodType } },
    responses: { 200: state, 400: E400, 404: UNKNOWN_INCIDENT, 409: 'Refused, with the reason', 503: E503 },
    handler: async ({ params, body: parsed, by }, { incidents }, { reply }) =>
      reply(200, await incidents.command(params.id, name, toCommand(parsed as z.output<B>, by))),
  });
}

const withNote = (body: { note?: string }, by: string) => ({ by, ...(body.note ? { note: body.note } : {}) });

/** Reads by workflow query; commands are workflow updates that answer or refuse (409), each audited. */
export const incidentRoutes: AnyRoute[] = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/incidents/{id}',
    operationId: 'getIncident',
    summary: 'Incident state and timeline',
    request: { params: incidentIdParam },
    responses: {
      200: ok('The incident state (workflow query)', IncidentStateSchema),
      400: E400,
      404: UNKNOWN_INCIDENT,
      503: E503,
    },
    handler: async ({ params }, { incidents }, { reply }) => reply(200, await incidents.state(params.id)),
  }),
  command('acknowledge', 'Acknowledge: paging stops', incidentCommandSchema, withNote),
  command('resolve', 'Resolve, optionally classified', resolveCommandSchema, (b, by) => ({
    ...withNote(b, by),
    ...(b.classification ? { classification: b.classification } : {}),
  })),
  command('escalate', 'Page the next step now (un-acknowledges)', incidentCommandSchema, withNote),
  command('reassign', 'Reassign to users or a policy; pages them from level 1', reassignSchema, (b, by) => ({
    ...b,
    by,
  })),
  command('snooze', 'Quiet until then, then paged again from level 1', snoozeSchema, (b, by) => ({ ...b, by })),
  command('severity', 'Change the severity; re-plans the SLA timers', severityChangeSchema, (b, by) => ({ ...b, by })),
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/incidents/{id}/notes',
    operationId: 'addIncidentNote',
    summary: 'Add a note to the timeline',
    audit: audit('incident.note'),
    request: { params: incidentIdParam, body: { schema: noteSchema } },
    responses: {
      202: ok('Noted', z.object({ status: z.literal('accepted') })),
      400: E400,
      404: UNKNOWN_INCIDENT,
      409: 'The incident is closed: its workflow has ended',
      503: E503,
    },
    handler: async ({ params, body, by }, { incidents }, { reply }) => {
      await incidents.note(params.id, { ...body, by });
      return reply(202, { status: 'accepted' });
    },
  }),
];
