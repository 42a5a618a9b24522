/**
 * Loading runbooks: YAML text -> RunbookSchema, with every problem located at its file,
 * line and column; and the runbook folder (every *.yaml / *.yml, one runbook per file,
 * names unique). Used by the API (list, validate, run by name) and the worker's planner.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { RunbookShape, StepSchema, type Runbook, type Step } from '../../domain/runbook/runbook';
import { runbookProblems } from '../../domain/runbook/checks';
import { createLocator, formatPath, issueAt } from './locate';
import { listYamlFiles } from './yaml-source';
import type { ConfigIssue } from './types';
import { readFile, stat } from 'node:fs/promises';

export type RunbookIssue = ConfigIssue;

export type ParsedRunbook = { ok: true; runbook: Runbook } | { ok: false; errors: RunbookIssue[] };

/** Runbook files larger than this are refused (they are read on every alert). */
export const MAX_RUNBOOK_BYTES = 256 * 1024;

/** Parses one runbook's YAML; on failure lists every problem, each with line and column. */
export function parseRunbookYaml(text: string, file = '(input)'): ParsedRunbook {
  const lines = new LineCounter();
  if (text.length > MAX_RUNBOOK_BYTES)
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, path: '', message: `runbook is larger than ${MAX_RUNBOOK_BYTES} bytes` }],
    };
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => issueAt(file, lines, e.pos[0], '', `invalid YAML: ${e.message}`)),
    };
  }
  const root = doc.contents;
  if (!root) return { ok: false, errors: [{ file, line: 1, column: 1, path: '', message: 'empty runbook' }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [issueAt(file, lines, 0, '', `invalid YAML: ${(err as Error).message}`)] };
  }
  // The shape first, then the cross-field rules: on the whole runbook when the shape holds,
  // else on the parts that parsed, so one answer lists every error.
  const shape = RunbookShape.safeParse(value);
  const where = createLocator(file, doc, lines, root, '');
  const issues = shape.success ? [] : shape.error.issues.flatMap((issue) => locate(where, issue));
  const problems = shape.success
    ? runbookProblems({ ...shape.data, steps: shape.data.steps.map((st, i) => [i, st] as [number, Step]) })
    : problemsInParts(value);
  for (const p of problems) issues.push(where.issue(p.path, p.message));
  if (shape.success && issues.length === 0) return { ok: true, runbook: shape.data };
  return { ok: false, errors: sortIssues(issues) };
}

/** A step with unknown fields still gets its other rules checked (the unknown field is reported apart). */
function lenientStep(raw: unknown): Step | undefined {
  const first = StepSchema.safeParse(raw);
  if (first.success) return first.data;
  const unknown = first.error.issues.filter((i) => i.code === 'unrecognized_keys');
  if (unknown.length !== first.error.issues.length || raw === null || typeof raw !== 'object') return undefined;
  const known = { ...(raw as Record<string, unknown>) };
  for (const issue of unknown) if (issue.path.length === 0) for (const k of issue.keys) delete known[k];
  const second = StepSchema.safeParse(known);
  return second.success ? second.data : undefined;
}

/** The cross-field rules over the parts of a runbook whose shape failed elsewhere. */
function problemsInParts(value: unknown): Array<{ message: string; path: Array<string | number> }> {
  if (value === null || typeof value !== 'object') return [];
  const raw = value as { trigger?: unknown; inputs?: unknown; steps?: unknown };
  const inputs = RunbookShape.shape.inputs.safeParse(raw.inputs);
  const trigger = RunbookShape.shape.trigger.safeParse(raw.trigger);
  const steps: Array<[number, Step]> = [];
  (Array.isArray(raw.steps) ? raw.steps : []).forEach((s: unknown, i) => {
    const step = lenientStep(s);
    if (step) steps.push([i, step]);
  });
  // With unreadable inputs, placeholder checks would only echo that error.
  if (!inputs.success) return [];
  return runbookProblems({ inputs: inputs.data, steps, ...(trigger.success ? { trigger: trigger.data } : {}) });
}

type Where = ReturnType<typeof createLocator>;

function locate(where: Where, issue: z.core.$ZodIssue): RunbookIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...where.issue(issue.path, issue.message, key),
      path: formatPath('', [...issue.path, key]),
    }));
  }
  // A discriminated union that found no branch: point at the "kind" the author wrote.
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const path =
      issue.path.at(-1) === issue.discriminator ? issue.path : [...issue.path, issue.discriminator as string];
    return [where.issue(path, issue.message)];
  }
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
  return [where.issue(issue.path, missing ? `is required (${issue.expected})` : issue.message)];
}

const sortIssues = (issues: RunbookIssue[]) =>
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

export interface RunbookEntry {
  file: string;
  runbook: Runbook;
}
export interface RunbookCatalog {
  runbooks: RunbookEntry[];
  errors: RunbookIssue[];
}

/**
 * Every runbook in `dir`. A file with problems is left out and its problems reported; the
 * rest still load, so one bad file never disables the others. A missing folder is empty.
 */
export async function loadRunbookCatalog(dir: string): Promise<RunbookCatalog> {
  let files: string[];
  try {
    files = await listYamlFiles(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runbooks: [], errors: [] };
    throw err;
  }
  const catalog: RunbookCatalog = { runbooks: [], errors: [] };
  const byName = new Map<string, string>();
  for (const file of files) {
    const parsed = await parseFile(file);
    if (!parsed.ok) {
      catalog.errors.push(...parsed.errors);
      continue;
    }
    const other = byName.get(parsed.runbook.name);
    if (other !== undefined) {
      catalog.errors.push({
        file,
        line: 1,
        column: 1,
        path: 'name',
        message: `runbook "${parsed.runbook.name}" is also defined in ${other}`,
      });
      continue;
    }
    byName.set(parsed.runbook.name, file);
    catalog.runbooks.push({ file, runbook: parsed.runbook });
  }
  return catalog;
}

/**
 * Parsed files by path, reused while the file's size and times are unchanged: the worker
 * plans runbooks for every new incident, and parsing the folder each time cost a storm of
 * incidents as much CPU as the paging itself. A changed file is parsed again.
 */
const parsedFiles = new Map<string, { stamp: string; parsed: ParsedRunbook }>();

async function parseFile(file: string): Promise<ParsedRunbook> {
  const st = await stat(file);
  const stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  const cached = parsedFiles.get(file);
  if (cached?.stamp === stamp) return cached.parsed;
  const parsed = parseRunbookYaml(await readFile(file, 'utf8'), file);
  parsedFiles.set(file, { stamp, parsed });
  return parsed;
}

export { formatIssue as formatRunbookIssue } from './types';
