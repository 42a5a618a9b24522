/**
 * `{{ .name }}` placeholders in runbook steps, filled from the run's inputs. Alert data is
 * untrusted, so rendering is context-aware and never re-parsed: a command argument stays
 * exactly one argv element (and may not turn into an option), a URL gets each value
 * percent-encoded, a header value may not carry a line break, and a JSON body is rendered
 * leaf by leaf so a value can never change its structure. Pure: workflows render too.
 */

export type InputValues = Readonly<Record<string, string | number | boolean>>;

/** Where a rendered string goes. */
export type TemplateContext = 'text' | 'url' | 'arg' | 'header';

const PLACEHOLDER = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A problem with the template text itself (found at load time). */
export interface TemplateProblem {
  message: string;
}

/** The input names a template reads, or the problem with its syntax. */
export function templateInputs(text: string): { names: string[]; problem?: TemplateProblem } {
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  const leftover = text.replace(PLACEHOLDER, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    return {
      names,
      problem: { message: 'malformed placeholder: use {{ .input_name }} (a dot and an input name, nothing else)' },
    };
  }
  return { names };
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

function valueOf(values: InputValues, name: string): string {
  if (!Object.hasOwn(values, name)) throw new TemplateError(`input "${name}" has no value`);
  return String(values[name]);
}

/** Renders one string for its context; throws TemplateError when a value does not fit it. */
export function render(text: string, values: InputValues, context: TemplateContext = 'text'): string {
  const out = text.replace(PLACEHOLDER, (_m, name: string, offset: number) => {
    const v = valueOf(values, name);
    if (context === 'url') return encodeURIComponent(v);
    if (context === 'header' && /[\r\n\0]/.test(v))
      throw new TemplateError(`input "${name}" contains a line break and cannot go into a header`);
    if (context === 'arg' && offset === 0 && v.startsWith('-')) {
      throw new TemplateError(
        `input "${name}" starts with "-" and would be read as an option; restrict it with a pattern`,
      );
    }
    return v;
  });
  if (context === 'arg' && out.includes('\0')) throw new TemplateError('an argument cannot contain a NUL byte');
  return out;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Renders every string leaf of a JSON value (keys stay as written). */
export function renderJson(value: Json, values: InputValues): Json {
  if (typeof value === 'string') return render(value, values);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, values)]));
  }
  return value;
}

/** Every input name a JSON value's string leaves read. */
export function jsonTemplateInputs(value: Json): { names: string[]; problem?: TemplateProblem } {
  if (typeof value === 'string') return templateInputs(value);
  const parts = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : [];
  const found = parts.map(jsonTemplateInputs);
  return { names: found.flatMap((f) => f.names), problem: found.find((f) => f.problem)?.problem };
}
