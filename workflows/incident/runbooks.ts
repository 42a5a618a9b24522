/**
 * The incident's side of runbooks: start the runs an alert triggers (and runs by hand, the
 * `runRunbook` update) as child workflows; record what each child reports (the
 * `runbookEvent` signal) on the timeline and tell the responders where a step asks to;
 * apply a run's outcome as a command: acknowledge or resolve on success (per runbook),
 * escalate now on failure.
 */
import { ApplicationFailure, log, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import type { PlannedRun } from '../../activities/runbook';
import { runbookWorkflowId } from '../contract';
import { refuse, refuseIf, refuseMalformedCommand } from '../refusal';
import { runbookWorkflow } from '../runbook/runbook';
import { recordEvent, refuseIfResolved } from '../../domain/incident/commands';
import type { Notification } from '../../domain/incident/notification';
import type { AlertFacts } from '../../domain/runbook/match';
import {
  runbookTimelineEvent,
  type RunbookEvent,
  type RunbookOutcome,
  type RunbookStarted,
  type RunRunbookCommand,
} from '../../domain/runbook/run';
import { oncall, runbookPlanner } from './activity-stubs';
import { nowIso } from './clock';
import { afterFirstPage, FIRST_PAGE_FIRST } from './preparation';
import { notifyFirstContact } from './delivery';
import type { IncidentRun } from './incident-run';

const facts = (run: IncidentRun): AlertFacts => {
  const s = run.state;
  return { service: s.service, severity: s.severity, details: s.details };
};

/** Validator of `runRunbook`: a dry run may look at a resolved incident, a run may not. */
export function refuseRunbookCommand(run: IncidentRun, cmd: RunRunbookCommand): void {
  refuseMalformedCommand(run.opened, cmd);
  if (typeof cmd.name !== 'string' || cmd.name.length === 0) refuse('command needs a runbook "name"');
  if (!cmd.dryRun) refuseIf(refuseIfResolved(run.state));
}

/** `runRunbook`: plans the named runbook with the given inputs and starts it, or answers why not. */
export async function runRunbookByHand(run: IncidentRun, cmd: RunRunbookCommand): Promise<RunbookStarted> {
  const plan = await runbookPlanner.planRunbooks({
    incident: facts(run),
    name: cmd.name,
    ...(cmd.inputs ? { inputs: cmd.inputs } : {}),
  });
  const refused = plan.refused[0];
  const planned = plan.runs[0];
  if (refused || !planned)
    throw ApplicationFailure.nonRetryable(refused?.problems.join('; ') ?? `no runbook "${cmd.name}"`, 'RunbookRefused');
  return startRun(run, planned, cmd.by, cmd.dryRun ?? false);
}

/** Starts every runbook the incident's alert triggers; problems go on the timeline. */
export async function startTriggeredRunbooks(run: IncidentRun): Promise<void> {
  if (run.patched(FIRST_PAGE_FIRST)) await afterFirstPage(run);
  let plan;
  try {
    plan = await runbookPlanner.planRunbooks({ incident: facts(run) });
  } catch (err) {
    log.warn('runbooks could not be planned; none run', { error: String(err) });
    return;
  }
  for (const r of plan.refused) {
    const message = `Runbook ${r.runbook} matched but did not start: ${r.problems.join('; ')}`;
    run.apply((s) =>
      recordEvent(s, {
        at: nowIso(),
        type: 'runbook_failed',
        message,
        data: { runbook: r.runbook, problems: r.problems },
      }),
    );
  }
  for (const planned of plan.runs) await startRun(run, planned, 'alert', false);
}

async function startRun(run: IncidentRun, planned: PlannedRun, by: string, dryRun: boolean): Promise<RunbookStarted> {
  const s = run.state;
  const { runbook, inputs } = planned;
  const runId = `${runbook.name}-${uuid4().slice(0, 8)}`;
  const workflowId = runbookWorkflowId(s.incidentId, runId);
  await startChild(runbookWorkflow, {
    workflowId,
    args: [{ incidentId: s.incidentId, runId, runbook, inputs, dryRun, startedBy: by }],
    // A run outlives neither its purpose nor its incident's continue-as-new: it reports by signal.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `${dryRun ? 'Dry run of runbook' : 'Runbook'} ${runbook.name} on #${s.number ?? '?'} ${s.service}`,
  });
  return { runId, workflowId, runbook: runbook.name, dryRun };
}

/** `runbookEvent`: a child reports a step, an approval it waits for, or its end. */
export function recordRunbookEvent(run: IncidentRun, e: RunbookEvent): void {
  if (!run.opened) return;
  run.apply((s) => recordEvent(s, runbookTimelineEvent(e, nowIso())));
  if (e.type === 'notify') void notifyResponders(run, e.message, `${e.runId}:${e.stepId}`);
  // Approvals are asked of the responders (Slack shows Approve / Deny buttons).
  if (e.type === 'approval_pending' && run.patched('runbook-approval-notify')) {
    const text = `Runbook ${e.runbook}: step ${e.stepId} waits for approval: ${e.message}`;
    void notifyResponders(run, text, `${e.runId}:${e.stepId}:approval`, {
      approval: { runId: e.runId, step: e.stepId },
    });
  }
  if (e.type === 'step' && e.notify) {
    const reason = e.result.reason ? `: ${e.result.reason}` : '';
    const text = `Runbook ${e.runbook}: step ${e.result.id} ${e.result.status}${reason}`;
    void notifyResponders(run, text, `${e.runId}:${e.result.id}`);
  }
  if (e.type === 'finished') applyOutcome(run, e.outcome);
}

/** A finished run acts as the command its runbook names, given by `runbook:<name>`. */
function applyOutcome(run: IncidentRun, o: RunbookOutcome): void {
  const status = run.state.status;
  const by = `runbook:${o.runbook}`;
  if (o.status === 'succeeded') {
    if (o.onSuccess === 'acknowledge' && status === 'triggered') run.acknowledge({ by, note: 'remediation succeeded' });
    if (o.onSuccess === 'resolve' && status !== 'resolved') run.resolve({ by, note: 'remediation succeeded' });
    return;
  }
  if (o.status === 'failed' && o.onFailure === 'escalate' && status !== 'resolved')
    run.escalate({ by, note: `step ${o.failedStep} failed: ${o.reason}` });
}

/** Who hears from a runbook: the people paged now, else the owning team. */
async function notifyResponders(
  run: IncidentRun,
  message: string,
  key: string,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  const s = run.state;
  const userIds = s.assignedUserIds ?? s.escalation?.userIds ?? [];
  const target = userIds.length > 0 ? { userIds } : run.plan.teamId ? { teamId: run.plan.teamId } : undefined;
  if (!target) return;
  const { recipients } = await oncall.resolveRecipients(target);
  await notifyFirstContact(run, 'update', recipients, message, `runbook:${key}`, extra);
}
