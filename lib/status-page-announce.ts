/**
 * The one hook that tells a page's subscribers about an update: it starts the update's
 * fan-out workflow (workflows/status-page-subscribers.ts), id from page and update, so
 * announcing the same update while its fan-out runs joins it. Announcing it again later
 * runs a new fan-out that sends only what is missing (each delivery is keyed by subscriber
 * and update): so a held-back incident's updates reach subscribers when it is released and
 * announced again, and nobody gets an update twice. Whoever writes an update through the status-page
 * store (the incident workflow's publishing activity, a responder's update by the API)
 * calls it after the write; which updates subscribers actually hear of is decided in the
 * fan-out (announcementOf), so calling it for every update is safe. Also starts the
 * confirmation email of a double opt-in.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { announceWorkflowId, confirmWorkflowId, type AnnounceInput } from '../domain/status-page/subscribers';

export interface SubscriberAnnouncer {
  announce(input: Omit<AnnounceInput, 'after'>): Promise<void>;
  sendConfirmation(subscriberId: string, nth: number): Promise<void>;
}

const alreadyStarted = (err: unknown) => {
  if ((err as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
};

/** `client` is called per start: in an activity it is the worker's (getClient), in the API its own. */
export function createSubscriberAnnouncer(client: () => Client, taskQueue: string): SubscriberAnnouncer {
  const start = (type: string, workflowId: string, args: unknown[], summary: string) =>
    client()
      .workflow.start(type, {
        workflowId,
        taskQueue,
        args,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: summary,
      })
      .then(() => undefined, alreadyStarted);
  return {
    announce: (input) =>
      start(
        'statusPageAnnounceWorkflow',
        announceWorkflowId(input.pageId, input.updateId),
        [{ pageId: input.pageId, pageIncidentId: input.pageIncidentId, updateId: input.updateId }],
        `Tell subscribers of status page ${input.pageId} about update ${input.updateId}`,
      ),
    sendConfirmation: (subscriberId, nth) =>
      start(
        'statusPageConfirmWorkflow',
        confirmWorkflowId(subscriberId, nth),
        [{ subscriberId, nth }],
        `Confirmation email ${nth} to status page subscriber ${subscriberId}`,
      ),
  };
}
