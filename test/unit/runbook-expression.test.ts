import { describe, expect, it } from 'vitest';
import { ExpressionError, parseExpression } from '../../domain/runbook/expression';
import { evaluate, evaluateCondition } from '../../domain/runbook/expression-evaluation';
import { matchesTrigger, resolveInputs } from '../../domain/runbook/match';
import { RunbookSchema, type RunbookSource } from '../../domain/runbook/runbook';
import { render, renderJson, TemplateError } from '../../domain/runbook/template';

const scope = {
  restart_count: '2',
  cpu_usage: 93.5,
  tier: 'gold',
  flag: true,
  empty: '',
  steps: { health: { ok: false, statusCode: 503, status: 'failed', output: 'down' } },
};

describe('condition language', () => {
  it.each([
    ['restart_count < 3', true],
    ['restart_count >= 3', false],
    ['cpu_usage > 90', true],
    ['cpu_usage > 90 && tier == "gold"', true],
    ['not (tier == "gold") or flag', true],
    ['!flag', false],
    ['steps.health.statusCode == 503 && !steps.health.ok', true],
    ['steps.health.status != "succeeded"', true],
    ['restart_count + 1 == 3', true],
    ['-restart_count < 0', true],
    ["tier == 'gold' and cpu_usage % 2 > 1", true],
    ['empty || false', false],
    ['restart_count == "2"', true],
    ['1 + 2 * 3 == 7', true],
    ['(1 + 2) * 3 == 9', true],
  ])('%s -> %s', (src, expected) => {
    expect(evaluateCondition(src, scope)).toBe(expected);
  });

  it.each([
    ['restart_count <', /unexpected end of expression at column 16/],
    ['restart_count < < 3', /unexpected "<" at column 17/],
    ['a ; b', /unexpected character ";" at column 3/],
    ['"open', /unterminated string/],
    ['(a', /expected "\)"/],
    ['a.', /expected a name after "\." at column 3/],
    ['f(1)', /unexpected "\(" at column 2/],
    ['a = 1', /unexpected character "=" at column 3/],
  ])('refuses %s', (src, message) => {
    expect(() => parseExpression(src)).toThrow(message);
  });

  it('reads only own data: no prototype, no functions, no undefined names', () => {
    expect(() => evaluateCondition('constructor', scope)).toThrow(ExpressionError);
    expect(() => evaluateCondition('tier.length > 1', scope)).toThrow(/"tier.length" is not defined/);
    expect(() => evaluateCondition('steps.__proto__', scope)).toThrow(/not defined/);
    expect(() => evaluateCondition('steps.health', scope)).toThrow(/not a string, number or boolean/);
    expect(() => evaluateCondition('nope > 1', scope)).toThrow(/"nope" is not defined/);
    expect(() => evaluateCondition('tier < 3', scope)).toThrow(/cannot compare "gold" < 3/);
    expect(() => evaluateCondition('1 / 0', scope)).toThrow(/division by zero/);
    expect(evaluate(parseExpression('"a\\"b"'), {})).toBe('a"b');
  });
});

describe('templates', () => {
  const values = { pod: 'web-1', evil: '; rm -rf / $(id) `id`\nx', opt: '--kubeconfig=/tmp/x', n: 3 };
  it('fills placeholders per context', () => {
    expect(render('deployment/{{ .pod }}', values, 'arg')).toBe('deployment/web-1');
    expect(render('{{.pod}}-{{ .n }}', values)).toBe('web-1-3');
    expect(render('http://h/p/{{ .evil }}?q={{ .pod }}', values, 'url')).toBe(
      'http://h/p/%3B%20rm%20-rf%20%2F%20%24(id)%20%60id%60%0Ax?q=web-1',
    );
    expect(renderJson({ a: ['{{ .evil }}', 1], b: { c: '{{ .pod }}' } }, values)).toEqual({
      a: [values.evil, 1],
      b: { c: 'web-1' },
    });
  });
  it('refuses values that would change meaning in their context', () => {
    expect(() => render('{{ .opt }}', values, 'arg')).toThrow(/starts with "-" and would be read as an option/);
    expect(render('--name={{ .opt }}', values, 'arg')).toBe('--name=--kubeconfig=/tmp/x'); // still one argument
    expect(() => render('Bearer {{ .evil }}', values, 'header')).toThrow(TemplateError);
    expect(() => render('{{ .absent }}', values)).toThrow(/input "absent" has no value/);
  });
});

const runbook = (src: Partial<RunbookSource>) =>
  RunbookSchema.parse({
    name: 'rb',
    description: 'd',
    steps: [{ id: 'w', kind: 'wait', duration: '1s' }],
    ...src,
  });

describe('triggers and inputs', () => {
  const rb = runbook({
    trigger: { alert: ['KubePodCrashLooping'], labels: { namespace: '~prod-.*' }, severities: ['critical', 'SEV2'] },
    inputs: {
      pod: { pattern: '[a-z0-9-]+' },
      restart_count: { type: 'number', required: false, default: 0 },
      runbook_url: { from: 'annotation', required: false },
    },
  });
  const details = {
    labels: { alertname: 'KubePodCrashLooping', namespace: 'prod-eu', pod: 'web-1', restart_count: '4' },
    annotations: { runbook_url: 'https://x' },
  };

  it('matches on alert name, label patterns and severity', () => {
    expect(matchesTrigger(rb, { service: 's', severity: 'SEV1', details })).toBe(true);
    expect(matchesTrigger(rb, { service: 's', severity: 'SEV3', details })).toBe(false);
    expect(
      matchesTrigger(rb, {
        service: 's',
        severity: 'SEV1',
        details: { labels: { ...details.labels, namespace: 'dev' } },
      }),
    ).toBe(false);
    expect(matchesTrigger(runbook({}), { service: 's', severity: 'SEV1', details })).toBe(false); // no trigger: by hand only
  });

  it('takes typed inputs from labels and annotations, refusing what breaks a pattern', () => {
    expect(resolveInputs(rb, details)).toEqual({
      ok: true,
      values: { pod: 'web-1', restart_count: 4, runbook_url: 'https://x' },
    });
    expect(resolveInputs(rb, { labels: { pod: 'web-1; rm -rf /' } })).toEqual({
      ok: false,
      problems: ['input "pod" does not match its pattern [a-z0-9-]+'],
    });
    expect(resolveInputs(rb, { labels: { pod: 'web-1\nx' } })).toMatchObject({ ok: false });
    expect(resolveInputs(rb, {})).toEqual({ ok: false, problems: ['input "pod" is missing (label "pod")'] });
    expect(resolveInputs(rb, { labels: { pod: 'a', restart_count: 'many' } })).toEqual({
      ok: false,
      problems: ['input "restart_count" must be a number'],
    });
    expect(resolveInputs(rb, details, { pod: 'web-2', nope: 'x' })).toEqual({
      ok: false,
      problems: ['"nope" is not an input of runbook "rb"'],
    });
    expect(resolveInputs(rb, details, { pod: 'web-2' })).toMatchObject({ ok: true, values: { pod: 'web-2' } });
  });
});
