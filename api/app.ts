import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger';
import { createAuthenticator, requireRole, type Credentials } from './auth';
import { errorMapper, HttpError } from './errors';
import type { ConfigStore } from './config-store';
import type { IncidentGateway } from './incident-gateway';
import { configRoutes } from './routes/config';
import { configApplyRoutes, type ApplyConfigFolder } from './routes/config-apply';
import { onCallRoutes } from './routes/oncall';
import { CONFIG_KINDS, type ConfigKind } from '../lib/models/config';
import { alertRoutes } from './routes/alerts';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { reviewRoutes } from './routes/review';
import { runbookRoutes, type RunbookRouteDeps } from './routes/runbooks';
import { mongoReviewStore, type ReviewStore } from '../lib/models/review';
import { mongoChangeEventStore, type ChangeEventStore } from '../lib/models/change-event';
import { mongoIntegrations, type IntegrationDirectory } from './ingest/integrations';
import { createRateLimiter } from './ingest/rate-limit';
import { changeEventRoutes } from './routes/integrations/changes';
import { integrationRoutes } from './routes/integrations';
import { pagerDutyRoutes } from './routes/integrations/pagerduty';
import { slackRoutes, type SlackRouteDeps } from '../integrations/slack/routes';
import { openApiRoutes } from './routes/openapi';
import { respondRoutes, type RespondRouteDeps } from '../integrations/respond/routes';
import { redactRespondToken } from '../integrations/respond/link';
import type { ApiMetrics } from '../lib/metrics';
import { countIngest } from './ingest/metrics';

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
  runbooks?: RunbookRouteDeps;
  /** Inbound integrations: PagerDuty events per routing key per minute (default 120), stores default to MongoDB. */
  ingest?: {
    eventsPerMinute?: number;
    integrations?: IntegrationDirectory;
    changes?: ChangeEventStore;
    now?: () => number;
  };
  /** Slash commands and buttons (authenticated by Slack's signature); absent: not mounted. */
  slack?: Omit<SlackRouteDeps, 'incidents' | 'log' | 'runbooks'>;
  /** Acknowledge/resolve pages behind signed respond links (the token is the credential); absent: not mounted. */
  respond?: Omit<RespondRouteDeps, 'incidents' | 'log'>;
  /** Prometheus metrics the routes count into (served on their own listener by main.ts); absent: not counted. */
  metrics?: Pick<ApiMetrics, 'alertsReceived'>;
}

/** PagerDuty's limit, which Alertmanager and friends already respect. */
export const BODY_LIMIT = '512kb';

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
  app.use(healthRoutes(deps.readiness));
  if (deps.metrics) app.use(countIngest(deps.metrics.alertsReceived));

  const authenticate = createAuthenticator(deps.credentials);
  const integrations = deps.ingest?.integrations ?? mongoIntegrations;
  const changes = deps.ingest?.changes ?? mongoChangeEventStore;
  const perMinute = deps.ingest?.eventsPerMinute ?? 120;
  const limiter = createRateLimiter({ perMinute, now: deps.ingest?.now });
  app.use('/v2', pagerDutyRoutes({ incidents: deps.incidents, integrations, changes, limiter, bodyLimit: BODY_LIMIT }));
  const api = express.Router();
  api.use(express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));
  api.use('/alerts', requireRole(authenticate, 'ingest'), alertRoutes(deps.incidents));
  api.use('/integrations', integrationRoutes(requireRole(authenticate, 'ingest'), deps.incidents, integrations));
  api.use(
    '/incidents',
    requireRole(authenticate, 'responder'),
    incidentRoutes(deps.incidents),
    reviewRoutes(deps.reviews ?? mongoReviewStore),
  );
  const read = requireRole(authenticate, 'responder');
  const write = requireRole(authenticate); // admin only
  api.use(onCallRoutes(read));
  api.use(changeEventRoutes(changes, read));
  if (deps.runbooks) api.use(runbookRoutes(deps.runbooks, { read, respond: read }));
  api.use(configApplyRoutes(deps.applyConfigFolder, write));
  for (const kind of Object.keys(CONFIG_KINDS) as ConfigKind[]) {
    api.use(`/${CONFIG_KINDS[kind].path}`, configRoutes(deps.config, kind, { read, write }));
  }
  const mounted = { runbooks: Boolean(deps.runbooks), slack: Boolean(deps.slack), respond: Boolean(deps.respond) };
  api.use(openApiRoutes(requireRole(authenticate, 'ingest', 'responder'), { features: mounted })); // any valid token
  // Before the API router: Slack routes read the raw body to verify its signature.
  if (deps.slack)
    app.use(
      '/api/v1/slack',
      slackRoutes({ ...deps.slack, incidents: deps.incidents, runbooks: deps.runbooks?.gateway, log: deps.log }),
    );
  // No bearer auth: the signed token in the path is the credential.
  if (deps.respond) app.use('/respond', respondRoutes({ ...deps.respond, incidents: deps.incidents, log: deps.log }));
  app.use('/api/v1', api);

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMapper);
  return app;
}
