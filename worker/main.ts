import { loadConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { createWorkerMetrics } from '../lib/metrics';
import { serveMetrics } from '../lib/metrics-server';
import { connectMongo, disconnectMongo } from '../lib/mongo';
import { installRuntime, sdkMetricsRelay } from './telemetry';
import { createWorker } from './worker';
import { startFeedRetention } from './retention';
import { ensureSearchAttributes } from '../lib/temporal';
import { SEARCH_ATTRIBUTES } from '../workflows/contract';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vigil-worker' });
  const sdkMetricsUrl = installRuntime(config, log);
  const metrics = createWorkerMetrics();
  await connectMongo(config.MONGODB_URI, log);
  const { channelWorkers, connection, run } = await createWorker(config, log, metrics);
  const metricsServer = await serveMetrics({
    config,
    port: config.VIGIL_WORKER_METRICS_PORT,
    registry: metrics.registry,
    log,
    extra: sdkMetricsRelay(sdkMetricsUrl, metrics.temporalSdkUp),
  });
  const added = await ensureSearchAttributes(connection.operatorService, config.TEMPORAL_NAMESPACE, SEARCH_ATTRIBUTES);
  if (added.length > 0) log.info({ added }, 'search attributes registered');
  const notifyQueues = channelWorkers.map((c) => ({
    type: c.layout.type,
    taskQueue: c.layout.taskQueue,
    concurrency: c.layout.maxConcurrentActivityTaskExecutions,
    perSecond: c.layout.maxActivitiesPerSecond,
  }));
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, notifyQueues },
    'worker started',
  );
  const stopRetention = startFeedRetention(log, config.VIGIL_INCIDENT_EVENTS_RETENTION_HOURS);
  try {
    await run(); // resolves after SIGINT/SIGTERM once in-flight work has drained
  } finally {
    stopRetention();
    await metricsServer?.close();
    await connection.close();
    await disconnectMongo();
    log.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
