/**
 * Runbooks on the time-skipping server: the incident starts the runbook an alert triggers
 * as a child workflow; steps are activities with the step's retry policy (mocked here,
 * real in test/unit/runbook-steps-real.test.ts); outcomes acknowledge, or escalate now.
 * Policy: level 1 (a) waits 30 min, level 2 (b) 15 min, so any page of b before 30 min
 * was the runbook's doing.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlanRunbooksInput, PlanRunbooksResult, RunbookActivities } from '../../activities/runbook';
import { runbookApprovalUpdate, runbookWorkflowId, runRunbookUpdate } from '../../workflows/contract';
import type { IncidentState } from '../../domain/incident/incident';
import { loadRunbookCatalog } from '../../lib/config-as-code/runbooks';
import { RunbookSchema, type RunbookSource } from '../../domain/runbook/runbook';
import { resolveInputs } from '../../domain/runbook/match';
import type { ActionResult } from '../../domain/runbook/action';
import { runbookWorkflow } from '../../workflows/runbook/runbook';
import { createTimeSkippingEnv, workflowBundle } from './env';
import {
  createMocks,
  eventsOf,
  firstPage,
  MIN,
  pages,
  POLICY,
  servicePlan,
  withIncident,
  within,
  type Incident,
  type Mocks,
} from './fixtures';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  await workflowBundle();
});
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

const plan = servicePlan({
  policy: { ...POLICY, levels: [{ ...POLICY.levels[0]!, delayMinutes: 30 }, POLICY.levels[1]!] },
});

const runbook = (src: Partial<RunbookSource>) =>
  RunbookSchema.parse({
    name: 'restart-web',
    description: 'restart the web tier',
    trigger: { alert: 'WebDown' },
    inputs: { pod: { pattern: '[a-z0-9-]+' } },
    steps: [],
    ...src,
  });

interface Calls {
  http: number;
  command: string[][];
  plans: PlanRunbooksInput[];
}

/** Runbook activities over the incident mocks: http fails `httpFailures` times first. */
function withRunbooks(mocks: Mocks, planned: PlanRunbooksResult, httpFailures = 0): Calls {
  const calls: Calls = { http: 0, command: [], plans: [] };
  const acts: Omit<RunbookActivities, never> = {
    async planRunbooks(input) {
      calls.plans.push(input);
      // As the real planner: by name whatever the trigger, else only runbooks with a trigger.
      if (input.name) return { runs: planned.runs.filter((r) => r.runbook.name === input.name), refused: [] };
      return { runs: planned.runs.filter((r) => r.runbook.trigger), refused: planned.refused };
    },
    async runRunbookHttp({ action }): Promise<ActionResult> {
      await mocks.settle?.();
      calls.http += 1;
      if (calls.http <= httpFailures) {
        throw ApplicationFailure.retryable(
          `${action.method} ${action.url} answered 503, expected 2xx`,
          'RunbookHttpFailed',
          { statusCode: 503, output: 'down', durationMs: 5 },
        );
      }
      return { statusCode: 200, output: 'ok', durationMs: 5, attempts: calls.http };
    },
    async runRunbookCommand({ action }): Promise<ActionResult> {
      await mocks.settle?.();
      calls.command.push(action.args);
      return { exitCode: 0, output: `ran ${action.args.join(' ')}`, durationMs: 7, attempts: 1 };
    },
  };
  Object.assign(mocks.activities, acts);
  return calls;
}

const restartStep = (attempts: number) => ({
  id: 'restart',
  kind: 'http' as const,
  method: 'POST' as const,
  url: 'http://svc.local/restart/{{ .pod }}',
  retry: { attempts, delay: '10s', backoff: 1 },
});

async function finished(inc: Incident): Promise<IncidentState> {
  return inc.eventually(async () => {
    const s = await inc.state();
    if (!s.timeline.some((e) => e.type === 'runbook_succeeded' || e.type === 'runbook_failed'))
      throw new Error('runbook still running');
    return s;
  });
}

describe('runbooks started by the incident', () => {
  it('retries a failing step by its policy, then acknowledges the incident on success', async () => {
    const mocks = createMocks(plan);
    const rb = runbook({
      onSuccess: 'acknowledge',
      steps: [
        restartStep(3),
        { id: 'verify', kind: 'command', program: 'kubectl', args: ['get', 'pod', '{{ .pod }}'] },
      ],
    });
    const calls = withRunbooks(mocks, { runs: [{ runbook: rb, inputs: { pod: 'web-1' } }], refused: [] }, 2);
    await withIncident(env, mocks, { id: 'rb-ack' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + 2 * MIN); // two retries, 10 s apart
      const s = await finished(inc);
      expect(calls.http).toBe(3);
      expect(calls.command).toEqual([['get', 'pod', 'web-1']]);
      expect(s).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'runbook:restart-web' });
      const steps = eventsOf(s, 'runbook_step');
      expect(steps.map((e) => e.data)).toEqual([
        expect.objectContaining({
          id: 'restart',
          status: 'succeeded',
          statusCode: 200,
          attempts: 3,
          output: 'ok',
          action: 'POST http://svc.local/restart/web-1',
        }),
        expect.objectContaining({ id: 'verify', status: 'succeeded', exitCode: 0, output: 'ran get pod web-1' }),
      ]);
      expect(eventsOf(s, 'runbook_started')[0]?.message).toMatch(
        /^Runbook restart-web \(restart-web-\w{8}\) started by alert \(2 steps\)$/,
      );
      // Past level 2's time (30 min after the page), short of the ack timeout (30 min after the ack).
      await inc.sleepTo(p1 + 30 * MIN + 5_000);
      expect(pages(mocks.sent, p1)).toEqual(['0m a/a-hook L1R1']); // acknowledged at once: no SMS at 5 min, no level 2
    });
  });

  it('records which step failed and why, and escalates at once', async () => {
    const mocks = createMocks(plan);
    const rb = runbook({
      onSuccess: 'acknowledge',
      steps: [restartStep(2), { id: 'never', kind: 'notify', message: 'x' }],
    });
    const calls = withRunbooks(mocks, { runs: [{ runbook: rb, inputs: { pod: 'web-1' } }], refused: [] }, 99);
    await withIncident(env, mocks, { id: 'rb-fail' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      await inc.sleepTo(inc.t0 + MIN);
      const s = await finished(inc);
      expect(calls.http).toBe(2);
      const failed = eventsOf(s, 'runbook_failed')[0];
      expect(failed?.message).toMatch(
        /^Runbook restart-web \(.+\) failed at step restart: POST http:\/\/svc\.local\/restart\/web-1 answered 503, expected 2xx$/,
      );
      expect(eventsOf(s, 'runbook_step').map((e) => e.data?.id)).toEqual(['restart']);
      expect(eventsOf(s, 'escalated').find((e) => e.by !== undefined)).toMatchObject({
        by: 'runbook:restart-web',
        data: { note: expect.stringMatching(/^step restart failed/) },
      });
      await inc.eventually(() => expect(pages(mocks.sent, p1)).toContain('0m b/b-hook L2R1'));
      expect(s.status).toBe('triggered');
    });
  });

  it('pages the next level when an approval times out', async () => {
    const mocks = createMocks(plan);
    const rb = runbook({
      steps: [
        { id: 'confirm', kind: 'approval', message: 'Restart {{ .pod }}?', timeout: '10m' },
        { id: 'restart', kind: 'command', program: 'kubectl', args: ['delete', 'pod', '{{ .pod }}'] },
      ],
    });
    const calls = withRunbooks(mocks, { runs: [{ runbook: rb, inputs: { pod: 'web-1' } }], refused: [] });
    await withIncident(env, mocks, { id: 'rb-approval-timeout' }, async (inc) => {
      const p1 = await firstPage(inc, mocks);
      const asked = await inc.eventually(async () => {
        const pending = eventsOf(await inc.state(), 'runbook_approval')[0];
        expect(pending?.message).toMatch(/waits for approval: Restart web-1\?$/);
        return Date.parse(pending?.at ?? '');
      });
      await inc.sleepTo(inc.t0 + 9 * MIN);
      expect(pages(mocks.sent, p1).filter((p) => p.includes('b/'))).toEqual([]);
      await inc.sleepTo(inc.t0 + 11 * MIN);
      const s = await finished(inc);
      expect(eventsOf(s, 'runbook_failed')[0]?.message).toMatch(/failed at step confirm: no approval within 10m$/);
      expect(calls.command).toEqual([]);
      const paged = await inc.eventually(() => {
        const sent = mocks.sent.find((n) => n.userId === 'b');
        if (!sent) throw new Error('b not paged');
        return sent.atMs - asked;
      });
      expect(paged).toSatisfy(within(10 * MIN)); // when the approval timed out, not at 30 min
    });
  });

  it('runs by hand: a dry run plans without running, an approved run runs', async () => {
    const mocks = createMocks(plan);
    const rb = runbook({
      trigger: undefined,
      onSuccess: 'resolve',
      steps: [
        { id: 'confirm', kind: 'approval', message: 'go?' },
        {
          id: 'restart',
          kind: 'command',
          program: 'kubectl',
          args: ['delete', 'pod', '{{ .pod }}'],
          condition: 'steps.confirm.ok',
        },
      ],
    });
    const calls = withRunbooks(mocks, { runs: [{ runbook: rb, inputs: { pod: 'web-2' } }], refused: [] });
    await withIncident(env, mocks, { id: 'rb-manual' }, async (inc) => {
      const dry = await inc.handle.executeUpdate(runRunbookUpdate, {
        args: [{ by: 'alice', name: 'restart-web', dryRun: true }],
      });
      expect(dry).toMatchObject({
        runbook: 'restart-web',
        dryRun: true,
        workflowId: runbookWorkflowId('rb-manual', dry.runId),
      });
      const planned = await finished(inc);
      expect(eventsOf(planned, 'runbook_step').map((e) => e.message.replace(/\(.+?\)/, '(run)'))).toEqual([
        'Runbook restart-web (run): step confirm would run: wait up to 15m for approval: go?',
        'Runbook restart-web (run): step restart would run (runs if steps.confirm.ok, which depends on earlier results)',
      ]);
      expect(planned.status).toBe('triggered');
      expect(calls.command).toEqual([]);

      const real = await inc.handle.executeUpdate(runRunbookUpdate, { args: [{ by: 'alice', name: 'restart-web' }] });
      const child = env.client.workflow.getHandle(runbookWorkflowId('rb-manual', real.runId));
      await inc.eventually(async () =>
        expect((await inc.state()).timeline.filter((e) => e.type === 'runbook_approval')).toHaveLength(1),
      );
      // The people paged are asked, with what Slack needs for its Approve / Deny buttons.
      const asked = await inc.eventually(() => {
        const n = mocks.sent.find((x) => x.approval);
        if (!n) throw new Error('nobody asked for the approval yet');
        return n;
      });
      expect(asked).toMatchObject({ kind: 'update', userId: 'a', approval: { runId: real.runId, step: 'confirm' } });
      expect(asked.message).toBe('Runbook restart-web: step confirm waits for approval: go?');
      await expect(
        child.executeUpdate(runbookApprovalUpdate, { args: [{ step: 'restart', decision: 'approve', by: 'bob' }] }),
      ).rejects.toMatchObject({ cause: { message: 'step "restart" is not waiting for approval (waiting: confirm)' } });
      await child.executeUpdate(runbookApprovalUpdate, {
        args: [{ step: 'confirm', decision: 'approve', by: 'bob', comment: 'ok' }],
      });
      expect((await child.result()).status).toBe('succeeded');
      const s = await inc.closed();
      expect(calls.command).toEqual([['delete', 'pod', 'web-2']]);
      expect(s).toMatchObject({ status: 'resolved', resolvedBy: 'runbook:restart-web' });
      expect(eventsOf(s, 'runbook_approval').map((e) => e.message)).toContain(
        `Runbook restart-web (${real.runId}): step confirm approved by bob: ok`,
      );
      await expect(
        inc.handle.executeUpdate(runRunbookUpdate, { args: [{ by: 'alice', name: 'restart-web' }] }),
      ).rejects.toThrow();
    });
  });
});

describe('shipped runbooks in dry run', () => {
  const sample: Record<string, string> = {
    pod: 'web-7d9f-abcde',
    namespace: 'prod',
    deployment: 'web',
    restart_count: '4',
    cpu_usage: '95.5',
    target_replicas: '4',
    instance: 'db-1.internal',
    job: 'checkout-api',
    cache_pattern: 'bgp:peering:*',
    replica: 'db-2.internal',
    prefix: '203.0.113.0/24',
    peering_id: '123',
  };
  it('every runbook in runbooks/ plans its steps, runs nothing and reports no failure', async () => {
    const catalog = await loadRunbookCatalog(path.resolve(__dirname, '../../runbooks'));
    expect(catalog.runbooks).toHaveLength(6);
    const ran: string[] = [];
    const refuse = async () => {
      ran.push('activity');
      throw new Error('a dry run must not run steps');
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'dry-runs',
      workflowBundle: await workflowBundle(),
      activities: { runRunbookHttp: refuse, runRunbookCommand: refuse },
    });
    await worker.runUntil(async () => {
      for (const { runbook } of catalog.runbooks) {
        const inputs = resolveInputs(runbook, { labels: sample, annotations: sample });
        if (!inputs.ok) throw new Error(`${runbook.name}: ${inputs.problems.join('; ')}`);
        const outcome = await env.client.workflow.execute(runbookWorkflow, {
          workflowId: `dry-${runbook.name}`,
          taskQueue: 'dry-runs',
          args: [
            {
              incidentId: 'incident-none',
              runId: `${runbook.name}-00000000`,
              runbook,
              inputs: inputs.values,
              dryRun: true,
              startedBy: 'test',
            },
          ],
        });
        expect(outcome.status, runbook.name).toBe('dry_run');
        const leaves = outcome.steps.filter((s) => s.kind !== 'parallel');
        expect(
          leaves.every((s) => s.status === 'planned' || s.status === 'skipped'),
          runbook.name,
        ).toBe(true);
        expect(
          leaves.some((s) => s.action),
          runbook.name,
        ).toBe(true);
      }
    });
    expect(ran).toEqual([]);
  });
});
