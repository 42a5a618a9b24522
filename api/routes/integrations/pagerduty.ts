import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { z } from 'zod';
import { specHash } from '../../../lib/models/config';
import { resolveMapping } from '../../../domain/config/integration-mapping';
import { HttpError, knownHttpError } from '../../errors';
import type { IncidentGateway, IncidentCommands } from '../../incident-gateway';
import { incidentWorkflowId } from '../../incident-id';
import { deliver } from '../../ingest/delivery';
import type { Integration, IntegrationDirectory } from '../../ingest/integrations';
import {
  changeSchema,
  generatedDedupKey,
  mapTrigger,
  parseChange,
  parseEvent,
  type Parsed,
} from '../../ingest/pagerduty';
import { BODY_LIMIT } from '../../http/mount';
import { defineRoute, ok } from '../../http/route';
import { pagerDutyEventSchema } from '../../openapi-schemas';
import type { RateLimiter } from '../../ingest/rate-limit';

const INVALID = 'Event object is invalid';
const invalid = (errors: string[]) =>
  new HttpError(
    400,
    'invalid event',
    INVALID,
    errors.map((message) => ({ path: '', message })),
  );

/** PagerDuty's own answers: success, and every error with its list of reasons. */
export const PagerDutySuccessSchema = z.object({
  status: z.literal('success'),
  message: z.string(),
  dedup_key: z.string().optional(),
});
export const PagerDutyErrorSchema = z.object({ status: z.string(), message: z.string(), errors: z.array(z.string()) });

/** Senders differ in content-type; PagerDuty reads every body as JSON. */
const anyJson = express.json({ limit: BODY_LIMIT, strict: true, type: () => true });
const pagerDuty = {
  method: 'post',
  tag: 'PagerDuty Events v2',
  auth: 'routingKey',
  format: { answer: pagerDutyErrors, content: { 'application/json': PagerDutyErrorSchema } },
} as const;
const errors = {
  400: '"invalid event" with every error (also malformed JSON and unknown routing keys)',
  413: 'Body over 512 KB',
  429: {
    description: '"throttle event": over VIGIL_EVENTS_RATE_PER_MINUTE for this routing key',
    content: { 'application/json': PagerDutyErrorSchema },
    headers: { 'retry-after': 'Seconds until the next event is accepted' },
  },
  503: 'Retry',
};
/** PagerDuty answers its own 400 for what zod would refuse, so the route parses the body itself. */
const body = (schema: z.ZodType) => ({ schema: z.unknown(), content: { 'application/json': schema }, parser: anyJson });

/**
 * PagerDuty Events API v2 (`/v2/enqueue`, `/v2/change/enqueue`), answering as PagerDuty
 * does, so anything that speaks to PagerDuty can point here unchanged. The routing key is
 * the credential (as at PagerDuty) and selects the service; each key has its own rate.
 */
export const pagerDutyRoutes = [
  defineRoute({
    ...pagerDuty,
    path: '/v2/enqueue',
    operationId: 'enqueuePagerDutyEvent',
    summary: 'PagerDuty Events API v2: trigger, acknowledge, resolve',
    request: { body: body(pagerDutyEventSchema) },
    responses: { 202: ok('Event processed', PagerDutySuccessSchema), ...errors },
    handler: async ({ body: raw }, services, { reply, req }) => {
      const event = admit(services.limiter, raw, parseEvent(raw));
      const integration = await integrationFor(services.integrations, event.routing_key);
      if (event.event_action === 'trigger' && event.payload) {
        const dedupKey = event.dedup_key ?? generatedDedupKey(event.routing_key, event.payload);
        const mapping = resolveMapping('pagerduty', integration.mapping);
        const trigger = mapTrigger(event, dedupKey, integration.serviceId, mapping);
        const outcome = await deliver(services.incidents, trigger, new Date().toISOString());
        req.log.info({ incidentId: outcome.incidentId, service: outcome.service }, 'pagerduty trigger accepted');
        return reply(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
      }
      const dedupKey = event.dedup_key as string;
      const name: keyof IncidentCommands = event.event_action === 'acknowledge' ? 'acknowledge' : 'resolve';
      const incidentId = incidentWorkflowId(integration.serviceId, dedupKey);
      const applied = await commandIfOpen(services.incidents, incidentId, name, event.client);
      req.log.info({ action: name, applied, service: integration.serviceId }, 'pagerduty event processed');
      return reply(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
    },
  }),
  defineRoute({
    ...pagerDuty,
    path: '/v2/change/enqueue',
    operationId: 'enqueuePagerDutyChange',
    summary: 'PagerDuty change event, stored on the service',
    request: { body: body(changeSchema) },
    responses: { 202: ok('Change event processed', PagerDutySuccessSchema), ...errors },
    handler: async ({ body: raw }, services, { reply }) => {
      const change = admit(services.limiter, raw, parseChange(raw));
      const integration = await integrationFor(services.integrations, change.routing_key);
      const receivedAt = new Date();
      const { payload } = change;
      await services.changes.record({
        id: specHash(change),
        serviceId: integration.serviceId,
        summary: payload.summary,
        source: payload.source,
        timestamp: payload.timestamp ? new Date(payload.timestamp) : receivedAt,
        customDetails: payload.custom_details,
        links: change.links,
        images: change.images,
        receivedAt,
      });
      return reply(202, { status: 'success', message: 'Change event processed' });
    },
  }),
];

/** Any other path under /v2 answers as PagerDuty does (the body is read first, as there). */
export const pagerDutyFallback: Array<RequestHandler | ErrorRequestHandler> = [
  anyJson,
  ((req, _res, next) =>
    next(new HttpError(404, 'not_found', `no route for ${req.method} /v2${req.path}`))) as RequestHandler,
  pagerDutyErrors,
];

/** Spends the routing key's token (valid or not, every event counts), then takes the parse. */
function admit<T>(limiter: RateLimiter, body: unknown, parsed: Parsed<T>): T {
  const key = (body as { routing_key?: unknown } | null)?.routing_key;
  if (typeof key === 'string' && key.length > 0) {
    const verdict = limiter.take(key.slice(0, 64));
    if (!verdict.allowed) {
      const err = new HttpError(
        429,
        'throttle event',
        'Requests for this routing key are arriving too quickly; retry later',
      );
      (err as { retryAfterMs?: number }).retryAfterMs = verdict.retryAfterMs;
      throw err;
    }
  }
  if (!parsed.ok) throw invalid(parsed.errors);
  return parsed.value;
}

async function integrationFor(integrations: IntegrationDirectory, routingKey: string): Promise<Integration> {
  const integration = await integrations.find(routingKey);
  if (!integration) throw invalid(["'routing_key' does not match any integration key"]);
  if (integration.source !== 'pagerduty') {
    throw invalid([`'routing_key' is a ${integration.source} integration key; use the service's pagerduty key`]);
  }
  return integration;
}

/** Acknowledge / resolve as PagerDuty does: dropped when nothing open matches, or it already holds. */
async function commandIfOpen(
  incidents: IncidentGateway,
  incidentId: string,
  name: 'acknowledge' | 'resolve',
  client?: string,
): Promise<boolean> {
  try {
    await incidents.command(incidentId, name, {
      by: client?.trim() || 'events-api',
      note: `${name} event (PagerDuty Events API v2)`,
    });
    return true;
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 409)) return false;
    throw err;
  }
}

/** Every failure in PagerDuty's shape: 400 "invalid event" with errors, 429, 413, 5xx to retry. */
// A function declaration (hoisted: the routes above name it); Express knows an error handler by its four parameters.
function pagerDutyErrors(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = knownHttpError(err);
  if (!known) {
    req.log?.error({ err }, 'unhandled error');
    res.status(500).json({ status: 'error', message: 'Internal error; retry later', errors: [] });
    return;
  }
  if (known.status === 429) {
    const retryAfterMs = (known as { retryAfterMs?: number }).retryAfterMs ?? 1000;
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    res
      .status(429)
      .json({ status: 'throttle event', message: known.message, errors: ['rate limit exceeded for this routing key'] });
    return;
  }
  if (known.status >= 500) req.log?.warn({ code: known.code }, known.message);
  const clientError = known.status < 500 && known.status !== 404;
  const errors = known.issues?.map((i) => i.message) ?? [known.message];
  res.status(known.status).json({
    status: clientError ? 'invalid event' : 'error',
    message: clientError ? INVALID : known.message,
    errors,
  });
}
