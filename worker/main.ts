import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { connectMongo, disconnectMongo } from '../lib/mongo';
import { PinoSdkLogger } from './sdk-logger';
import { createWorker } from './worker';
import { ensureSearchAttributes } from '../lib/temporal';
import { SEARCH_ATTRIBUTES } from '../workflows/contract';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ level: config.LOG_LEVEL, name: 'vigil-worker' });
  Runtime.install({
    logger: new PinoSdkLogger(log.child({ component: 'temporal-sdk' })),
    telemetryOptions: { logging: { forward: {}, filter: 'WARN' } },
  });
  await connectMongo(config.MONGODB_URI, log);
  const { channelWorkers, connection, run } = await createWorker(config, log);
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
  try {
    await run(); // resolves after SIGINT/SIGTERM once in-flight work has drained
  } finally {
    await connection.close();
    await disconnectMongo();
    log.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
