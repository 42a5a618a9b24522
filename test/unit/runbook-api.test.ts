import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from '../../api/app';
import { conflict } from '../../api/errors';
import type { RunbookGateway } from '../../api/routes/runbooks';
import { createLogger } from '../../lib/logger';
import type { ApprovalDecision, RunRunbookCommand } from '../../domain/runbook/run';

const ID = 'incident-checkout-0123456789abcdef01234567';
const RESPONDER = 'responder-token-0123456789abcdef';
const INGEST = 'ingest-key-0123456789abcdef012';

const runs: Array<{ incidentId: string; cmd: RunRunbookCommand }> = [];
const decisions: Array<{ runId: string; d: ApprovalDecision }> = [];
const gateway: RunbookGateway = {
  async run(incidentId, cmd) {
    runs.push({ incidentId, cmd });
    return {
      runId: `${cmd.name}-0a1b2c3d`,
      workflowId: `${incidentId}-runbook-${cmd.name}-0a1b2c3d`,
      runbook: cmd.name,
      dryRun: cmd.dryRun ?? false,
    };
  },
  async decide(_incidentId, runId, d) {
    if (d.step === 'late') throw conflict('step "late" is not waiting for approval');
    decisions.push({ runId, d });
    return { step: d.step, decision: d.decision };
  },
};

const app = createApp({
  verifyReplies: true,
  log: createLogger({ level: 'silent', name: 'test' }),
  credentials: {
    ingestKeys: [{ name: 'mon', secret: INGEST }],
    responderTokens: [{ name: 'alice', secret: RESPONDER }],
    adminTokens: [],
  },
  runbooks: { dir: path.resolve(__dirname, '../../runbooks'), gateway },
} as unknown as AppDeps);

const call = (method: 'get' | 'post', url: string, token = RESPONDER) =>
  request(app)[method](`/api/v1${url}`).set('authorization', `Bearer ${token}`);

describe('runbook API', () => {
  it('lists the shipped runbooks', async () => {
    const res = await call('get', '/runbooks');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    const crash = res.body.data.find((r: { name: string }) => r.name === 'pod-crashloop-remediation');
    expect(crash).toMatchObject({
      file: 'pod-crashloop-remediation.yaml',
      onSuccess: 'acknowledge',
      trigger: { alert: 'KubePodCrashLooping' },
    });
    expect(crash.steps.map((s: { kind: string }) => s.kind)).toEqual([
      'diagnostics',
      'diagnostics',
      'command',
      'command',
      'notify',
    ]);
  });

  it('validates YAML sent raw or as JSON, answering every error with its line and column', async () => {
    const bad =
      'name: x\ndescription: d\nsteps:\n  - id: a\n    kind: teleport\n  - id: b\n    kind: wait\n    duration: 1s\n    condition: n >\n';
    const raw = await call('post', '/runbooks/validate').set('content-type', 'application/yaml').send(bad);
    expect(raw.status).toBe(422);
    expect(raw.body).toEqual({
      valid: false,
      errors: [
        { line: 5, column: 11, path: 'steps[0].kind', message: expect.stringMatching(/^unknown step kind/) },
        {
          line: 9,
          column: 16,
          path: 'steps[1].condition',
          message: 'invalid condition: unexpected end of expression at column 4',
        },
      ],
    });
    const json = await call('post', '/runbooks/validate').send({
      yaml: 'name: x\ndescription: d\nsteps:\n  - { id: a, kind: wait, duration: 5m }\n',
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ valid: true, runbook: { name: 'x', steps: [{ id: 'a', kind: 'wait' }] } });
  });

  it('answers 400 naming the field for a malformed request, never 500', async () => {
    const none = await call('post', '/runbooks/validate').send({ text: 'x' });
    expect(none.status).toBe(400);
    expect(none.body.error.issues).toEqual([{ path: 'yaml', message: expect.stringMatching(/YAML body/) }]);
    const badRun = await call('post', `/incidents/${ID}/runbooks/cache-clear/run`).send({ dryRun: 'yes' });
    expect(badRun.status).toBe(400);
    expect(badRun.body.error.issues[0]).toMatchObject({ path: 'dryRun' });
    const badDecision = await call('post', `/incidents/${ID}/runbooks/cache-clear-0a1b2c3d/approvals/confirm`).send({
      decision: 'maybe',
    });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.error.issues[0]).toMatchObject({ path: 'decision' });
    const badPath = await call('post', `/incidents/${ID}/runbooks/Not_A_Name/run`).send({});
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.issues[0]).toMatchObject({ path: 'name' });
  });

  it('runs a runbook by name (404 for an unknown one) as the calling responder', async () => {
    const res = await call('post', `/incidents/${ID}/runbooks/cache-clear/run`).send({
      dryRun: true,
      inputs: { cache_pattern: 'bgp:peering:*' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'started', runId: 'cache-clear-0a1b2c3d', dryRun: true });
    expect(runs.at(-1)).toEqual({
      incidentId: ID,
      cmd: { by: 'alice', name: 'cache-clear', dryRun: true, inputs: { cache_pattern: 'bgp:peering:*' } },
    });
    const missing = await call('post', `/incidents/${ID}/runbooks/no-such-runbook/run`).send({});
    expect(missing.status).toBe(404);
  });

  it('approves or denies a pending step; 409 when the step is not waiting', async () => {
    const ok = await call('post', `/incidents/${ID}/runbooks/cache-clear-0a1b2c3d/approvals/confirm`).send({
      decision: 'deny',
      comment: 'not now',
    });
    expect(ok.status).toBe(200);
    expect(decisions.at(-1)).toEqual({
      runId: 'cache-clear-0a1b2c3d',
      d: { step: 'confirm', decision: 'deny', by: 'alice', comment: 'not now' },
    });
    const late = await call('post', `/incidents/${ID}/runbooks/cache-clear-0a1b2c3d/approvals/late`).send({
      decision: 'approve',
    });
    expect(late.status).toBe(409);
  });

  it('needs a responder token', async () => {
    expect((await request(app).get('/api/v1/runbooks')).status).toBe(401);
    expect((await call('get', '/runbooks', INGEST)).status).toBe(403);
  });
});
