/**
 * A runbook run: the child workflow's input, step results, the events the child reports
 * to its incident, and how each event reads on the incident timeline. What a step
 * executes is in ./action.ts. Pure and deterministic.
 */
import type { TimelineEvent } from '../incident/incident';
import type { LeafStep, Runbook } from './runbook';
import type { InputValues } from './template';

export interface RunbookRunInput {
  /** The incident (parent) workflow id. */
  incidentId: string;
  /** Unique within the incident; names the child workflow and the approval route. */
  runId: string;
  /** Snapshot of the definition when the run started: an edited file never changes a run. */
  runbook: Runbook;
  inputs: InputValues;
  dryRun: boolean;
  /** "alert" for a triggered run, else the responder who started it. */
  startedBy: string;
}

export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'planned';

export interface StepResult {
  id: string;
  kind: LeafStep['kind'] | 'parallel';
  status: StepStatus;
  ok: boolean;
  /** What ran (or would run, in a dry run), e.g. `GET http://...` or `kubectl ["get","pods"]`. */
  action?: string;
  output?: string;
  exitCode?: number;
  statusCode?: number;
  durationMs: number;
  attempts?: number;
  /** Why it failed or was skipped. */
  reason?: string;
  /** An approval step nobody decided in time. */
  approvalTimedOut?: boolean;
}

export interface RunbookOutcome {
  runId: string;
  runbook: string;
  status: 'succeeded' | 'failed' | 'dry_run';
  failedStep?: string;
  reason?: string;
  /** True when the failure was an approval that nobody gave in time. */
  approvalTimedOut?: boolean;
  onSuccess: Runbook['onSuccess'];
  onFailure: Runbook['onFailure'];
  steps: StepResult[];
}

interface Base {
  runId: string;
  runbook: string;
}
export type RunbookEvent =
  | (Base & { type: 'started'; dryRun: boolean; by: string; steps: number })
  | (Base & { type: 'step'; result: StepResult; notify: boolean })
  | (Base & { type: 'approval_pending'; stepId: string; message: string; timeoutMs: number })
  | (Base & { type: 'approval_decided'; stepId: string; decision: 'approve' | 'deny'; by: string; comment?: string })
  | (Base & { type: 'notify'; stepId: string; message: string })
  | (Base & { type: 'finished'; outcome: RunbookOutcome });

export interface ApprovalDecision {
  step: string;
  decision: 'approve' | 'deny';
  by: string;
  comment?: string;
}

/** Outputs on the timeline are cut to this many characters, with a marker saying so. */
export const TIMELINE_OUTPUT_LIMIT = 4000;

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n…[truncated ${text.length - limit} more characters]`;
}

const label = (e: Base) => `Runbook ${e.runbook} (${e.runId})`;

function stepMessage(r: StepResult): string {
  const what = r.action ? `: ${r.action}` : '';
  switch (r.status) {
    case 'succeeded':
      return `step ${r.id} succeeded in ${r.durationMs} ms${what}`;
    case 'skipped':
      return `step ${r.id} skipped (${r.reason ?? 'condition false'})`;
    case 'planned':
      return `step ${r.id} would run${what}${r.reason ? ` (${r.reason})` : ''}`;
    case 'failed':
      return `step ${r.id} failed${what}: ${r.reason ?? 'unknown error'}`;
  }
}

/** How a runbook event reads on the incident timeline. */
export function runbookTimelineEvent(e: RunbookEvent, at: string): TimelineEvent {
  const by = `runbook:${e.runbook}`;
  const data = { runId: e.runId, runbook: e.runbook };
  switch (e.type) {
    case 'started':
      return {
        at,
        by: e.by,
        type: 'runbook_started',
        message: `${label(e)} ${e.dryRun ? 'dry run ' : ''}started by ${e.by} (${e.steps} steps)`,
        data: { ...data, dryRun: e.dryRun },
      };
    case 'step': {
      const { output, ...rest } = e.result;
      return {
        at,
        by,
        type: 'runbook_step',
        message: `${label(e)}: ${stepMessage(e.result)}`,
        data: {
          ...data,
          ...rest,
          ...(output !== undefined ? { output: truncate(output, TIMELINE_OUTPUT_LIMIT) } : {}),
        },
      };
    }
    case 'approval_pending':
      return {
        at,
        by,
        type: 'runbook_approval',
        message: `${label(e)}: step ${e.stepId} waits for approval: ${e.message}`,
        data: { ...data, stepId: e.stepId, timeoutMs: e.timeoutMs, pending: true },
      };
    case 'approval_decided':
      return {
        at,
        by: e.by,
        type: 'runbook_approval',
        message: `${label(e)}: step ${e.stepId} ${e.decision === 'approve' ? 'approved' : 'denied'} by ${e.by}${e.comment ? `: ${e.comment}` : ''}`,
        data: { ...data, stepId: e.stepId, decision: e.decision },
      };
    case 'notify':
      return {
        at,
        by,
        type: 'runbook_notify',
        message: `${label(e)}: ${e.message}`,
        data: { ...data, stepId: e.stepId },
      };
    case 'finished': {
      const o = e.outcome;
      const type = o.status === 'failed' ? 'runbook_failed' : 'runbook_succeeded';
      const message =
        o.status === 'failed'
          ? `${label(e)} failed at step ${o.failedStep}: ${o.reason}`
          : o.status === 'dry_run'
            ? `${label(e)} dry run finished: ${o.steps.length} steps planned`
            : `${label(e)} succeeded`;
      return { at, by, type, message, data: { ...data, status: o.status, failedStep: o.failedStep, reason: o.reason } };
    }
  }
}

/** A responder runs a runbook on an incident by hand (the `runRunbook` update). */
export interface RunRunbookCommand {
  by: string;
  name: string;
  dryRun?: boolean;
  /** Values over the ones taken from the alert; checked against each input's pattern. */
  inputs?: Record<string, string>;
}

export interface RunbookStarted {
  runId: string;
  workflowId: string;
  runbook: string;
  dryRun: boolean;
}
