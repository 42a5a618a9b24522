/**
 * Runbook activities: planning (which runbooks an incident triggers, with their inputs
 * checked) and one activity per executing step kind. The worker passes the folder, the
 * command allowlist and the output limit; nothing is read at import time.
 */
import { activityInfo, asyncLocalStorage, heartbeat } from '@temporalio/activity';
import { loadRunbookCatalog, formatRunbookIssue } from '../../lib/config-as-code/runbooks';
import type { Logger } from '../../lib/logger';
import type { WorkerMetrics } from '../../lib/metrics';
import type { Runbook } from '../../domain/runbook/runbook';
import { matchesTrigger, resolveInputs, type AlertFacts } from '../../domain/runbook/match';
import type { ActionResult, CommandAction, HttpAction } from '../../domain/runbook/action';
import type { InputValues } from '../../domain/runbook/template';
import { runCommand } from './command';
import { runHttp } from './http';

export interface RunbookActivityDeps {
  log: Logger;
  runbookDir: string;
  allowlist: Readonly<Record<string, string>>;
  outputLimit: number;
  /** Step attempts and their durations for Prometheus; absent: not counted. */
  metrics?: Pick<WorkerMetrics, 'runbookStepAttempts' | 'runbookStepDuration'>;
}

export interface PlanRunbooksInput {
  incident: AlertFacts;
  /** A run by hand: this runbook, whatever its trigger. Absent: every runbook the alert triggers. */
  name?: string;
  inputs?: Record<string, string>;
}
export interface PlannedRun {
  runbook: Runbook;
  inputs: InputValues;
}
export interface PlanRunbooksResult {
  runs: PlannedRun[];
  /** Runbooks that matched (or were asked for) but cannot run, and why. */
  refused: Array<{ runbook: string; problems: string[] }>;
}

export interface StepActivityInput<A> {
  action: A;
  incidentId: string;
  runId: string;
  stepId: string;
}

export function createRunbookActivities(deps: RunbookActivityDeps) {
  const cancellation = () => asyncLocalStorage.getStore()?.cancellationSignal;
  /** Runs one step attempt, counted and timed by kind and outcome. */
  async function metered<T>(kind: 'http' | 'command', run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const record = (outcome: 'succeeded' | 'failed') => {
      deps.metrics?.runbookStepAttempts.inc({ kind, outcome });
      deps.metrics?.runbookStepDuration.observe({ kind, outcome }, (performance.now() - started) / 1000);
    };
    try {
      const result = await run();
      record('succeeded');
      return result;
    } catch (err) {
      record('failed');
      throw err;
    }
  }
  return {
    /**
     * Reads the runbook folder and plans runs. Read-only, so safe to retry; invalid files
     * are logged and left out (the API's validate route names their errors).
     */
    async planRunbooks(input: PlanRunbooksInput): Promise<PlanRunbooksResult> {
      const catalog = await loadRunbookCatalog(deps.runbookDir);
      if (catalog.errors.length > 0)
        deps.log.warn({ errors: catalog.errors.map(formatRunbookIssue) }, 'runbooks with errors are skipped');
      const chosen =
        input.name !== undefined
          ? catalog.runbooks.filter((e) => e.runbook.name === input.name)
          : catalog.runbooks.filter((e) => matchesTrigger(e.runbook, input.incident));
      const result: PlanRunbooksResult = { runs: [], refused: [] };
      if (input.name !== undefined && chosen.length === 0)
        result.refused.push({ runbook: input.name, problems: [`no valid runbook named "${input.name}"`] });
      for (const { runbook } of chosen) {
        // A triggered runbook that could only fail (its programs are not allowed here) is
        // refused before it starts, so it neither runs nor escalates the incident.
        const missing = programsOf(runbook).filter((p) => !Object.hasOwn(deps.allowlist, p));
        if (input.name === undefined && missing.length > 0) {
          result.refused.push({
            runbook: runbook.name,
            problems: missing.map(
              (p) => `program "${p}" is not on the command allowlist (VIGIL_RUNBOOK_COMMAND_ALLOWLIST)`,
            ),
          });
          continue;
        }
        const inputs = resolveInputs(runbook, input.incident.details, input.inputs);
        if (inputs.ok) result.runs.push({ runbook, inputs: inputs.values });
        else result.refused.push({ runbook: runbook.name, problems: inputs.problems });
      }
      return result;
    },

    /**
     * One HTTP step. Retries follow the step's own policy (the workflow sets it); failures
     * carry the status and body in their details. Not idempotent by nature: a step that
     * must not repeat should set `retry.attempts: 1`.
     */
    async runRunbookHttp(input: StepActivityInput<HttpAction>): Promise<ActionResult> {
      const info = activityInfo();
      const timeoutMs = info.startToCloseTimeoutMs ?? 60_000;
      const result = await metered('http', () =>
        runHttp(input.action, { outputLimit: deps.outputLimit, signal: cancellation(), timeoutMs }),
      );
      return { ...result, attempts: info.attempt };
    },

    /**
     * One command step, from the allowlist, without a shell. Heartbeats while it runs, so a
     * lost worker is noticed within the heartbeat timeout and the attempt retried elsewhere.
     */
    async runRunbookCommand(input: StepActivityInput<CommandAction>): Promise<ActionResult> {
      deps.log.info(
        {
          incidentId: input.incidentId,
          runId: input.runId,
          stepId: input.stepId,
          program: input.action.program,
          args: input.action.args.length,
        },
        'runbook command',
      );
      const result = await metered('command', () =>
        runCommand(input.action, {
          allowlist: deps.allowlist,
          outputLimit: deps.outputLimit,
          signal: cancellation(),
          heartbeat: (p) => heartbeat(p),
        }),
      );
      return { ...result, attempts: activityInfo().attempt };
    },
  };
}

export type RunbookActivities = ReturnType<typeof createRunbookActivities>;

/** Every program a runbook's command and diagnostics steps run, parallel groups included. */
export function programsOf(runbook: Runbook): string[] {
  const programs = new Set<string>();
  const visit = (steps: readonly Runbook['steps'][number][]): void => {
    for (const step of steps) {
      if (step.kind === 'command') programs.add(step.program);
      else if (step.kind === 'diagnostics' && step.command) programs.add(step.command.program);
      else if (step.kind === 'parallel') visit(step.steps);
    }
  };
  visit(runbook.steps);
  return [...programs].sort();
}
