import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createNotifyActivities, createWebhookChannel, type NotifyChannels } from '../activities/notify';
import { createOnCallActivities } from '../activities/oncall';
import { createReviewActivities } from '../activities/review';
import { createStoreActivities } from '../activities/store';

/** Every activity the worker serves, built from injected clients; nothing connects at import. */
export function buildActivities(deps: { log: Logger; config: Pick<Config, 'VIGIL_WEBHOOK_SIGNING_SECRET' | 'VIGIL_MINUTE_MS'> }) {
  const channels: NotifyChannels = {};
  const secret = deps.config.VIGIL_WEBHOOK_SIGNING_SECRET;
  if (secret) channels.webhook = createWebhookChannel({ signingSecret: secret, log: deps.log });
  else deps.log.warn('VIGIL_WEBHOOK_SIGNING_SECRET is not set: webhook contact methods are only logged');
  return {
    ...createStoreActivities(deps),
    ...createOnCallActivities({ log: deps.log, minuteMs: deps.config.VIGIL_MINUTE_MS }),
    ...createReviewActivities({ log: deps.log }),
    ...createNotifyActivities({ channels, log: deps.log }),
  };
}

export async function createWorker(config: Config, log: Logger): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: buildActivities({ log, config }),
    // The worker stops on SIGINT/SIGTERM by itself; in-flight activities get this long.
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}
