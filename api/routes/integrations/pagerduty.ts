import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { ChangeEventStore } from '../../../lib/models/change-event';
import { specHash } from '../../../lib/models/config';
import { resolveMapping } from '../../../domain/config/integration-mapping';
import { HttpError, knownHttpError } from '../../errors';
import type { IncidentGateway, IncidentCommands } from '../../incident-gateway';
import { incidentWorkflowId } from '../../incident-id';
import { deliver } from '../../ingest/delivery';
import type { Integration, IntegrationDirectory } from '../../ingest/integrations';
import { generatedDedupKey, mapTrigger, parseChange, parseEvent, type Parsed } from '../../ingest/pagerduty';
import type { RateLimiter } from '../../ingest/rate-limit';

export interface PagerDutyDeps {
  incidents: IncidentGateway;
  integrations: IntegrationDirectory;
  changes: ChangeEventStore;
  limiter: RateLimiter;
  bodyLimit: string;
}

const INVALID = 'Event object is invalid';
const invalid = (errors: string[]) =>
  new HttpError(
    400,
    'invalid event',
    INVALID,
    errors.map((message) => ({ path: '', message })),
  );

/**
 * PagerDuty Events API v2 (`/v2/enqueue`, `/v2/change/enqueue`), answering as PagerDuty
 * does, so anything that speaks to PagerDuty can point here unchanged. The routing key is
 * the credential (as at PagerDuty) and selects the service; each key has its own rate.
 */
export function pagerDutyRoutes(deps: PagerDutyDeps): Router {
  const router = Router();
  // Senders differ in content-type; PagerDuty reads every body as JSON.
  router.use(express.json({ limit: deps.bodyLimit, strict: true, type: () => true }));

  router.post('/enqueue', async (req, res) => {
    const event = admit(deps.limiter, req, parseEvent(req.body));
    const integration = await integrationFor(deps, event.routing_key);
    if (event.event_action === 'trigger' && event.payload) {
      const dedupKey = event.dedup_key ?? generatedDedupKey(event.routing_key, event.payload);
      const mapping = resolveMapping('pagerduty', integration.mapping);
      const outcome = await deliver(
        deps.incidents,
        mapTrigger(event, dedupKey, integration.serviceId, mapping),
        new Date().toISOString(),
      );
      req.log.info({ incidentId: outcome.incidentId, service: outcome.service }, 'pagerduty trigger accepted');
      res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
      return;
    }
    const dedupKey = event.dedup_key as string;
    const name: keyof IncidentCommands = event.event_action === 'acknowledge' ? 'acknowledge' : 'resolve';
    const applied = await commandIfOpen(
      deps.incidents,
      incidentWorkflowId(integration.serviceId, dedupKey),
      name,
      event.client,
    );
    req.log.info({ action: name, applied, service: integration.serviceId }, 'pagerduty event processed');
    res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
  });

  router.post('/change/enqueue', async (req, res) => {
    const change = admit(deps.limiter, req, parseChange(req.body));
    const integration = await integrationFor(deps, change.routing_key);
    const receivedAt = new Date();
    const { payload } = change;
    await deps.changes.record({
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
    res.status(202).json({ status: 'success', message: 'Change event processed' });
  });

  router.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} /v2${req.path}`)));
  router.use(pagerDutyErrors);
  return router;
}

/** Spends the routing key's token (valid or not, every event counts), then takes the parse. */
function admit<T>(limiter: RateLimiter, req: Request, parsed: Parsed<T>): T {
  const key = (req.body as { routing_key?: unknown } | null)?.routing_key;
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

async function integrationFor(deps: PagerDutyDeps, routingKey: string): Promise<Integration> {
  const integration = await deps.integrations.find(routingKey);
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
const pagerDutyErrors: ErrorRequestHandler = (err, req, res, _next) => {
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
};
