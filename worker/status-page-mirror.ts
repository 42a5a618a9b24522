/**
 * The status-page mirrors' worker: their pushes on their own task queue, one a second
 * (Statuspage allows about one request a second per key), so a slow or failing provider
 * never waits in front of anything on the incident queue.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from '../lib/logger';
import { createMirrorActivities } from '../activities/status-page/mirror';
import { mirrorTaskQueue } from '../workflows/status-page-mirror-contract';

const MIRROR_RATE_PER_SECOND = 1;

export function createMirrorWorker(
  common: Pick<WorkerOptions, 'connection' | 'namespace' | 'shutdownGraceTime'>,
  incidentTaskQueue: string,
  log: Logger,
): Promise<Worker> {
  return Worker.create({
    ...common,
    taskQueue: mirrorTaskQueue(incidentTaskQueue),
    activities: createMirrorActivities({ log }),
    maxConcurrentActivityTaskExecutions: 2,
    maxActivitiesPerSecond: MIRROR_RATE_PER_SECOND,
  });
}
