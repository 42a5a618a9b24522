import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { loadRunbookCatalog, MAX_RUNBOOK_BYTES, parseRunbookYaml } from '../../lib/config-as-code/runbooks';
import { RunbookSchema } from '../../domain/runbook/runbook';
import { notFound } from '../errors';
import { jsonBody } from '../http/mount';
import { defineRoute, ok } from '../http/route';
import { feature } from '../http/services';
import { E400, E503 } from './errors-doc';
import {
  ApprovalDecidedSchema,
  approvalBody,
  approvalParams,
  RUNBOOK_YAML_TYPES,
  RunbookInvalidSchema,
  RunbookListSchema,
  RunbookStartedSchema,
  RunbookValidSchema,
  runBody,
  runParams,
  summarize,
  validateBody,
} from './runbook-schemas';

const yamlText = express.text({ type: RUNBOOK_YAML_TYPES, limit: MAX_RUNBOOK_BYTES });
/** A YAML body as text, anything else as JSON. */
const yamlOrJson: RequestHandler = (req, res, next) => {
  yamlText(req, res, (err?: unknown) => (err ? next(err) : jsonBody(req, res, next)));
};
export type { RunbookGateway } from '../runbook-gateway';

const base = { tag: 'Runbooks', auth: 'responder', feature: 'runbooks' } as const;

/** Runbook routes: list and validate (read), run and approve (responders). */
export const runbookRoutes = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/runbooks',
    operationId: 'listRunbooks',
    summary: 'Valid runbooks and the errors of invalid files',
    responses: { 200: ok('The runbooks, and the errors of the files that are not', RunbookListSchema) },
    handler: async (_input, services, { reply }) => {
      const catalog = await loadRunbookCatalog(feature(services, 'runbooks').dir);
      return reply(200, {
        data: catalog.runbooks.map((e) => ({ ...summarize(e.runbook), file: path.basename(e.file) })),
        errors: catalog.errors.map((e) => ({ ...e, file: e.file ? path.basename(e.file) : undefined })),
      });
    },
  }),
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/runbooks/validate',
    operationId: 'validateRunbook',
    summary: 'Check a runbook before shipping it',
    request: {
      body: {
        schema: validateBody,
        content: {
          ...Object.fromEntries(RUNBOOK_YAML_TYPES.map((type) => [type, RunbookSchema])),
          'application/json': validateBody,
        },
        parser: yamlOrJson,
        read: (req) => (typeof req.body === 'string' ? { yaml: req.body } : req.body),
      },
    },
    responses: {
      200: ok('Valid', RunbookValidSchema),
      400: E400,
      413: 'Over the runbook size limit',
      422: ok('Invalid: every error with its line and column', RunbookInvalidSchema),
    },
    handler: ({ body }, _services, { reply }) => {
      const parsed = parseRunbookYaml(body.yaml, 'runbook.yaml');
      return parsed.ok
        ? reply(200, { valid: true, runbook: summarize(parsed.runbook) })
        : reply(422, { valid: false, errors: parsed.errors.map(({ file: _f, ...e }) => e) });
    },
  }),
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/incidents/{id}/runbooks/{name}/run',
    operationId: 'runRunbook',
    summary: 'Run a runbook on the incident by hand',
    audit: { action: 'runbook.run', target: (p) => `incident:${p.id}/runbook:${p.name}` },
    request: { params: runParams, body: { schema: runBody } },
    responses: {
      202: ok('Started', RunbookStartedSchema),
      400: E400,
      404: 'Unknown runbook or incident',
      409: 'The incident is resolved',
      422: 'An input breaks its pattern',
      503: E503,
    },
    handler: async ({ params: { id, name }, body, by }, services, { reply }) => {
      const { dir, gateway } = feature(services, 'runbooks');
      const catalog = await loadRunbookCatalog(dir);
      if (!catalog.runbooks.some((e) => e.runbook.name === name)) {
        const broken = catalog.errors.some((e) => e.file && path.basename(e.file, path.extname(e.file)) === name);
        throw notFound(`runbook "${name}"${broken ? ' (its file has errors: see GET /api/v1/runbooks)' : ''}`);
      }
      const inputs = body.inputs ? { inputs: body.inputs } : {};
      const started = await gateway.run(id, { by, name, dryRun: body.dryRun, ...inputs });
      return reply(202, { status: 'started', ...started, links: { incident: `/api/v1/incidents/${id}` } });
    },
  }),
  defineRoute({
    ...base,
    method: 'post',
    path: '/api/v1/incidents/{id}/runbooks/{runId}/approvals/{step}',
    operationId: 'decideRunbookApproval',
    summary: 'Approve or deny a waiting approval step',
    audit: { action: 'runbook.approval', target: (p) => `incident:${p.id}/run:${p.runId}/${p.step}` },
    request: { params: approvalParams, body: { schema: approvalBody } },
    responses: {
      200: ok('Decided', ApprovalDecidedSchema),
      400: E400,
      404: 'Unknown run',
      409: 'That step is not waiting',
      503: E503,
    },
    handler: async ({ params: { id, runId, step }, body, by }, services, { reply }) => {
      const comment = body.comment ? { comment: body.comment } : {};
      const decision = { step, decision: body.decision, by, ...comment };
      return reply(200, await feature(services, 'runbooks').gateway.decide(id, runId, decision));
    },
  }),
];
