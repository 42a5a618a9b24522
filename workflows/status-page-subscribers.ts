/**
 * Status-page subscribers hear of a page update: one workflow per update (started by the
 * publishing activity or by whoever wrote the update, id from the update, so a second
 * start finds the first), apart from the incident workflow, so no subscriber ever waits
 * in front of a page to an on-call person. It plans who hears of the update (a batch of
 * confirmed subscribers, continuing as new past it), then sends to each on its channel's
 * task queue, a few at a time, each keyed by subscriber and update (sent once, whatever
 * is retried or replayed). A failed subscriber is logged; the others still hear.
 * A confirmation email of a double opt-in is one activity on the email queue.
 */
import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SubscriberActivities } from '../activities/status-page/subscribers';
import { notifyTaskQueue } from '../domain/incident/notification';
import type { AnnounceInput, SubscriberType } from '../domain/status-page/subscribers';
import { LOOKUP_PROFILE, SUBSCRIBER_PROFILE } from './activity-profiles';

/** Messages in flight at once per fan-out; the channel queues' own limits apply on top. */
const IN_FLIGHT = 10;

const planner = proxyActivities<Pick<SubscriberActivities, 'planStatusPageAnnouncement'>>(LOOKUP_PROFILE);
const senderOn = (type: SubscriberType) =>
  proxyActivities<Pick<SubscriberActivities, 'deliverStatusPageUpdate' | 'sendStatusPageConfirmation'>>({
    ...SUBSCRIBER_PROFILE,
    taskQueue: notifyTaskQueue(workflowInfo().taskQueue, type),
  });

export interface AnnounceResult {
  sent: number;
  duplicate: number;
  skipped: number;
  failed: number;
}

const errorText = (err: unknown) =>
  err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);

export async function statusPageAnnounceWorkflow(input: AnnounceInput): Promise<AnnounceResult> {
  const plan = await planner.planStatusPageAnnouncement(input);
  const result: AnnounceResult = { sent: 0, duplicate: 0, skipped: 0, failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < plan.deliveries.length) {
      const d = plan.deliveries[next++];
      if (!d) return;
      try {
        const { pageId, pageIncidentId, updateId } = input;
        const outcome = await senderOn(d.type).deliverStatusPageUpdate({
          ...{ pageId, pageIncidentId, updateId },
          subscriberId: d.subscriberId,
        });
        result[outcome.status] += 1;
      } catch (err) {
        result.failed += 1;
        log.warn('status page subscriber not told', { subscriberId: d.subscriberId, error: errorText(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, plan.deliveries.length) }, lane));
  if (plan.next !== undefined) return continueAsNew<typeof statusPageAnnounceWorkflow>({ ...input, after: plan.next });
  return result;
}

export async function statusPageConfirmWorkflow(input: { subscriberId: string; nth: number }): Promise<string> {
  try {
    return (await senderOn('email').sendStatusPageConfirmation(input)).status;
  } catch (err) {
    log.warn('status page confirmation not sent', { subscriberId: input.subscriberId, error: errorText(err) });
    return 'failed';
  }
}
