/**
 * The incident's side of runbooks: start the runs an alert triggers (and runs by hand, the
 * `runRunbook` update) as child workflows; record what each child reports on the
 * timeline; apply a run's outcome: acknowledge or resolve on success (per runbook),
 * escalate now on failure. Workflow code only (deterministic).
 */
import {
  ApplicationFailure,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
} from '@temporalio/workflow';
import { RUNBOOK_LOOKUP_PROFILE } from '../activity-profiles';
import { refuse, refuseMalformedCommand } from '../refusal';
import type { PlannedRun, RunbookActivities } from '../../activities/runbook';
import { runbookEventSignal, runbookWorkflowId, runRunbookUpdate } from '../contract';
import { acknowledge, resolve } from '../../domain/incident/incident';
import { escalateNow, recordEvent } from '../../domain/incident/commands';
import type { Notification } from '../../domain/incident/notification';
import type { AlertFacts } from '../../domain/runbook/match';
import {
  runbookTimelineEvent,
  type RunbookEvent,
  type RunbookOutcome,
  type RunbookStarted,
  type RunRunbookCommand,
} from '../../domain/runbook/run';
import { escalateManually } from '../escalation';
import { notifyFirstContact } from '../paging';
import { runbookWorkflow } from './runbook';
import { nowIso, oncall, type Ctx } from '../runtime';

const planner = proxyActivities<Pick<RunbookActivities, 'planRunbooks'>>(RUNBOOK_LOOKUP_PROFILE);

const facts = (ctx: Ctx): AlertFacts => {
  const s = ctx.state();
  return { service: s.service, severity: s.severity, details: s.details };
};

export function registerRunbookHandlers(ctx: Ctx): void {
  setHandler(runbookEventSignal, (event) => onRunbookEvent(ctx, event));
  setHandler(
    runRunbookUpdate,
    async (cmd: RunRunbookCommand) => {
      const plan = await planner.planRunbooks({
        incident: facts(ctx),
        name: cmd.name,
        ...(cmd.inputs ? { inputs: cmd.inputs } : {}),
      });
      const refused = plan.refused[0];
      const run = plan.runs[0];
      if (refused || !run)
        throw ApplicationFailure.nonRetryable(
          refused?.problems.join('; ') ?? `no runbook "${cmd.name}"`,
          'RunbookRefused',
        );
      return startRun(ctx, run, cmd.by, cmd.dryRun ?? false);
    },
    {
      validator: (cmd: RunRunbookCommand) => {
        refuseMalformedCommand(ctx.opened(), cmd);
        if (typeof cmd.name !== 'string' || cmd.name.length === 0) refuse('command needs a runbook "name"');
        if (ctx.state().status === 'resolved' && !cmd.dryRun)
          refuse(`incident is already resolved (by ${ctx.state().resolvedBy})`);
      },
    },
  );
}

/** Starts every runbook the incident's alert triggers; problems go on the timeline. */
export async function startTriggeredRunbooks(ctx: Ctx): Promise<void> {
  let plan;
  try {
    plan = await planner.planRunbooks({ incident: facts(ctx) });
  } catch (err) {
    log.warn('runbooks could not be planned; none run', { error: String(err) });
    return;
  }
  for (const r of plan.refused) {
    const message = `Runbook ${r.runbook} matched but did not start: ${r.problems.join('; ')}`;
    ctx.apply((s) =>
      recordEvent(s, {
        at: nowIso(),
        type: 'runbook_failed',
        message,
        data: { runbook: r.runbook, problems: r.problems },
      }),
    );
  }
  for (const run of plan.runs) await startRun(ctx, run, 'alert', false);
}

async function startRun(ctx: Ctx, run: PlannedRun, by: string, dryRun: boolean): Promise<RunbookStarted> {
  const s = ctx.state();
  const runId = `${run.runbook.name}-${uuid4().slice(0, 8)}`;
  const workflowId = runbookWorkflowId(s.incidentId, runId);
  await startChild(runbookWorkflow, {
    workflowId,
    args: [{ incidentId: s.incidentId, runId, runbook: run.runbook, inputs: run.inputs, dryRun, startedBy: by }],
    // A run outlives neither its purpose nor its incident's continue-as-new: it reports by signal.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `${dryRun ? 'Dry run of runbook' : 'Runbook'} ${run.runbook.name} on #${s.number ?? '?'} ${s.service}`,
  });
  return { runId, workflowId, runbook: run.runbook.name, dryRun };
}

function onRunbookEvent(ctx: Ctx, e: RunbookEvent): void {
  if (!ctx.opened()) return;
  ctx.apply((s) => recordEvent(s, runbookTimelineEvent(e, nowIso())));
  if (e.type === 'notify') void notifyResponders(ctx, e.message, `${e.runId}:${e.stepId}`);
  // Approvals are asked of the responders (Slack shows Approve / Deny buttons).
  if (e.type === 'approval_pending' && patched('runbook-approval-notify')) {
    const text = `Runbook ${e.runbook}: step ${e.stepId} waits for approval: ${e.message}`;
    void notifyResponders(ctx, text, `${e.runId}:${e.stepId}:approval`, {
      approval: { runId: e.runId, step: e.stepId },
    });
  }
  if (e.type === 'step' && e.notify) {
    void notifyResponders(
      ctx,
      `Runbook ${e.runbook}: step ${e.result.id} ${e.result.status}${e.result.reason ? `: ${e.result.reason}` : ''}`,
      `${e.runId}:${e.result.id}`,
    );
  }
  if (e.type === 'finished') applyOutcome(ctx, e.outcome);
}

function applyOutcome(ctx: Ctx, o: RunbookOutcome): void {
  const s = ctx.state();
  const by = `runbook:${o.runbook}`;
  if (o.status === 'succeeded') {
    if (o.onSuccess === 'acknowledge' && s.status === 'triggered')
      ctx.apply((x) => acknowledge(x, { by, note: 'remediation succeeded' }, nowIso()));
    if (o.onSuccess === 'resolve' && s.status !== 'resolved')
      ctx.apply((x) => resolve(x, { by, note: 'remediation succeeded' }, nowIso()));
    return;
  }
  if (o.status === 'failed' && o.onFailure === 'escalate' && s.status !== 'resolved') {
    const wasTriggered = s.status === 'triggered';
    ctx.apply((x) => escalateNow(x, { by, note: `step ${o.failedStep} failed: ${o.reason}` }, nowIso()));
    escalateManually(ctx, wasTriggered);
  }
}

/** Who hears from a runbook: the people paged now, else the owning team. */
async function notifyResponders(
  ctx: Ctx,
  message: string,
  key: string,
  extra: Pick<Notification, 'approval'> = {},
): Promise<void> {
  const s = ctx.state();
  const userIds = s.assignedUserIds ?? s.escalation?.userIds ?? [];
  const target = userIds.length > 0 ? { userIds } : ctx.plan.teamId ? { teamId: ctx.plan.teamId } : undefined;
  if (!target) return;
  const { recipients } = await oncall.resolveRecipients(target);
  await notifyFirstContact(ctx, 'update', recipients, message, `runbook:${key}`, extra);
}
