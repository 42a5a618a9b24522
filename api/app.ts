import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../lib/logger';
import { mongoChangeEventStore, type ChangeEventStore } from '../lib/models/change-event';
import { mongoReviewStore, type ReviewStore } from '../lib/models/review';
import { redactRespondToken } from '../integrations/respond/link';
import { respondFallback } from '../integrations/respond/routes';
import type { SlackServices } from '../integrations/slack/services';
import { CONTACT_METHOD_TYPES } from '../domain/config/user';
import type { ChannelAvailability } from '../domain/oncall/readiness';
import type { TwilioServices } from '../integrations/twilio/services';
import { mongoAuditLog, type AuditLog } from '../lib/audit';
import { configuredUser, mongoApiTokenStore, type ApiTokenStore } from '../lib/models/api-token';
import { auditedGateways } from './audit';
import { createAuthenticator, type Credentials } from './auth';
import type { ConfigStore } from './config-store';
import { errorMapper, HttpError } from './errors';
import { BODY_LIMIT, mountRoutes } from './http/mount';
import type { ApplyConfigFolder, ReadinessCheck, RunbookServices, Services } from './http/services';
import type { IncidentGateway } from './incident-gateway';
import type { FollowUpGateway } from './follow-up-gateway';
import { mongoIntegrations, type IntegrationDirectory } from './ingest/integrations';
import { createRateLimiter } from './ingest/rate-limit';
import { ROUTES } from './routes';
import { pagerDutyFallback } from './routes/integrations/pagerduty';
import { createIncidentList, type IncidentList } from './incident-list/service';
import { createReportIndex } from './reports/report-index';
import { createReports, type Reports } from './reports/service';
import { consoleRoutes } from '../console/routes';
import { createSessions, mongoSessionStore, type SessionStore } from '../console/session';
import { statusPageRoutes } from './status-page/routes';
import { createPageViews, type PageViews } from './status-page/views';
import { createStatusPageCommands, type StatusPageCommands } from './status-page/commands';
import type { MirrorTrigger } from '../lib/status-page-mirror';
import type { ApiMetrics } from '../lib/metrics';
import { countIngest } from './ingest/metrics';
import { SUBSCRIBE_PER_MINUTE, type SubscriptionServices } from './status-page/subscriptions';
import { mongoSubscriberStore, type SubscriberStore } from '../lib/models/status-page-subscriber';

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
  /** Twilio's voice and SMS callbacks (authenticated by Twilio's signature); absent: not mounted. */
  twilio?: TwilioServices;
  /** Follow-up export of review action items (starts workflows); absent: not mounted. */
  followUps?: FollowUpGateway;
  /** Which contact method types this deployment delivers (`GET /readiness`); default: none known. */
  channels?: ChannelAvailability;
  /** Where audit entries go; default MongoDB (`audit_log`). */
  audit?: AuditLog;
  /** Personal tokens and the users they belong to; default MongoDB. */
  identity?: {
    tokens?: ApiTokenStore;
    user?: (userId: string) => Promise<{ name: string; createdAt: Date } | undefined>;
    now?: () => number;
  };
  /** Check every reply against its documented schema (tests): a mismatch answers 500. */
  verifyReplies?: boolean;
  /** The incident list and feed (GET /api/v1/incidents, /events, the console); default MongoDB's, loaded on first use. */
  incidentList?: IncidentList;
  /** The console at `/`: where people reach it (https makes its cookies Secure), its session store (default MongoDB). */
  console?: { publicUrl?: string; sessions?: SessionStore };
  /** Incident and on-call reports; default over MongoDB's report documents, following the incident list's feed. */
  reports?: Reports;
  /** Prometheus metrics the routes count into (served on their own listener by main.ts); absent: not counted. */
  metrics?: Pick<ApiMetrics, 'alertsReceived'>;
  /** Status pages' built views (cached); default: from MongoDB, page URLs under console.publicUrl. */
  statusPages?: PageViews;
  /** Tells mirrored pages' mirror workflows of responders' changes. */
  statusPageMirror?: MirrorTrigger;
  /** Status-page subscriptions: confirmations start through Temporal, links verify; absent: not mounted. */
  subscriptions?: Omit<SubscriptionServices, 'store' | 'limiter'> & { store?: SubscriberStore };
  /** Responders' status-page commands (default: on the MongoDB store; tests fake them). */
  statusPageCommands?: StatusPageCommands;
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
      // Link tokens are credentials (respond links in the path, subscriber links in `?token=`): logs show them redacted.
      serializers: {
        req: (req: { url?: string }) =>
          Object.assign(req, { url: redactRespondToken(req.url ?? '').replace(/([?&]token=)[^&#]*/g, '$1[redacted]') }),
      },
    }),
  );

  if (deps.metrics) app.use(countIngest(deps.metrics.alertsReceived));
  const features = {
    runbooks: Boolean(deps.runbooks),
    slack: Boolean(deps.slack),
    respond: Boolean(deps.respond),
    twilio: Boolean(deps.twilio),
    followUps: Boolean(deps.followUps),
    subscriptions: Boolean(deps.subscriptions),
  };
  const routes = ROUTES.filter((r) => r.feature === undefined || features[r.feature]);
  const audit = deps.audit ?? mongoAuditLog;
  const tokens = deps.identity?.tokens ?? mongoApiTokenStore;
  const user = deps.identity?.user ?? configuredUser;
  const authenticate = createAuthenticator(deps.credentials, {
    findByHash: (h) => tokens.findByHash(h),
    findById: (id) => tokens.findById(id),
    user,
  });
  const incidentList = deps.incidentList ?? createIncidentList({ log: deps.log });
  const statusPages = deps.statusPages ?? createPageViews({ publicUrl: deps.console?.publicUrl });
  const services: Services = {
    log: deps.log,
    authenticate,
    audit,
    tokens: { store: tokens, user, revoked: authenticate.forget, now: deps.identity?.now },
    channels: deps.channels ?? unknownChannels(),
    incidents: deps.incidents,
    config: deps.config,
    applyConfigFolder: deps.applyConfigFolder,
    readiness: deps.readiness,
    reviews: deps.reviews ?? mongoReviewStore,
    integrations: deps.ingest?.integrations ?? mongoIntegrations,
    changes: deps.ingest?.changes ?? mongoChangeEventStore,
    limiter: createRateLimiter({ perMinute: deps.ingest?.eventsPerMinute ?? 120, now: deps.ingest?.now }),
    runbooks: deps.runbooks,
    slack: deps.slack && slackAudited(deps.slack, audit, deps),
    respond: deps.respond,
    twilio: deps.twilio,
    followUps: deps.followUps,
    incidentList,
    reports:
      deps.reports ??
      createReports(
        createReportIndex({ feed: incidentList.feed, feedReady: () => incidentList.ready(), log: deps.log }),
      ),
    routes,
    statusPages,
    statusPageCommands:
      deps.statusPageCommands ??
      createStatusPageCommands({
        log: deps.log,
        views: statusPages,
        incidents: deps.incidents,
        ...(deps.statusPageMirror ? { mirror: deps.statusPageMirror } : {}),
        ...(deps.subscriptions?.announcer.announce ? { announce: deps.subscriptions.announcer.announce } : {}),
      }),
    ...(deps.subscriptions ? { subscriptions: subscriptionServices(deps.subscriptions) } : {}),
  };
  mountRoutes(app, routes, services, { verifyReplies: deps.verifyReplies });
  app.use(
    statusPageRoutes({
      views: statusPages,
      authenticate: services.authenticate,
      sessions: createSessions(deps.console?.sessions ?? mongoSessionStore, {
        secure: deps.console?.publicUrl?.startsWith('https://') ?? false,
      }),
    }),
  );
  app.use(
    consoleRoutes({
      ...deps.console,
      log: deps.log,
      authenticate: services.authenticate,
      stillValid: authenticate.stillValid,
      incidents: deps.incidents,
      incidentList: services.incidentList as IncidentList,
      reviews: services.reviews,
      runbooks: deps.runbooks?.gateway,
      reports: services.reports,
      statusPages: services.statusPageCommands,
    }),
  );
  // Errors raised before a route runs, and unknown paths, in the protocol of their prefix.
  app.use('/v2', ...pagerDutyFallback);
  if (deps.respond) app.use('/respond', ...respondFallback);
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorMapper);
  return app;
}

const unknownChannels = (): ChannelAvailability =>
  Object.fromEntries(
    CONTACT_METHOD_TYPES.map((t) => [t, { deliverable: false, why: 'not reported to this API' }]),
  ) as ChannelAvailability;

/** Slack runs commands after answering: its gateways audit each command as its user. */
function slackAudited(slack: SlackServices, audit: AuditLog, deps: AppDeps): SlackServices {
  const runbooks = slack.runbooks ?? deps.runbooks?.gateway;
  const gateways = auditedGateways(audit, 'slack', { incidents: slack.incidents ?? deps.incidents, runbooks });
  return { ...slack, ...gateways };
}

const subscriptionServices = (d: NonNullable<AppDeps['subscriptions']>): SubscriptionServices => ({
  ...d,
  store: d.store ?? mongoSubscriberStore,
  limiter: createRateLimiter({ perMinute: SUBSCRIBE_PER_MINUTE, now: d.now }),
});
