/**
 * Rules across a runbook's fields, beyond what each field's schema says: every condition
 * parses and reads only declared inputs or earlier steps' results; every placeholder names
 * a declared input; step ids are unique; input patterns compile; a trigger says something.
 * Each problem is reported at the path of the field that has it (the loader turns paths
 * into line and column).
 */
import type { z } from 'zod';
import { ExpressionError, expressionPaths, parseExpression } from './expression';
import { jsonTemplateInputs, templateInputs, type Json } from './template';
import type { LeafStep, RunbookShape, Step } from './runbook';

type Shape = z.output<typeof RunbookShape>;
export type Path = Array<string | number>;
type Report = (message: string, path: Path) => void;

const RESULT_FIELDS: readonly string[] = ['ok', 'status', 'exitCode', 'statusCode', 'output', 'durationMs', 'attempts'];

export function checkRunbook(rb: Shape, ctx: z.RefinementCtx): void {
  const parts = { trigger: rb.trigger, inputs: rb.inputs, steps: rb.steps.map((s, i) => [i, s] as [number, Step]) };
  for (const p of runbookProblems(parts)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
}

/** The parts of a runbook that parsed; steps keep their index so problems keep their path. */
export interface RunbookParts {
  trigger?: Shape['trigger'];
  inputs: Shape['inputs'];
  steps: Array<[number, Step]>;
}

/**
 * Every cross-field problem. Also run on the parts of a runbook whose schema failed
 * elsewhere, so one pass reports every error (see activities/runbook/catalog.ts).
 */
export function runbookProblems(rb: RunbookParts): Array<{ message: string; path: Path }> {
  const problems: Array<{ message: string; path: Path }> = [];
  const report: Report = (message, path) => problems.push({ message, path });
  checkTrigger(rb, report);
  checkInputs(rb, report);
  const inputs = new Set(Object.keys(rb.inputs));
  const done = new Set<string>();
  const seen = new Set<string>();
  for (const [i, step] of rb.steps) {
    const at: Path = ['steps', i];
    checkStep(step, at, { inputs, done, seen }, report);
    if (step.kind === 'parallel') {
      // Steps of a group run together: each sees the steps before the group, not its siblings.
      step.steps.forEach((child, j) => checkStep(child, [...at, 'steps', j], { inputs, done, seen }, report));
      step.steps.forEach((child) => done.add(child.id));
    }
    done.add(step.id);
  }
  return problems;
}

function checkTrigger(rb: RunbookParts, report: Report): void {
  const t = rb.trigger;
  if (t && !t.alert && !t.labels && !t.services && !t.severities) {
    report(
      'a trigger needs at least one of alert, labels, services, severities (omit it for a runbook run only by hand)',
      ['trigger'],
    );
  }
  for (const [label, value] of Object.entries(t?.labels ?? {})) {
    if (value.startsWith('~')) checkPattern(value.slice(1), ['trigger', 'labels', label], report);
  }
}

function checkInputs(rb: RunbookParts, report: Report): void {
  for (const [name, input] of Object.entries(rb.inputs)) {
    if (name === 'steps')
      report('"steps" is reserved for earlier step results in conditions; rename the input', ['inputs', name]);
    if (input.pattern !== undefined) checkPattern(input.pattern, ['inputs', name, 'pattern'], report);
    const d = input.default;
    if (d !== undefined && typeof d !== input.type)
      report(`default must be a ${input.type}`, ['inputs', name, 'default']);
  }
}

function checkPattern(pattern: string, path: Path, report: Report): void {
  try {
    new RegExp(pattern);
  } catch (err) {
    report(`invalid regular expression: ${(err as Error).message}`, path);
  }
}

interface Known {
  inputs: ReadonlySet<string>;
  done: ReadonlySet<string>;
  seen: Set<string>;
}

function checkStep(step: Step | LeafStep, at: Path, known: Known, report: Report): void {
  if (known.seen.has(step.id)) report(`duplicate step id "${step.id}"`, [...at, 'id']);
  known.seen.add(step.id);
  if (step.condition !== undefined) checkCondition(step.condition, [...at, 'condition'], known, report);
  for (const [path, text] of templatedFields(step)) {
    const found = typeof text === 'string' ? templateInputs(text) : jsonTemplateInputs(text);
    if (found.problem) report(found.problem.message, [...at, ...path]);
    for (const name of found.names) {
      if (!known.inputs.has(name))
        report(`placeholder {{ .${name} }} names no declared input; declare it under inputs`, [...at, ...path]);
    }
  }
}

function checkCondition(src: string, path: Path, known: Known, report: Report): void {
  let paths: string[][];
  try {
    paths = expressionPaths(parseExpression(src));
  } catch (err) {
    if (err instanceof ExpressionError) return report(`invalid condition: ${err.message}`, path);
    throw err;
  }
  for (const parts of paths) {
    const [head, id, field] = parts;
    if (head === 'steps') {
      if (id === undefined || !known.done.has(id)) {
        report(`condition reads "${parts.join('.')}", but "${id ?? ''}" is not an earlier step`, path);
      } else if (field === undefined || parts.length !== 3 || !RESULT_FIELDS.includes(field)) {
        report(`condition reads "${parts.join('.')}"; a step result has ${RESULT_FIELDS.join(', ')}`, path);
      }
    } else if (parts.length !== 1 || !known.inputs.has(head as string)) {
      report(`condition reads "${parts.join('.')}", which is not a declared input (or steps.<id>.<field>)`, path);
    }
  }
}

/** The fields of a step that may hold placeholders, with their paths. */
function templatedFields(step: Step | LeafStep): Array<[Path, string | Json]> {
  const request = (
    prefix: Path,
    r: { url?: string; headers?: Record<string, string>; body?: unknown; args?: string[] },
  ) => [
    ...(r.url !== undefined ? [[[...prefix, 'url'], r.url] as [Path, string]] : []),
    ...Object.entries(r.headers ?? {}).map(([k, v]) => [[...prefix, 'headers', k], v] as [Path, string]),
    ...(r.body !== undefined ? [[[...prefix, 'body'], r.body as Json] as [Path, Json]] : []),
    ...(r.args ?? []).map((a, i) => [[...prefix, 'args', i], a] as [Path, string]),
  ];
  switch (step.kind) {
    case 'http':
    case 'command':
      return request([], step);
    case 'diagnostics':
      return step.command ? request(['command'], step.command) : step.http ? request(['http'], step.http) : [];
    case 'approval':
    case 'notify':
      return [[['message'], step.message]];
    default:
      return [];
  }
}
