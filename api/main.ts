import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { applyConfigFolder, formatIssue } from '../lib/config-as-code';
import { loadConfigOrExit } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';
import { connectMongo, disconnectMongo, pingMongo } from '../lib/mongo';
import { connectTemporalClient, pingTemporal } from '../lib/temporal';
import { createApp } from './app';
import type { ApplyConfigFolder } from './http/services';
import { createConfigStore } from './config-store';
import { createIncidentGateway } from './incident-gateway';
import { mirrorTrigger } from '../lib/status-page-mirror';
import { createFollowUpGateway } from './follow-up-gateway';
import { createRunbookGateway } from './runbook-gateway';
import { createRespondLinks } from '../integrations/respond/link';
import { channelAvailability } from '../lib/channels';
import { documentHash, mongoAuditLog } from '../lib/audit';
import { loadConfigSnapshot } from '../lib/models/config';
import { systemActor } from './auth';
import { createIncidentList } from './incident-list/service';
import { createReportIndex } from './reports/report-index';
import { createReports } from './reports/service';
import { createApiMetrics } from '../lib/metrics';
import { serveMetrics } from '../lib/metrics-server';
import { cachedCounts, readOpenIncidentCounts } from '../lib/models/open-incidents';
import { createSubscriberAnnouncer } from '../lib/status-page-announce';
import { createSubscriberLinks } from '../lib/subscriber-links';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vigil-api' });
  const temporal = await connectTemporalClient(config);
  await connectMongo(config.MONGODB_URI, log);
  const channels = channelAvailability(config);
  const applyFolder: ApplyConfigFolder = (opts) =>
    applyConfigFolder(config.VIGIL_CONFIG_DIR, { log, channels, ...opts });
  await applyAtStartup(config.VIGIL_CONFIG_DIR, applyFolder, log);
  const metrics = createApiMetrics({ openIncidents: cachedCounts({ read: readOpenIncidentCounts, log }) });
  const metricsServer = await serveMetrics({
    config,
    port: config.VIGIL_API_METRICS_PORT,
    registry: metrics.registry,
    log,
  });

  const incidentList = createIncidentList({ log });
  // Loaded in the background: the list and feed routes wait for it (503 if it fails).
  incidentList.ready().catch((err: unknown) => log.error({ err }, 'incident list could not be loaded; retried on use'));
  // Also in the background: a first report need not wait for every report document to be read.
  const reportIndex = createReportIndex({ feed: incidentList.feed, feedReady: () => incidentList.ready(), log });
  reportIndex
    .ready()
    .catch((err: unknown) => log.error({ err }, 'incident reports could not be loaded; retried on use'));
  const app = createApp({
    log,
    incidentList,
    reports: createReports(reportIndex),
    credentials: {
      ingestKeys: config.VIGIL_INGEST_KEYS,
      responderTokens: config.VIGIL_RESPONDER_TOKENS,
      adminTokens: config.VIGIL_ADMIN_TOKENS,
    },
    incidents: createIncidentGateway(temporal.client, temporal.taskQueue),
    statusPageMirror: mirrorTrigger(temporal.client, temporal.taskQueue),
    followUps: createFollowUpGateway(temporal.client, temporal.taskQueue),
    config: createConfigStore(),
    channels,
    applyConfigFolder: applyFolder,
    readiness: { temporal: () => pingTemporal(temporal), mongodb: pingMongo },
    runbooks: { dir: config.VIGIL_RUNBOOK_DIR, gateway: createRunbookGateway(temporal.client) },
    ingest: { eventsPerMinute: config.VIGIL_EVENTS_RATE_PER_MINUTE },
    console: { publicUrl: config.VIGIL_PUBLIC_URL },
    subscriptions: {
      announcer: createSubscriberAnnouncer(() => temporal.client, temporal.taskQueue),
      ...(config.VIGIL_PUBLIC_URL && config.VIGIL_LINK_SIGNING_SECRET
        ? {
            links: createSubscriberLinks({
              publicUrl: config.VIGIL_PUBLIC_URL,
              secret: config.VIGIL_LINK_SIGNING_SECRET,
            }),
          }
        : {}),
    },
    metrics,
    ...(config.VIGIL_SLACK_SIGNING_SECRET
      ? {
          slack: {
            signingSecret: config.VIGIL_SLACK_SIGNING_SECRET,
            responseUrlPrefix: config.VIGIL_SLACK_RESPONSE_URL_PREFIX,
            declareService: config.VIGIL_SLACK_DECLARE_SERVICE,
          },
        }
      : {}),
    ...(config.VIGIL_TWILIO_AUTH_TOKEN && config.VIGIL_PUBLIC_URL
      ? { twilio: { authToken: config.VIGIL_TWILIO_AUTH_TOKEN, publicUrl: config.VIGIL_PUBLIC_URL } }
      : {}),
    ...(config.VIGIL_PUBLIC_URL && config.VIGIL_LINK_SIGNING_SECRET
      ? {
          respond: {
            verifier: createRespondLinks({
              publicUrl: config.VIGIL_PUBLIC_URL,
              secret: config.VIGIL_LINK_SIGNING_SECRET,
            }),
          },
        }
      : {}),
  });
  if (!config.VIGIL_PUBLIC_URL || !config.VIGIL_LINK_SIGNING_SECRET) {
    log.info(
      'VIGIL_PUBLIC_URL and VIGIL_LINK_SIGNING_SECRET are not both set: /respond (acknowledge from a notification link) is not mounted',
    );
  }

  const server: Server = app.listen(config.VIGIL_API_PORT, config.VIGIL_API_HOST, () => {
    log.info({ host: config.VIGIL_API_HOST, port: config.VIGIL_API_PORT }, 'api listening');
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'api cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'api stopping');
    incidentList.stop();
    server.close(() => {
      void Promise.allSettled([temporal.connection.close(), disconnectMongo(), metricsServer?.close()]).then(() => {
        log.info('api stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Reconciles the config folder once at start. A refused folder is logged and the API runs
 * on: nothing was written, so the last good configuration stays in force.
 */
async function applyAtStartup(dir: string, apply: ApplyConfigFolder, log: Logger): Promise<void> {
  if (!existsSync(dir)) {
    log.info({ dir }, 'no config folder; skipping on-call-as-code apply');
    return;
  }
  const before = documentHash(Object.values(await loadConfigSnapshot()));
  const report = await apply({ dryRun: false, adoptApiEntities: false });
  const first = report.errors[0];
  // The start-up apply is a configuration write like POST /config/apply: audited, as the system,
  // with the hash of every entity by kind (the same document the route hashes).
  await mongoAuditLog
    .append({
      actor: systemActor('startup'),
      action: 'config.apply',
      route: 'startup',
      target: 'config:folder',
      outcome: first ? 'refused' : 'accepted',
      ...(first ? { reason: `${report.errors.length} error(s), first: ${formatIssue(first)}` } : {}),
      ...(before ? { before } : {}),
      ...withAfter(documentHash(Object.values(await loadConfigSnapshot()))),
    })
    .catch((err: unknown) => log.error({ err }, 'audit entry not written'));
  if (report.ok)
    log.info(
      { dir, ...countChanges(report.changes), warnings: report.warnings.map(formatIssue) },
      'config folder applied',
    );
  else log.error({ dir, errors: report.errors.map(formatIssue) }, 'config folder refused; nothing was written');
}

const withAfter = (after: string | undefined) => (after ? { after } : {});

main().catch((err: unknown) => {
  process.stderr.write(`api failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

/** Entities created, updated, deleted and unchanged across every kind: one readable start-up line. */
function countChanges(
  changes: Record<string, { created: string[]; updated: string[]; deleted: string[]; unchanged: number }>,
) {
  const all = Object.values(changes);
  const sum = (f: (c: (typeof all)[number]) => number) => all.reduce((n, c) => n + f(c), 0);
  return {
    created: sum((c) => c.created.length),
    updated: sum((c) => c.updated.length),
    deleted: sum((c) => c.deleted.length),
    unchanged: sum((c) => c.unchanged),
  };
}
