/**
 * One page incident's mirror (a hosted Statuspage or Cachet): each change signalled
 * (./status-page-mirror-contract.ts) is pushed by an activity that reads the incident as
 * it is then and sends what the provider has not seen (retried about ten minutes on its
 * own rate-limited queue). A push that fails after its retries is written on the
 * incident's timeline; the next change tries again. Nothing here waits in paging's way:
 * the incident workflow never waits on a mirror. Idle for an hour, the workflow ends; a
 * later change starts it again.
 */
import {
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { MirrorActivities } from '../activities/status-page/mirror';
import { noteAddedSignal } from './contract';
import { MIRROR_PROFILE } from './activity-profiles';
import { mirrorChangedSignal, mirrorTaskQueue, type MirrorInput } from './status-page-mirror-contract';

const IDLE = '1 hour';

const causeOf = (err: unknown): string =>
  err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);

export async function statusPageMirrorWorkflow(input: MirrorInput): Promise<void> {
  const { pushStatusPageMirror } = proxyActivities<MirrorActivities>({
    ...MIRROR_PROFILE,
    taskQueue: mirrorTaskQueue(workflowInfo().taskQueue),
  });
  let dirty = true;
  setHandler(mirrorChangedSignal, () => void (dirty = true));
  for (;;) {
    if (!(await condition(() => dirty, IDLE))) return;
    dirty = false;
    try {
      await pushStatusPageMirror(input);
    } catch (err) {
      log.warn('status page mirror push failed', { pageId: input.pageId, error: causeOf(err) });
      await tellTimeline(input, `Could not mirror status page "${input.pageId}": ${causeOf(err)}`);
    }
  }
}

async function tellTimeline(input: MirrorInput, text: string): Promise<void> {
  if (!input.incidentId) return;
  try {
    await getExternalWorkflowHandle(input.incidentId).signal(noteAddedSignal, {
      by: 'vigil',
      text,
      at: new Date().toISOString(),
    });
  } catch (err) {
    // The incident has closed since: the failure stays in the worker's log.
    log.warn('could not note a mirror failure on the incident', { incidentId: input.incidentId, error: String(err) });
  }
}
