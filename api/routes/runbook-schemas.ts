/** What the runbook routes accept and answer. */
import { z } from 'zod';
import { MAX_RUNBOOK_BYTES } from '../../lib/config-as-code/runbooks';
import { RunbookShape, STEP_KINDS, type Runbook } from '../../domain/runbook/runbook';
import { incidentIdParam } from '../schemas';

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

const { shape } = RunbookShape;
export const RunbookSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  trigger: shape.trigger.unwrap().nullable(),
  inputs: shape.inputs,
  onSuccess: shape.onSuccess,
  onFailure: shape.onFailure,
  steps: z.array(z.object({ id: z.string(), kind: z.enum(STEP_KINDS), name: z.string().optional() })),
});

export function summarize(rb: Runbook): z.input<typeof RunbookSummarySchema> {
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

const IssueSchema = z.object({
  line: z.int().optional(),
  column: z.int().optional(),
  path: z.string(),
  message: z.string(),
});
export const RunbookListSchema = z.object({
  data: z.array(RunbookSummarySchema.extend({ file: z.string() })),
  errors: z.array(IssueSchema.extend({ file: z.string().optional() })),
});
export const RunbookValidSchema = z.object({ valid: z.literal(true), runbook: RunbookSummarySchema });
export const RunbookInvalidSchema = z.object({ valid: z.literal(false), errors: z.array(IssueSchema) });
export const RunbookStartedSchema = z.object({
  status: z.literal('started'),
  runId: z.string(),
  workflowId: z.string(),
  runbook: z.string(),
  dryRun: z.boolean(),
  links: z.object({ incident: z.string() }),
});
export const ApprovalDecidedSchema = z.object({ step: z.string(), decision: z.string() });
