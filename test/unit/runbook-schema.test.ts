import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbookCatalog, parseRunbookYaml, type RunbookIssue } from '../../lib/config-as-code/runbooks';

const SHIPPED = path.resolve(__dirname, '../../runbooks');

function errorsOf(yaml: string): RunbookIssue[] {
  const parsed = parseRunbookYaml(yaml, 'rb.yaml');
  if (parsed.ok) throw new Error('expected the runbook to be refused');
  return parsed.errors;
}
const brief = (issues: RunbookIssue[]) => issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);

const HEADER = `name: bad
description: a runbook with problems
inputs:
  pod: { pattern: "[a-z0-9-]+" }
`;

describe('shipped runbooks', () => {
  it('every file in runbooks/ validates, with a unique name', async () => {
    const catalog = await loadRunbookCatalog(SHIPPED);
    expect(catalog.errors).toEqual([]);
    expect(catalog.runbooks.map((r) => r.runbook.name).sort()).toEqual([
      'bgp-hijack-response',
      'cache-clear',
      'database-failover',
      'high-cpu-usage',
      'pod-crashloop-remediation',
      'service-down',
    ]);
  });
});

describe('runbook schema errors name the problem and its line', () => {
  it('an unknown step kind', () => {
    const issues = errorsOf(`${HEADER}steps:
  - id: one
    kind: shell
    program: kubectl
`);
    expect(brief(issues)).toEqual([
      '7:11 steps[0].kind: unknown step kind; expected one of http, command, wait, approval, notify, diagnostics, parallel',
    ]);
  });

  it('a condition that does not parse, and one that reads an unknown name', () => {
    const issues = errorsOf(`${HEADER}steps:
  - id: one
    kind: wait
    duration: 1s
    condition: restart_count < < 3
  - id: two
    kind: wait
    duration: 1s
    condition: restart_count < 3
  - id: three
    kind: wait
    duration: 1s
    condition: steps.four.ok
  - id: one
    kind: wait
    duration: 1s
    condition: steps.two.exitCode == 0 && steps.one.color
`);
    expect(brief(issues)).toEqual([
      '9:16 steps[0].condition: invalid condition: unexpected "<" at column 17',
      '13:16 steps[1].condition: condition reads "restart_count", which is not a declared input (or steps.<id>.<field>)',
      '17:16 steps[2].condition: condition reads "steps.four.ok", but "four" is not an earlier step',
      '18:9 steps[3].id: duplicate step id "one"',
      '21:16 steps[3].condition: condition reads "steps.one.color"; a step result has ok, status, exitCode, statusCode, output, durationMs, attempts',
    ]);
  });

  it('a placeholder that names no declared input', () => {
    const issues = errorsOf(`${HEADER}steps:
  - id: one
    kind: command
    program: kubectl
    args: [delete, pod, "{{ .pod }}", -n, "{{ .namespace }}"]
`);
    expect(brief(issues)).toEqual([
      '9:43 steps[0].args[4]: placeholder {{ .namespace }} names no declared input; declare it under inputs',
    ]);
  });

  it('reports every error in one answer, structural and cross-field alike', () => {
    const issues = errorsOf(`name: Not A Slug
description: x
inputs:
  pod: { pattern: "([a-z" }
steps:
  - id: one
    kind: http
    url: "http://{{ .pod }}/restart"
    timeout: soon
  - id: one
    kind: notify
    message: "{{ .missing }}"
    colour: red
  - kind: wait
`);
    expect(brief(issues)).toEqual([
      expect.stringMatching(/^1:7 name: must be a slug/),
      expect.stringMatching(/^4:19 inputs\.pod\.pattern: invalid regular expression/),
      expect.stringMatching(/^8:10 steps\[0\]\.url: must be an http\(s\) URL whose scheme and host are literal/),
      expect.stringMatching(/^9:14 steps\[0\]\.timeout: must be a duration/),
      expect.stringMatching(/^12:14 steps\[1\]\.message: placeholder \{\{ \.missing \}\} names no declared input/),
      expect.stringMatching(/^13:5 steps\[1\]\.colour: unknown field "colour"/),
      '14:5 steps[2].id: is required (string)',
      '14:5 steps[2].duration: is required (string)',
    ]);
  });

  it('refuses YAML syntax errors with their position, and a program given as a path or template', () => {
    expect(brief(errorsOf('name: x\nsteps: [\n'))[0]).toMatch(/^3:1 : invalid YAML/);
    const issues = errorsOf(`${HEADER}steps:
  - id: one
    kind: command
    program: "/bin/sh"
  - id: two
    kind: command
    program: "{{ .pod }}"
`);
    expect(issues.map((i) => `${i.line} ${i.path}`)).toEqual(['8 steps[0].program', '11 steps[1].program']);
  });

  it('accepts a valid runbook and fills defaults', () => {
    const parsed = parseRunbookYaml(`${HEADER}trigger: { alert: PodDown }
steps:
  - id: restart
    kind: command
    program: kubectl
    args: [delete, pod, "{{ .pod }}"]
`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.runbook).toMatchObject({
      onSuccess: 'none',
      onFailure: 'escalate',
      inputs: { pod: { from: 'label', type: 'string', required: true } },
      steps: [{ id: 'restart', continueOnError: false, notify: false, expectExitCodes: [0] }],
    });
  });
});
