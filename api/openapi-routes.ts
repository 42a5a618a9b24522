/**
 * The route table behind the OpenAPI document: one entry per operation the app mounts,
 * naming the zod schemas its route validates with. Configuration, on-call and change
 * routes are in ./openapi-routes-config. README's API table and test/unit/openapi.test.ts
 * keep this list, the README and app.ts in step.
 */
import { z } from 'zod';
import { alertGroupSchema, FORMAT_VERSION, type AlertGroupFormat } from './ingest/alert-group';
import { changeSchema } from './ingest/pagerduty';
import { CONFIG_ROUTES } from './openapi-routes-config';
import { pagerDutyEventSchema } from './openapi-schemas';
import { formSchema } from '../integrations/respond/routes';
import { reviewQuery } from './routes/review';
import { IncidentListAnswerSchema, incidentListQuery } from './routes/incident-list';
import { incidentEventsQuery } from './routes/incident-events';
import { approvalBody, approvalParams, RUNBOOK_YAML_TYPES, runBody, runParams, validateBody } from './routes/runbooks';
import { ActionItemPatchSchema } from '../domain/review/action-items';
import { ReviewSchema } from '../domain/review/review';
import { RunbookSchema } from '../domain/runbook/runbook';
import {
  genericAlertSchema,
  incidentCommandSchema,
  incidentIdParam,
  noteSchema,
  reassignSchema,
  severityChangeSchema,
  snoozeSchema,
} from './schemas';

/** Who may call a route; see SECURITY in ./openapi. */
export type Auth =
  | 'public'
  | 'ingest'
  | 'ingestOrBasic'
  | 'responder'
  | 'admin'
  | 'anyToken'
  | 'routingKey'
  | 'slackSignature'
  | 'signedLink';
/** Routes mounted only when configured (AppDeps.runbooks, .slack, .respond). */
export type Feature = 'runbooks' | 'slack' | 'respond';
/** What a response without its own content carries: the JSON API's ErrorBody, PagerDuty's shape, Slack's, or an HTML page. */
export type Format = 'json' | 'pagerduty' | 'slack' | 'html';
/** Media type -> the schema of that representation (null: none to publish). */
export type Content = Record<string, z.ZodType | null>;

export interface ResponseDoc {
  description: string;
  content?: Content;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/api/v1/incidents/{id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  feature?: Feature;
  format?: Format;
  /** Path parameters the route parses (`path`), segments it only looks up (`lookup`: name -> meaning), query. */
  params?: {
    path?: z.ZodObject;
    lookup?: Record<string, string>;
    query?: z.ZodObject;
    describe?: Record<string, string>;
  };
  body?: { content: Content; description?: string };
  /** Status -> description (the format's default content) or a full response. */
  responses: Record<number, string | ResponseDoc>;
}

const json = (schema: z.ZodType | null): Content => ({ 'application/json': schema });
const E400 = 'Malformed JSON, or the fields at fault, each named';
const E413 = 'Body over 512 KB';
const E503 = 'Temporal is unavailable; retry';
const incident = { path: incidentIdParam };
const command = (name: string, summary: string, body: z.ZodType, extra: Record<number, string> = {}): RouteDoc => ({
  method: 'post',
  path: `/api/v1/incidents/{id}/${name}`,
  operationId: `${name}Incident`,
  tag: 'Incidents',
  auth: 'responder',
  summary,
  params: incident,
  body: { content: json(body) },
  responses: {
    200: 'The incident state after the command',
    400: E400,
    404: 'Unknown incident',
    409: 'Refused, with the reason',
    503: E503,
    ...extra,
  },
});
const alertGroups = (format: AlertGroupFormat, name: string): RouteDoc[] => {
  const body = { content: json(alertGroupSchema), description: `${name} posts version "${FORMAT_VERSION[format]}"` };
  const responses = {
    202: 'Recorded: { status: "accepted", incidents: [{ incidentId, service, dedupKey, firing, delivered }] }',
    400: E400,
    413: E413,
    503: E503,
  };
  const base = { method: 'post', tag: 'Ingest', auth: 'ingestOrBasic', body } as const;
  return [
    {
      ...base,
      path: `/api/v1/integrations/${format}/{key}`,
      operationId: `post${name}NotificationForKey`,
      summary: `${name} webhook for the service owning the key`,
      params: { lookup: { key: `An integration key of source "${format}": its service and mapping apply` } },
      responses: { ...responses, 404: `Not a ${format} integration key of any service` },
    },
    {
      ...base,
      path: `/api/v1/integrations/${format}`,
      operationId: `post${name}Notification`,
      summary: `${name} webhook; each alert's service label chooses the service`,
      responses,
    },
  ];
};
const pagerDuty = { tag: 'PagerDuty Events v2', auth: 'routingKey', format: 'pagerduty', method: 'post' } as const;
const pagerDutyErrors = {
  400: '"invalid event" with every error (also malformed JSON and unknown routing keys)',
  413: E413,
  429: '"throttle event": over VIGIL_EVENTS_RATE_PER_MINUTE for this routing key; see Retry-After',
  503: 'Retry',
};
const runbooks = { tag: 'Runbooks', auth: 'responder', feature: 'runbooks' } as const;
const respond = {
  tag: 'Respond links',
  auth: 'signedLink',
  feature: 'respond',
  format: 'html',
  params: { lookup: { token: 'The signed token of the link' } },
} as const;
const linkErrors = {
  403: 'Not a valid link',
  404: 'Unknown incident',
  410: 'Expired, or issued for an earlier incident under this id',
  503: E503,
};
const slack = { tag: 'Slack', auth: 'slackSignature', feature: 'slack', format: 'slack', method: 'post' } as const;
const form = (fields: string) => ({
  content: { 'application/x-www-form-urlencoded': null },
  description: `Slack's form fields: ${fields}`,
});

export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    tag: 'Health',
    auth: 'public',
    summary: 'Liveness',
    responses: { 200: '{ status: "ok" }' },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    tag: 'Health',
    auth: 'public',
    summary: 'Readiness: Temporal and MongoDB answer within 2 s',
    responses: {
      200: '{ status: "ready", checks }',
      503: { description: '{ status: "not_ready", checks } with each check\'s error', content: json(null) },
    },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'Meta',
    auth: 'anyToken',
    summary: 'This document',
    responses: { 200: 'The OpenAPI document of this server' },
  },

  {
    method: 'post',
    path: '/api/v1/alerts',
    operationId: 'postAlert',
    tag: 'Ingest',
    auth: 'ingest',
    summary: 'Generic JSON alert',
    body: { content: json(genericAlertSchema) },
    responses: {
      202: 'Recorded: { status: "accepted" | "ignored", incidentId, dedupKey, links }',
      400: E400,
      413: E413,
      503: E503,
    },
  },
  ...alertGroups('alertmanager', 'Alertmanager'),
  ...alertGroups('grafana', 'Grafana'),
  {
    ...pagerDuty,
    path: '/v2/enqueue',
    operationId: 'enqueuePagerDutyEvent',
    summary: 'PagerDuty Events API v2: trigger, acknowledge, resolve',
    body: { content: json(pagerDutyEventSchema) },
    responses: { 202: '{ status: "success", message: "Event processed", dedup_key }', ...pagerDutyErrors },
  },
  {
    ...pagerDuty,
    path: '/v2/change/enqueue',
    operationId: 'enqueuePagerDutyChange',
    summary: 'PagerDuty change event, stored on the service',
    body: { content: json(changeSchema) },
    responses: { 202: '{ status: "success", message: "Change event processed" }', ...pagerDutyErrors },
  },

  {
    method: 'get',
    path: '/api/v1/incidents',
    operationId: 'listIncidents',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'The incident list: filters, newest first, cursor pages, counts by status',
    description:
      'Lists accept repeats or commas (`status=triggered,acknowledged`). `counts` apply every filter but status. ' +
      'Pass `nextCursor` back as `cursor`: pages stay stable while incidents are added. `asOf` is the feed position.',
    params: { query: incidentListQuery },
    responses: {
      200: { description: 'One page', content: json(IncidentListAnswerSchema) },
      400: 'The parameter at fault, named: unknown status, malformed cursor, createdTo not after createdFrom, ...',
      503: 'The list is still loading from MongoDB; retry',
    },
  },
  {
    method: 'get',
    path: '/api/v1/incidents/events',
    operationId: 'followIncidentEvents',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'Server-sent events of incident changes (new, state, severity, holder), resumable',
    description:
      '`event: incident` with `data` { id, at, incidentId, changes, row } and `id:` the feed position; reconnect with ' +
      '`Last-Event-ID` (any replica) to get what was missed, or `event: reset` when too far behind.',
    params: { query: incidentEventsQuery },
    responses: {
      200: { description: 'An event stream', content: { 'text/event-stream': null } },
      400: 'A malformed Last-Event-ID or query parameter, named',
      503: 'The feed is not loaded yet; retry',
    },
  },
  {
    method: 'get',
    path: '/api/v1/incidents/{id}',
    operationId: 'getIncident',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'Incident state and timeline',
    params: incident,
    responses: { 200: 'The incident state (workflow query)', 400: E400, 404: 'Unknown incident', 503: E503 },
  },
  command('acknowledge', 'Acknowledge: paging stops', incidentCommandSchema),
  command('resolve', 'Resolve', incidentCommandSchema),
  command('escalate', 'Page the next step now (un-acknowledges)', incidentCommandSchema),
  command('reassign', 'Reassign to users or a policy; pages them from level 1', reassignSchema),
  command('snooze', 'Quiet until then, then paged again from level 1', snoozeSchema),
  command('severity', 'Change the severity; re-plans the SLA timers', severityChangeSchema),
  {
    method: 'post',
    path: '/api/v1/incidents/{id}/notes',
    operationId: 'addIncidentNote',
    tag: 'Incidents',
    auth: 'responder',
    summary: 'Add a note to the timeline',
    params: incident,
    body: { content: json(noteSchema) },
    responses: { 202: '{ status: "accepted" }', 400: E400, 404: 'Unknown incident', 503: E503 },
  },
  {
    method: 'get',
    path: '/api/v1/incidents/{id}/review',
    operationId: 'getIncidentReview',
    tag: 'Reviews',
    auth: 'responder',
    summary: 'The post-incident review',
    description: 'JSON, or Markdown with `Accept: text/markdown` or `?format=markdown`.',
    params: { ...incident, query: reviewQuery },
    responses: {
      200: {
        description: 'The review; header x-review-revision',
        content: { 'application/json': ReviewSchema, 'text/markdown': null },
      },
      400: E400,
      404: 'No review: the incident is not resolved (or unknown)',
      406: 'Neither JSON nor Markdown is acceptable',
    },
  },
  {
    method: 'patch',
    path: '/api/v1/incidents/{id}/review/action-items',
    operationId: 'editReviewActionItems',
    tag: 'Reviews',
    auth: 'responder',
    summary: 'One action-item edit: add, update, complete or delete',
    params: { ...incident, query: reviewQuery.pick({ runKey: true }) },
    body: { content: json(ActionItemPatchSchema) },
    responses: {
      200: { description: 'The updated review', content: json(ReviewSchema) },
      400: E400,
      404: 'No review',
      409: 'The review kept changing; retry',
    },
  },

  ...CONFIG_ROUTES,

  {
    ...runbooks,
    method: 'get',
    path: '/api/v1/runbooks',
    operationId: 'listRunbooks',
    summary: 'Valid runbooks and the errors of invalid files',
    responses: { 200: '{ data: [runbook summaries], errors: [{ file, line, column, path, message }] }' },
  },
  {
    ...runbooks,
    method: 'post',
    path: '/api/v1/runbooks/validate',
    operationId: 'validateRunbook',
    summary: 'Check a runbook before shipping it',
    body: {
      content: {
        ...Object.fromEntries(RUNBOOK_YAML_TYPES.map((type) => [type, RunbookSchema])),
        'application/json': validateBody,
      },
    },
    responses: {
      200: '{ valid: true, runbook }',
      400: E400,
      413: 'Over the runbook size limit',
      422: {
        description: '{ valid: false, errors: [{ line, column, path, message }] } with every error',
        content: json(null),
      },
    },
  },
  {
    ...runbooks,
    method: 'post',
    path: '/api/v1/incidents/{id}/runbooks/{name}/run',
    operationId: 'runRunbook',
    summary: 'Run a runbook on the incident by hand',
    params: { path: runParams },
    body: { content: json(runBody) },
    responses: {
      202: '{ status: "started", runId, workflowId, links }',
      400: E400,
      404: 'Unknown runbook or incident',
      409: 'The incident is resolved',
      422: 'An input breaks its pattern',
      503: E503,
    },
  },
  {
    ...runbooks,
    method: 'post',
    path: '/api/v1/incidents/{id}/runbooks/{runId}/approvals/{step}',
    operationId: 'decideRunbookApproval',
    summary: 'Approve or deny a waiting approval step',
    params: { path: approvalParams },
    body: { content: json(approvalBody) },
    responses: { 200: '{ step, decision }', 400: E400, 404: 'Unknown run', 409: 'That step is not waiting', 503: E503 },
  },

  {
    ...slack,
    path: '/api/v1/slack/commands',
    operationId: 'postSlackCommand',
    summary: 'Slash command /incident ...',
    body: form('command, text, user_id, response_url'),
    responses: { 200: 'Answered at once ("Working on ..." or "not mapped"); the result goes to response_url' },
  },
  {
    ...slack,
    path: '/api/v1/slack/interactions',
    operationId: 'postSlackInteraction',
    summary: 'Buttons: acknowledge, resolve, escalate, runbook approvals',
    body: form('payload (JSON: type, user, actions, response_url)'),
    responses: {
      200: 'Acknowledged at once (empty); the outcome goes to response_url',
      400: '{ error: "invalid_payload" }',
    },
  },

  {
    ...respond,
    method: 'get',
    path: '/respond/{token}',
    operationId: 'getRespondPage',
    summary: 'The incident page of a respond link; changes nothing',
    params: {
      ...respond.params,
      query: z.object({ action: formSchema.shape.action.optional() }),
      describe: { action: 'Only preselects that form' },
    },
    responses: { 200: 'The incident with a form per command still possible', ...linkErrors },
  },
  {
    ...respond,
    method: 'post',
    path: '/respond/{token}',
    operationId: 'respondFromLink',
    summary: "Acknowledge or resolve as the link's user",
    body: { content: { 'application/x-www-form-urlencoded': formSchema } },
    responses: {
      200: 'Done: the incident page with the outcome',
      400: 'A bad form field',
      409: 'Refused: the page says why',
      413: 'Form over 16 KB',
      415: 'Not a form',
      ...linkErrors,
    },
  },
];
