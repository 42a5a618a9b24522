import path from 'node:path';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { loadRunbookCatalog, MAX_RUNBOOK_BYTES, parseRunbookYaml } from '../../activities/runbook/catalog';
import { runbookApprovalUpdate, runbookWorkflowId, runRunbookUpdate } from '../../workflows/contract';
import type { Runbook } from '../../domain/runbook/runbook';
import type { ApprovalDecision, RunbookStarted, RunRunbookCommand } from '../../domain/runbook/run';
import type { AuditLog } from '../../lib/audit';
import { audited } from '../audit';
import { conflict, HttpError, notFound, parseOr400, unavailable } from '../errors';
import { incidentIdParam } from '../schemas';

/** What the runbook routes need from Temporal; tests may fake it. */
export interface RunbookGateway {
  run(incidentId: string, cmd: RunRunbookCommand): Promise<RunbookStarted>;
  decide(incidentId: string, runId: string, decision: ApprovalDecision): Promise<{ step: string; decision: string }>;
}

export interface RunbookRouteDeps {
  /** The runbook folder (VIGIL_RUNBOOK_DIR), read on every request: edits need no restart. */
  dir: string;
  gateway: RunbookGateway;
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a runbook name (slug)');
export const runParams = incidentIdParam.extend({ name: slug });
export const approvalParams = incidentIdParam.extend({
  runId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}-[0-9a-f]{8}$/, 'must be a run id as on the timeline (<runbook>-<8 hex>)'),
  step: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a step id'),
});
export const runBody = z
  .strictObject({
    dryRun: z.boolean().default(false),
    /** Values over the alert's; each is checked against the input's pattern by the workflow. */
    inputs: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be an input name'), z.string().max(4096))
      .optional(),
  })
  .default({ dryRun: false });
export const approvalBody = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().trim().max(2000).optional(),
});
const HOW = 'send the runbook as a YAML body (Content-Type: application/yaml) or as JSON {"yaml": "..."}';
export const validateBody = z.object(
  { yaml: z.string({ error: HOW }).min(1, 'must not be empty').max(MAX_RUNBOOK_BYTES) },
  { error: HOW },
);

/** What the validate route reads as runbook YAML; anything else is parsed as JSON. */
export const RUNBOOK_YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];
const yamlText = express.text({ type: RUNBOOK_YAML_TYPES, limit: MAX_RUNBOOK_BYTES });

export function summarize(rb: Runbook) {
  return {
    name: rb.name,
    description: rb.description,
    trigger: rb.trigger ?? null,
    inputs: rb.inputs,
    onSuccess: rb.onSuccess,
    onFailure: rb.onFailure,
    steps: rb.steps.map((s) => ({ id: s.id, kind: s.kind, ...(s.name ? { name: s.name } : {}) })),
  };
}

/** Runbook routes: list and validate (read), run and approve (responders). */
export function runbookRoutes(
  deps: RunbookRouteDeps,
  roles: { read: RequestHandler; respond: RequestHandler },
  audit: AuditLog,
): Router {
  const router = Router();
  router.get('/runbooks', roles.read, async (_req, res) => {
    const catalog = await loadRunbookCatalog(deps.dir);
    res.json({
      data: catalog.runbooks.map((e) => ({ ...summarize(e.runbook), file: path.basename(e.file) })),
      errors: catalog.errors.map((e) => ({ ...e, file: e.file ? path.basename(e.file) : undefined })),
    });
  });

  router.post('/runbooks/validate', roles.read, yamlText, (req, res) => {
    const body = typeof req.body === 'string' ? { yaml: req.body } : req.body;
    const { yaml } = parseOr400(validateBody, body);
    const parsed = parseRunbookYaml(yaml, 'runbook.yaml');
    if (parsed.ok) res.json({ valid: true, runbook: summarize(parsed.runbook) });
    else res.status(422).json({ valid: false, errors: parsed.errors.map(({ file: _f, ...e }) => e) });
  });

  const run = audited(
    audit,
    { action: 'runbook.run', target: (p) => `incident:${p.id}/runbook:${p.name}` },
    roles.respond,
  );
  router.post('/incidents/:id/runbooks/:name/run', ...run, async (req, res) => {
    const { id, name } = parseOr400(runParams, req.params, 'path');
    const body = parseOr400(runBody, req.body ?? {});
    const catalog = await loadRunbookCatalog(deps.dir);
    if (!catalog.runbooks.some((e) => e.runbook.name === name)) {
      const broken = catalog.errors.some((e) => e.file && path.basename(e.file, path.extname(e.file)) === name);
      throw notFound(`runbook "${name}"${broken ? ' (its file has errors: see GET /api/v1/runbooks)' : ''}`);
    }
    const started = await deps.gateway.run(id, {
      by: req.principal?.actor ?? 'unknown',
      name,
      dryRun: body.dryRun,
      ...(body.inputs ? { inputs: body.inputs } : {}),
    });
    res.status(202).json({ status: 'started', ...started, links: { incident: `/api/v1/incidents/${id}` } });
  });

  const approval = audited(
    audit,
    { action: 'runbook.approval', target: (p) => `incident:${p.id}/run:${p.runId}/${p.step}` },
    roles.respond,
  );
  router.post('/incidents/:id/runbooks/:runId/approvals/:step', ...approval, async (req, res) => {
    const { id, runId, step } = parseOr400(approvalParams, req.params, 'path');
    const body = parseOr400(approvalBody, req.body);
    const by = req.principal?.actor ?? 'unknown';
    res.json(
      await deps.gateway.decide(id, runId, {
        step,
        decision: body.decision,
        by,
        ...(body.comment ? { comment: body.comment } : {}),
      }),
    );
  });
  return router;
}

export function createRunbookGateway(client: Client): RunbookGateway {
  return {
    async run(incidentId, cmd) {
      try {
        return await client.workflow.getHandle(incidentId).executeUpdate(runRunbookUpdate, { args: [cmd] });
      } catch (err) {
        throw mapError(err, `incident ${incidentId}`);
      }
    },
    async decide(incidentId, runId, decision) {
      try {
        return await client.workflow
          .getHandle(runbookWorkflowId(incidentId, runId))
          .executeUpdate(runbookApprovalUpdate, { args: [decision] });
      } catch (err) {
        throw mapError(err, `runbook run ${runId} of incident ${incidentId}`);
      }
    },
  };
}

function mapError(err: unknown, what: string): Error {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === 'RunbookRefused') return new HttpError(422, 'runbook_refused', err.cause.message);
    return conflict(err.cause.message);
  }
  if (err instanceof WorkflowNotFoundError) return notFound(what);
  if (err instanceof Error && /already completed|workflow execution.*(completed|closed)/i.test(err.message)) {
    return conflict(`${what} has finished`);
  }
  const wrapped = unavailable('the workflow service');
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}
