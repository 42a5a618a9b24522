import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createStoreActivities } from '../activities/store';

/** Every activity the worker serves, built from injected clients; nothing connects at import. */
export function buildActivities(deps: { log: Logger }) {
  return {
    ...createStoreActivities(deps),
  };
}

export async function createWorker(config: Config, log: Logger): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: buildActivities({ log }),
    // The worker stops on SIGINT/SIGTERM by itself; in-flight activities get this long.
    shutdownGraceTime: '10 seconds',
  });
  return { worker, connection };
}
