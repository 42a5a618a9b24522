/**
 * The activities the incident workflow calls, each stub with its profile from
 * ../activity-profiles.ts. Activities are imported as types only: workflow code never
 * loads them.
 */
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { NotifyActivities } from '../../activities/notify';
import type { OnCallActivities } from '../../activities/oncall';
import type { RunbookActivities } from '../../activities/runbook';
import type { StoreActivities } from '../../activities/store';
import type { StatusPageActivities } from '../../activities/status-page';
import {
  LOCAL_LOOKUP_PROFILE,
  LOOKUP_PROFILE,
  NOTIFY_PROFILE,
  PERSIST_PROFILE,
  RUNBOOK_LOOKUP_PROFILE,
  STATUS_PAGE_PROFILE,
} from '../activity-profiles';
import { notifyTaskQueue } from '../../domain/incident/notification';
import type { ServicePlan } from '../../domain/incident/plan';

export const oncall = proxyActivities<OnCallActivities>(LOOKUP_PROFILE);
/** The reads in front of a page, as local activities (runs with patch `local-lookups`; see LOCAL_LOOKUP_PROFILE). */
export const localLookup =
  proxyLocalActivities<Pick<OnCallActivities, 'loadServicePlan' | 'loadCoordinationPlan' | 'resolveRecipients'>>(
    LOCAL_LOOKUP_PROFILE,
  );
export const store = proxyActivities<StoreActivities>(PERSIST_PROFILE);
export const statusPageLookup = proxyActivities<Pick<StatusPageActivities, 'planStatusPages'>>(STATUS_PAGE_PROFILE);
export const statusPagePublisher =
  proxyActivities<Pick<StatusPageActivities, 'publishStatusPageIncident'>>(STATUS_PAGE_PROFILE);
export const runbookPlanner = proxyActivities<Pick<RunbookActivities, 'planRunbooks'>>(RUNBOOK_LOOKUP_PROFILE);

/** Sends on the incident's own task queue: plans that predate per-channel queues, and tests. */
const notifyOnIncidentQueue = proxyActivities<NotifyActivities>(NOTIFY_PROFILE);
const notifyOnChannelQueue = new Map<string, NotifyActivities>();

/**
 * The notify stub for one channel type. When the plan says the worker serves per-channel
 * queues (ServicePlan.notifyTaskQueues, recorded in history with the plan, so replay
 * takes the same branch), sends go to `<incident task queue>-notify-<type>`, where a
 * channel's own worker and rate limit keep one channel's trouble from delaying another;
 * otherwise to the incident's task queue.
 */
export function notifyFor(plan: ServicePlan, channelType: string): NotifyActivities {
  if (!plan.notifyTaskQueues) return notifyOnIncidentQueue;
  const taskQueue = notifyTaskQueue(workflowInfo().taskQueue, channelType);
  let stub = notifyOnChannelQueue.get(taskQueue);
  if (!stub) {
    stub = proxyActivities<NotifyActivities>({ ...NOTIFY_PROFILE, taskQueue });
    notifyOnChannelQueue.set(taskQueue, stub);
  }
  return stub;
}
