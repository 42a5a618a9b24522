import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger';
import { mongoChangeEventStore, type ChangeEventStore } from '../lib/models/change-event';
import { mongoReviewStore, type ReviewStore } from '../lib/models/review';
import { redactRespondToken } from '../integrations/respond/link';
import { respondFallback } from '../integrations/respond/routes';
import type { SlackServices } from '../integrations/slack/routes';
import { createAuthenticator, type Credentials } from './auth';
import type { ConfigStore } from './config-store';
import { errorMapper, HttpError } from './errors';
import { BODY_LIMIT, mountRoutes } from './http/mount';
import type { ApplyConfigFolder, ReadinessCheck, RunbookServices, Services } from './http/services';
import type { IncidentGateway } from './incident-gateway';
import { mongoIntegrations, type IntegrationDirectory } from './ingest/integrations';
import { createRateLimiter } from './ingest/rate-limit';
import { ROUTES } from './routes';
import { pagerDutyFallback } from './routes/integrations/pagerduty';

export { BODY_LIMIT };

export interface AppDeps {
  log: Logger;
  credentials: Credentials;
  incidents: IncidentGateway;
  config: ConfigStore;
  applyConfigFolder: ApplyConfigFolder;
  readiness: Record<string, ReadinessCheck>;
  /** Post-incident reviews; defaults to the MongoDB store. */
  reviews?: ReviewStore;
  /** Runbook routes (list, validate, run, approve); absent: not mounted. */
  runbooks?: RunbookServices;
  /** Inbound integrations: PagerDuty events per routing key per minute (default 120), stores default to MongoDB. */
  ingest?: {
    eventsPerMinute?: number;
    integrations?: IntegrationDirectory;
    changes?: ChangeEventStore;
    now?: () => number;
  };
  /** Slash commands and buttons (authenticated by Slack's signature); absent: not mounted. */
  slack?: SlackServices;
  /** Acknowledge/resolve pages behind signed respond links (the token is the credential); absent: not mounted. */
  respond?: Services['respond'];
  /** Check every reply against its documented schema (tests): a mismatch answers 500. */
  verifyReplies?: boolean;
}

/** The Express app: request logging, then the route table (./routes) as these deps configure it. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Respond link tokens are credentials in the path: request logs show them redacted.
      serializers: { req: (req: { url?: string }) => Object.assign(req, { url: redactRespondToken(req.url ?? '') }) },
    }),
  );

  const features = { runbooks: Boolean(deps.runbooks), slack: Boolean(deps.slack), respond: Boolean(deps.respond) };
  const routes = ROUTES.filter((r) => r.feature === undefined || features[r.feature]);
  const services: Services = {
    log: deps.log,
    authenticate: createAuthenticator(deps.credentials),
    incidents: deps.incidents,
    config: deps.config,
    applyConfigFolder: deps.applyConfigFolder,
    readiness: deps.readiness,
    reviews: deps.reviews ?? mongoReviewStore,
    integrations: deps.ingest?.integrations ?? mongoIntegrations,
    changes: deps.ingest?.changes ?? mongoChangeEventStore,
    limiter: createRateLimiter({ perMinute: deps.ingest?.eventsPerMinute ?? 120, now: deps.ingest?.now }),
    runbooks: deps.runbooks,
    slack: deps.slack,
    respond: deps.respond,
    routes,
  };
  mountRoutes(app, routes, services, { verifyReplies: deps.verifyReplies });
  // Errors raised before a route runs, and unknown paths, in the protocol of their prefix.
  app.use('/v2', ...pagerDutyFallback);
  if (deps.respond) app.use('/respond', ...respondFallback);
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMapper);
  return app;
}
