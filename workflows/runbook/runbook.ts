/**
 * One runbook run, a child of its incident workflow: steps in order (parallel groups
 * together), each reported to the incident as it ends, then the outcome. The incident
 * records every report on its timeline and applies the outcome (acknowledge, resolve or
 * escalate). Responders approve or deny approval steps with an update sent here.
 */
import { getExternalWorkflowHandle, log, setHandler } from '@temporalio/workflow';
import { runbookApprovalUpdate, runbookEventSignal } from '../contract';
import type {
  ApprovalDecision,
  RunbookEvent,
  RunbookOutcome,
  RunbookRunInput,
  StepResult,
} from '../../domain/runbook/run';
import { refuse } from '../refusal';
import { runStep, tolerated, type RunContext } from './steps';

export async function runbookWorkflow(input: RunbookRunInput): Promise<RunbookOutcome> {
  const incident = getExternalWorkflowHandle(input.incidentId);
  const rc: RunContext = {
    input,
    results: {},
    approvals: new Map(),
    pending: new Set(),
    async report(event: RunbookEvent) {
      try {
        await incident.signal(runbookEventSignal, event);
      } catch (err) {
        // The incident may have closed (resolved) meanwhile: the run itself still finishes.
        log.warn('could not report to the incident', { incidentId: input.incidentId, error: String(err) });
      }
    },
  };
  setHandler(
    runbookApprovalUpdate,
    (d: ApprovalDecision) => {
      rc.approvals.set(d.step, d);
      return { step: d.step, decision: d.decision };
    },
    { validator: (d: ApprovalDecision) => refuseApproval(rc, d) },
  );

  const { runbook } = input;
  await rc.report({
    type: 'started',
    runId: input.runId,
    runbook: runbook.name,
    dryRun: input.dryRun,
    by: input.startedBy,
    steps: runbook.steps.length,
  });
  const steps: StepResult[] = [];
  let failed: StepResult | undefined;
  for (const step of runbook.steps) {
    const result = await runStep(step, rc);
    steps.push(result);
    if (result.status === 'failed' && !tolerated(step)) {
      failed = result;
      break;
    }
  }
  const outcome: RunbookOutcome = {
    runId: input.runId,
    runbook: runbook.name,
    onSuccess: runbook.onSuccess,
    onFailure: runbook.onFailure,
    steps,
    status: failed ? 'failed' : input.dryRun ? 'dry_run' : 'succeeded',
    ...(failed ? { failedStep: failed.id, reason: failed.reason ?? 'unknown error' } : {}),
    ...(failed?.approvalTimedOut || timedOutInGroup(failed, rc) ? { approvalTimedOut: true } : {}),
  };
  await rc.report({ type: 'finished', runId: input.runId, runbook: runbook.name, outcome });
  return outcome;
}

/** A failed parallel group whose failing member was an approval nobody gave. */
function timedOutInGroup(failed: StepResult | undefined, rc: RunContext): boolean {
  if (failed?.kind !== 'parallel') return false;
  return Object.values(rc.results).some((r) => r.approvalTimedOut);
}

function refuseApproval(rc: RunContext, d: ApprovalDecision): void {
  if (!d || typeof d.by !== 'string' || d.by.length === 0) refuse('decision needs a "by"');
  if (d.decision !== 'approve' && d.decision !== 'deny') refuse('decision must be "approve" or "deny"');
  if (!rc.pending.has(d.step)) {
    const waiting = [...rc.pending];
    refuse(
      `step "${d.step}" is not waiting for approval${waiting.length > 0 ? ` (waiting: ${waiting.join(', ')})` : ''}`,
    );
  }
}
