/**
 * Starts follow-up exports: one workflow per action item (workflows/follow-up.ts), id from
 * the contract, so asking twice for the same item joins the export already running (or
 * finished) instead of creating a second issue.
 */
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { followUpWorkflowId } from '../workflows/contract';

export interface FollowUpGateway {
  startExport(input: { incidentId: string; runKey: string; itemId: string }): Promise<{ workflowId: string }>;
}

export function createFollowUpGateway(client: Client, taskQueue: string): FollowUpGateway {
  return {
    async startExport(input) {
      const workflowId = followUpWorkflowId(input.incidentId, input.runKey, input.itemId);
      await client.workflow
        .start('exportActionItemWorkflow', {
          workflowId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          // A failed export (tracker refused, not configured) may be asked for again; a finished one may not.
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
          staticSummary: `Export action item ${input.itemId} of ${input.incidentId}`,
        })
        .catch((err: unknown) => {
          if ((err as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        });
      return { workflowId };
    },
  };
}
