import type { Client } from '@temporalio/client';
import { runbookApprovalUpdate, runbookWorkflowId, runRunbookUpdate } from '../workflows/contract';
import type { ApprovalDecision, RunbookStarted, RunRunbookCommand } from '../domain/runbook/run';
import { temporalError } from './temporal-errors';

/** What the runbook routes need from Temporal; tests may fake it. */
export interface RunbookGateway {
  run(incidentId: string, cmd: RunRunbookCommand): Promise<RunbookStarted>;
  decide(incidentId: string, runId: string, decision: ApprovalDecision): Promise<{ step: string; decision: string }>;
}

export function createRunbookGateway(client: Client): RunbookGateway {
  return {
    async run(incidentId, cmd) {
      try {
        return await client.workflow.getHandle(incidentId).executeUpdate(runRunbookUpdate, { args: [cmd] });
      } catch (err) {
        throw temporalError(err, `incident ${incidentId}`);
      }
    },
    async decide(incidentId, runId, decision) {
      try {
        return await client.workflow
          .getHandle(runbookWorkflowId(incidentId, runId))
          .executeUpdate(runbookApprovalUpdate, { args: [decision] });
      } catch (err) {
        throw temporalError(err, `runbook run ${runId} of incident ${incidentId}`);
      }
    },
  };
}
