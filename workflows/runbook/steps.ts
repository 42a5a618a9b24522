/**
 * Executing one runbook step inside the runbook workflow: its condition, then its kind.
 * Executing kinds are one activity each, with the step's own timeout and retry policy;
 * wait and approval are durable timers; a dry run renders and reports without running.
 * Deterministic: templates and conditions are pure functions of the run's inputs.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { RunbookActivities } from '../../activities/runbook';
import { durationMs } from '../../domain/runbook/duration';
import type { LeafStep, Step } from '../../domain/runbook/runbook';
import { ExpressionError, expressionPaths, parseExpression } from '../../domain/runbook/expression';
import { evaluateCondition } from '../../domain/runbook/expression-evaluation';
import { describeAction, renderAction, type ActionResult, type StepAction } from '../../domain/runbook/action';
import type { ApprovalDecision, RunbookEvent, RunbookRunInput, StepResult } from '../../domain/runbook/run';
import { render, TemplateError } from '../../domain/runbook/template';
import { remediateProfile } from '../activity-profiles';

export const DEFAULT_APPROVAL_TIMEOUT = '15m';

/** What a step needs from its run. */
export interface RunContext {
  input: RunbookRunInput;
  results: Record<string, StepResult>;
  approvals: Map<string, ApprovalDecision>;
  /** Steps currently waiting for approval (parallel groups may have several). */
  pending: Set<string>;
  report(e: RunbookEvent): Promise<void>;
}

const base = (rc: RunContext) => ({ runId: rc.input.runId, runbook: rc.input.runbook.name });

export async function runStep(step: Step, rc: RunContext): Promise<StepResult> {
  const gate = checkCondition(step, rc);
  const result = gate ?? (step.kind === 'parallel' ? await runGroup(step, rc) : await runLeaf(step, rc));
  rc.results[step.id] = result;
  if (step.kind !== 'parallel' || gate) await rc.report({ ...base(rc), type: 'step', result, notify: step.notify });
  return result;
}

/** A result when the condition decides the step does not run normally (false, unknown in a dry run, or broken). */
function checkCondition(step: Step, rc: RunContext): StepResult | undefined {
  if (step.condition === undefined) return undefined;
  const skip = (status: StepResult['status'], reason: string): StepResult => ({
    id: step.id,
    kind: step.kind,
    status,
    ok: status !== 'failed',
    durationMs: 0,
    reason,
  });
  try {
    const readsResults = expressionPaths(parseExpression(step.condition)).some((p) => p[0] === 'steps');
    if (rc.input.dryRun && readsResults)
      return skip('planned', `runs if ${step.condition}, which depends on earlier results`);
    const scope = { ...rc.input.inputs, steps: rc.results };
    return evaluateCondition(step.condition, scope)
      ? undefined
      : skip('skipped', `condition ${step.condition} is false`);
  } catch (err) {
    if (err instanceof ExpressionError) return skip('failed', `condition ${step.condition}: ${err.message}`);
    throw err;
  }
}

async function runGroup(step: Extract<Step, { kind: 'parallel' }>, rc: RunContext): Promise<StepResult> {
  const started = Date.now();
  const children = await Promise.all(step.steps.map((child) => runStep(child, rc)));
  const failed = step.steps.find((child, i) => children[i]?.status === 'failed' && !tolerated(child));
  const status = failed ? 'failed' : rc.input.dryRun ? 'planned' : 'succeeded';
  const result: StepResult = {
    id: step.id,
    kind: 'parallel',
    status,
    ok: !failed,
    durationMs: Date.now() - started,
    ...(failed ? { reason: `step ${failed.id} failed: ${rc.results[failed.id]?.reason ?? 'unknown error'}` } : {}),
  };
  rc.results[step.id] = result;
  await rc.report({ ...base(rc), type: 'step', result, notify: step.notify });
  return result;
}

/** Diagnostics collect evidence: their failure is recorded, never stops the run. */
export const tolerated = (step: Step): boolean => step.continueOnError || step.kind === 'diagnostics';

async function runLeaf(step: LeafStep, rc: RunContext): Promise<StepResult> {
  const started = Date.now();
  const done = (status: StepResult['status'], extra: Partial<StepResult> = {}): StepResult => ({
    id: step.id,
    kind: step.kind,
    status,
    ok: status === 'succeeded' || status === 'planned',
    durationMs: Date.now() - started,
    ...extra,
  });
  let action: StepAction | undefined;
  let text: string | undefined;
  try {
    action = renderAction(step, rc.input.inputs);
    if (step.kind === 'notify' || step.kind === 'approval') text = render(step.message, rc.input.inputs);
  } catch (err) {
    if (err instanceof TemplateError) return done('failed', { reason: err.message });
    throw err;
  }
  if (rc.input.dryRun) return done('planned', { action: action ? describeAction(action) : describeOther(step, text) });
  switch (step.kind) {
    case 'wait':
      await sleep(durationMs(step.duration), { summary: `runbook step ${step.id}` });
      return done('succeeded');
    case 'notify':
      await rc.report({ ...base(rc), type: 'notify', stepId: step.id, message: text ?? '' });
      return done('succeeded');
    case 'approval':
      return done(...(await awaitApproval(step, text ?? '', rc)));
    default:
      return action ? done(...(await execute(step, action, rc))) : done('failed', { reason: 'nothing to run' });
  }
}

function describeOther(step: LeafStep, text: string | undefined): string {
  if (step.kind === 'wait') return `wait ${step.duration}`;
  if (step.kind === 'approval') return `wait up to ${step.timeout ?? DEFAULT_APPROVAL_TIMEOUT} for approval: ${text}`;
  return `notify: ${text}`;
}

type Outcome = [StepResult['status'], Partial<StepResult>];

async function awaitApproval(
  step: Extract<LeafStep, { kind: 'approval' }>,
  message: string,
  rc: RunContext,
): Promise<Outcome> {
  const timeoutMs = durationMs(step.timeout ?? DEFAULT_APPROVAL_TIMEOUT);
  rc.pending.add(step.id);
  await rc.report({ ...base(rc), type: 'approval_pending', stepId: step.id, message, timeoutMs });
  const decided = await condition(() => rc.approvals.has(step.id), timeoutMs, { summary: `approval of ${step.id}` });
  rc.pending.delete(step.id);
  const d = rc.approvals.get(step.id);
  if (!decided || !d)
    return [
      'failed',
      { reason: `no approval within ${step.timeout ?? DEFAULT_APPROVAL_TIMEOUT}`, approvalTimedOut: true },
    ];
  await rc.report({
    ...base(rc),
    type: 'approval_decided',
    stepId: step.id,
    decision: d.decision,
    by: d.by,
    ...(d.comment ? { comment: d.comment } : {}),
  });
  return d.decision === 'approve'
    ? ['succeeded', {}]
    : ['failed', { reason: `denied by ${d.by}${d.comment ? `: ${d.comment}` : ''}` }];
}

async function execute(step: LeafStep, action: StepAction, rc: RunContext): Promise<Outcome> {
  const activities = proxyActivities<RunbookActivities>(
    remediateProfile(step, action.kind, `runbook ${rc.input.runbook.name} step ${step.id}`),
  );
  const args = { incidentId: rc.input.incidentId, runId: rc.input.runId, stepId: step.id };
  const described = describeAction(action);
  try {
    const r: ActionResult =
      action.kind === 'http'
        ? await activities.runRunbookHttp({ ...args, action })
        : await activities.runRunbookCommand({ ...args, action });
    return ['succeeded', { ...r, action: described }];
  } catch (err) {
    if (isCancellation(err)) throw err;
    return ['failed', { action: described, ...failureOf(err) }];
  }
}

function failureOf(err: unknown): Partial<StepResult> {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const details = (cause.details?.[0] ?? {}) as Partial<ActionResult>;
      return { ...details, reason: cause.message };
    }
    if (cause instanceof TimeoutFailure) return { reason: `timed out: ${cause.message}` };
    return { reason: cause?.message ?? err.message };
  }
  return { reason: err instanceof Error ? err.message : String(err) };
}
