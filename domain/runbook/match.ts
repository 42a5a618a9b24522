/**
 * Which runbooks an incident triggers, and the inputs a run takes from the alert. Alert
 * data is untrusted: every input is checked against its type and pattern here, before
 * anything runs, and a run with a bad input does not start. Pure.
 */
import type { IncidentState } from '../incident/incident';
import type { Runbook, RunbookInput } from './runbook';
import type { InputValues } from './template';
import { normalizeSeverity } from '../incident/severity';

export type AlertFacts = Pick<IncidentState, 'service' | 'severity' | 'details'>;

const asStringMap = (v: unknown): Record<string, string> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (['string', 'number', 'boolean'].includes(typeof x)) out[k] = String(x);
  return out;
};

/** The first alert of an Alertmanager/Grafana group (`details.alerts[0]`), if any. */
const firstGroupAlert = (details: Record<string, unknown>): Record<string, unknown> => {
  const alerts = details.alerts;
  const first: unknown = Array.isArray(alerts) ? alerts[0] : undefined;
  return first !== null && typeof first === 'object' && !Array.isArray(first) ? (first as Record<string, unknown>) : {};
};

/**
 * Labels: `details.labels` (a generic alert); for a group from Alertmanager or Grafana, its
 * common labels over the first alert's; for PagerDuty events, the scalar custom details;
 * else the scalar top-level details.
 */
export function alertLabels(details: Record<string, unknown>): Record<string, string> {
  const nested = asStringMap(details.labels);
  if (Object.keys(nested).length > 0) return nested;
  const group = { ...asStringMap(firstGroupAlert(details).labels), ...asStringMap(details.commonLabels) };
  if (Object.keys(group).length > 0) return group;
  const custom = asStringMap(details.customDetails);
  return Object.keys(custom).length > 0 ? custom : asStringMap(details);
}

export function alertAnnotations(details: Record<string, unknown>): Record<string, string> {
  const nested = asStringMap(details.annotations);
  return Object.keys(nested).length > 0 ? nested : asStringMap(firstGroupAlert(details).annotations);
}

function labelMatches(expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (!expected.startsWith('~')) return expected === actual;
  return new RegExp(`^(?:${expected.slice(1)})$`).test(actual);
}

/** True when the runbook has a trigger and every criterion it names holds. */
export function matchesTrigger(rb: Runbook, alert: AlertFacts): boolean {
  const t = rb.trigger;
  if (!t) return false;
  const labels = alertLabels(alert.details);
  if (t.alert !== undefined) {
    const names = Array.isArray(t.alert) ? t.alert : [t.alert];
    if (!names.includes(labels.alertname ?? '')) return false;
  }
  for (const [k, v] of Object.entries(t.labels ?? {})) if (!labelMatches(v, labels[k])) return false;
  if (t.services && !t.services.includes(alert.service)) return false;
  if (t.severities && !t.severities.some((s) => normalizeSeverity(s) === alert.severity)) return false;
  return true;
}

function rawValue(name: string, input: RunbookInput, details: Record<string, unknown>): string | undefined {
  const key = input.key ?? name;
  const source =
    input.from === 'annotation'
      ? alertAnnotations(details)
      : input.from === 'detail'
        ? asStringMap(details)
        : alertLabels(details);
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

function typed(name: string, input: RunbookInput, raw: string): string | number | boolean {
  if (input.type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new Error(`input "${name}" must be a number`);
    return Number(raw);
  }
  if (input.type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new Error(`input "${name}" must be true or false`);
    return raw === 'true';
  }
  return raw;
}

export type InputResolution = { ok: true; values: InputValues } | { ok: false; problems: string[] };

/**
 * The run's inputs: given overrides (a run by hand) over alert values over defaults, each
 * checked against its type and its anchored pattern. Problems never quote the value.
 */
export function resolveInputs(
  rb: Runbook,
  details: Record<string, unknown>,
  overrides: Record<string, string> = {},
): InputResolution {
  const values: Record<string, string | number | boolean> = {};
  const problems: string[] = [];
  for (const name of Object.keys(overrides))
    if (!Object.hasOwn(rb.inputs, name)) problems.push(`"${name}" is not an input of runbook "${rb.name}"`);
  for (const [name, input] of Object.entries(rb.inputs)) {
    const raw = Object.hasOwn(overrides, name) ? overrides[name] : rawValue(name, input, details);
    if (raw === undefined) {
      if (input.default !== undefined) values[name] = input.default;
      else if (input.required) problems.push(`input "${name}" is missing (${input.from} "${input.key ?? name}")`);
      continue;
    }
    if (input.pattern !== undefined && !new RegExp(`^(?:${input.pattern})$`).test(raw)) {
      problems.push(`input "${name}" does not match its pattern ${input.pattern}`);
      continue;
    }
    try {
      values[name] = typed(name, input, raw);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}
