/**
 * Runbooks: YAML files in `runbooks/`, validated by this schema when loaded. A runbook
 * says which alerts trigger it, which inputs it takes from the alert (each optionally
 * restricted by a pattern), and its ordered steps. Cross-field rules (conditions parse and
 * read only known names, templates read declared inputs, step ids are unique) are in
 * runbook-checks.ts, applied by `RunbookSchema`.
 */
import { z } from 'zod';
import { IdSchema, strictObject } from '../common/fields';
import { checkRunbook } from './checks';
import { SeverityInputSchema } from '../incident/severity';
import { DURATION } from './duration';

// Workflow code imports durationMs from './duration' (zod-free); other callers may keep using this module.
export { durationMs } from './duration';

export const DurationSchema = z.string().regex(DURATION, 'must be a duration such as 500ms, 30s, 5m or 1h');

export const StepIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case: a-z, 0-9 and "_", starting with a letter');
const InputNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a name of letters, digits and "_"');

/** A program is a name the operator's allowlist maps to an executable; never templated. */
const ProgramSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/,
    'must be a program name from the command allowlist (letters, digits, "_", ".", "+", "-"; no paths, no placeholders)',
  );

export const JsonSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
);

const RetrySchema = strictObject({
  attempts: z.int().min(1).max(10).default(1),
  delay: DurationSchema.default('5s'),
  backoff: z.number().min(1).max(10).default(2),
});

const common = {
  id: StepIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
  /** Expression over inputs and `steps.<id>.<field>`; false skips the step. */
  condition: z.string().trim().min(1).max(500).optional(),
  retry: RetrySchema.optional(),
  timeout: DurationSchema.optional(),
  continueOnError: z.boolean().default(false),
  /** Tell the incident's responders how the step went. */
  notify: z.boolean().default(false),
};

const HttpRequest = {
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  url: z
    .string()
    .regex(
      /^https?:\/\/[^/{}\s]+(\/[^\r\n]*)?$/,
      'must be an http(s) URL whose scheme and host are literal (placeholders only in the path and query)',
    ),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name'), z.string().max(4096))
    .default({}),
  body: JsonSchema.optional(),
};
const ExpectStatus = z.union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)]);

const CommandRequest = {
  program: ProgramSchema,
  /** Each entry is exactly one argument; placeholders never split or join arguments. */
  args: z.array(z.string().max(4096)).max(100).default([]),
};

const HttpStep = strictObject({
  ...common,
  kind: z.literal('http'),
  ...HttpRequest,
  expectStatus: ExpectStatus.optional(),
});
const CommandStep = strictObject({
  ...common,
  kind: z.literal('command'),
  ...CommandRequest,
  expectExitCodes: z.array(z.int().min(0).max(255)).min(1).default([0]),
});
const WaitStep = strictObject({ ...common, kind: z.literal('wait'), duration: DurationSchema });
const ApprovalStep = strictObject({
  ...common,
  kind: z.literal('approval'),
  message: z.string().trim().min(1).max(2000),
});
const NotifyStep = strictObject({ ...common, kind: z.literal('notify'), message: z.string().trim().min(1).max(2000) });
const DiagnosticsStep = strictObject({
  ...common,
  kind: z.literal('diagnostics'),
  command: strictObject(CommandRequest).optional(),
  http: strictObject(HttpRequest).optional(),
}).refine((s) => Boolean(s.command) !== Boolean(s.http), {
  message: 'a diagnostics step needs exactly one of "command" or "http"',
  path: ['kind'],
});

export const STEP_KINDS = ['http', 'command', 'wait', 'approval', 'notify', 'diagnostics', 'parallel'] as const;
const kindError = { error: () => `unknown step kind; expected one of ${STEP_KINDS.join(', ')}` };

const LeafStepSchema = z.discriminatedUnion(
  'kind',
  [HttpStep, CommandStep, WaitStep, ApprovalStep, NotifyStep, DiagnosticsStep],
  kindError,
);
const ParallelStep = strictObject({
  ...common,
  kind: z.literal('parallel'),
  steps: z.array(LeafStepSchema).min(1).max(20),
});
export const StepSchema = z.discriminatedUnion(
  'kind',
  [HttpStep, CommandStep, WaitStep, ApprovalStep, NotifyStep, DiagnosticsStep, ParallelStep],
  kindError,
);

export type Step = z.infer<typeof StepSchema>;
export type LeafStep = z.infer<typeof LeafStepSchema>;
export type StepKind = Step['kind'];
export type HttpRequestSpec = Pick<Extract<Step, { kind: 'http' }>, 'method' | 'url' | 'headers' | 'body'>;
export type CommandRequestSpec = Pick<Extract<Step, { kind: 'command' }>, 'program' | 'args'>;

const InputSchema = strictObject({
  /** Where the value comes from: alert labels, annotations, or the alert's top-level details. */
  from: z.enum(['label', 'annotation', 'detail']).default('label'),
  /** The label/annotation/detail key; defaults to the input's name. */
  key: z.string().min(1).max(200).optional(),
  type: z.enum(['string', 'number', 'boolean']).default('string'),
  /** The whole value must match (anchored); checked before anything runs. */
  pattern: z.string().min(1).max(500).optional(),
  required: z.boolean().default(true),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  description: z.string().max(500).optional(),
});
export type RunbookInput = z.infer<typeof InputSchema>;

const TriggerSchema = strictObject({
  /** Alert name(s): the `alertname` label (or detail). */
  alert: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Every label must equal its value; a value "~regex" matches a pattern instead. */
  labels: z.record(z.string().min(1), z.string()).optional(),
  services: z.array(IdSchema).min(1).optional(),
  severities: z.array(SeverityInputSchema).min(1).optional(),
});

export const RunbookShape = strictObject({
  name: IdSchema,
  description: z.string().trim().min(1).max(2000),
  /** Absent: the runbook only runs by hand. */
  trigger: TriggerSchema.optional(),
  inputs: z.record(InputNameSchema, InputSchema).default({}),
  /** What a successful run does to the incident. */
  onSuccess: z.enum(['none', 'acknowledge', 'resolve']).default('none'),
  /** What a failed run does: page the next escalation level now, or only record it. */
  onFailure: z.enum(['escalate', 'record']).default('escalate'),
  steps: z.array(StepSchema).min(1).max(100),
});

export const RunbookSchema = RunbookShape.superRefine(checkRunbook);
export type Runbook = z.infer<typeof RunbookSchema>;
/** Before defaults are applied (what a YAML author writes). */
export type RunbookSource = z.input<typeof RunbookSchema>;

/** Result fields a condition may read as `steps.<id>.<field>`. */
export const STEP_RESULT_FIELDS = [
  'ok',
  'status',
  'exitCode',
  'statusCode',
  'output',
  'durationMs',
  'attempts',
] as const;
