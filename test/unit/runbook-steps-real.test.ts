/**
 * The step activities for real: commands run from the allowlist without a shell (the
 * fixture script echoes its argv between NUL bytes, so each argument is checked exactly),
 * HTTP steps against a local server started here. Untrusted alert values go through the
 * same rendering the runbook workflow uses.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunbookActivities } from '../../activities/runbook';
import { runCommand } from '../../activities/runbook/command';
import { createLogger } from '../../lib/logger';
import { StepSchema } from '../../domain/runbook/runbook';
import { renderAction, type CommandAction, type HttpAction } from '../../domain/runbook/action';

const FIXTURES = path.resolve(__dirname, '../fixtures/runbook');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-runbook-'));
const allowlist = {
  'echo-argv': path.join(FIXTURES, 'echo-argv.sh'),
  sleep: '/bin/sleep',
  missing: path.join(tmp, 'nope'),
};
const activities = createRunbookActivities({
  log: createLogger({ level: 'silent', name: 'test' }),
  runbookDir: tmp,
  allowlist,
  outputLimit: 2048,
});
const step = { incidentId: 'inc', runId: 'run', stepId: 's' };

/** The argv the fixture received. */
function argvOf(output: string): string[] {
  const [head, ...rest] = output.split('\0\0');
  const first = head?.split('\n\0')[1];
  const args = [first ?? '', ...rest].map((a, i, all) => (i === all.length - 1 ? a.replace(/\0$/, '') : a));
  expect(head?.startsWith(`argc=${args.length}\n`)).toBe(true);
  return args;
}

function commandFor(args: string[], values: Record<string, string>): CommandAction {
  const parsed = StepSchema.parse({ id: 's', kind: 'command', program: 'echo-argv', args });
  return renderAction(parsed as Extract<typeof parsed, { kind: 'command' }>, values) as CommandAction;
}

const run = <T>(fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment({ attempt: 1 }).run(fn) as Promise<T>;
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as ApplicationFailure,
  );

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('command steps: alert data is never interpreted', () => {
  const marker = path.join(tmp, 'pwned');
  const hostile = [
    '; rm -rf /',
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `web-1\ntouch ${marker}`,
    `&& touch ${marker} || true`,
    `| tee ${marker}`,
    `> ${marker}`,
    '"quoted" \'single\' \\back',
    '* ? [a-z] ~ {a,b}',
    '   spaced   ',
  ];
  it.each(hostile)('%j stays one argument, byte for byte', async (value) => {
    const action = commandFor(['get', 'pod', '{{ .pod }}', 'deployment/{{ .pod }}'], { pod: value });
    const result = await run(() => activities.runRunbookCommand({ ...step, action }));
    expect(argvOf(result.output)).toEqual(['get', 'pod', value, `deployment/${value}`]);
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a value that would turn into an option', () => {
    expect(() => commandFor(['{{ .pod }}'], { pod: '--kubeconfig=/etc/evil' })).toThrow(/would be read as an option/);
  });

  it('runs only programs on the allowlist, and says so without retrying', async () => {
    const err = await failureOf(
      run(() =>
        activities.runRunbookCommand({
          ...step,
          action: { kind: 'command', program: 'sh', args: ['-c', 'id'], expectExitCodes: [0] },
        }),
      ),
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'RunbookCommandNotAllowed', nonRetryable: true });
    const missing = await failureOf(
      run(() =>
        activities.runRunbookCommand({
          ...step,
          action: { kind: 'command', program: 'missing', args: [], expectExitCodes: [0] },
        }),
      ),
    );
    expect(missing).toMatchObject({ type: 'RunbookCommandUnavailable', nonRetryable: true });
  });

  it('fails retryably on an unexpected exit code, with the output attached, and truncates long output', async () => {
    const action = commandFor(['{{ .big }}'], { big: 'x'.repeat(10_000) });
    const ok = await run(() => activities.runRunbookCommand({ ...step, action }));
    expect(ok.output).toMatch(/\n…\[output truncated: \d+ more bytes\]$/);
    expect(ok.output.length).toBeLessThan(2200);
    const err = await failureOf(
      run(() => activities.runRunbookCommand({ ...step, action: { ...action, expectExitCodes: [3] } })),
    );
    expect(err).toMatchObject({
      type: 'RunbookCommandFailed',
      nonRetryable: false,
      message: 'echo-argv exited with code 0',
    });
    expect((err.details?.[0] as { exitCode: number }).exitCode).toBe(0);
  });

  it('heartbeats while a long command runs', async () => {
    const beats: unknown[] = [];
    await runCommand(
      { kind: 'command', program: 'sleep', args: ['0.5'], expectExitCodes: [0] },
      {
        allowlist,
        outputLimit: 100,
        heartbeat: (p) => beats.push(p),
        heartbeatMs: 50,
      },
    );
    expect(beats.length).toBeGreaterThanOrEqual(3);
  });
});

describe('http steps against a local service', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ method: string; url: string; body: string; headers: Record<string, unknown> }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
        if (req.url?.startsWith('/admin/restart/')) res.writeHead(202).end('restarting');
        else if (req.url === '/broken') res.writeHead(503).end('down');
        else res.writeHead(302, { location: 'http://example.com/' }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const httpFor = (spec: Record<string, unknown>, values: Record<string, string>) => {
    const parsed = StepSchema.parse({ id: 's', kind: 'http', ...spec });
    return renderAction(parsed as Extract<typeof parsed, { kind: 'http' }>, values) as HttpAction;
  };

  it('restarts the service: path values percent-encoded, JSON body values stay strings', async () => {
    const svc = '../../etc?x=1#frag "$(id)"';
    const action = httpFor(
      {
        method: 'POST',
        url: `${base}/admin/restart/{{ .svc }}`,
        headers: { 'x-requested-by': 'vigil' },
        body: { container: '{{ .svc }}' },
        expectStatus: [202],
      },
      { svc },
    );
    const result = await run(() => activities.runRunbookHttp({ ...step, action }));
    expect(result).toMatchObject({ statusCode: 202, output: 'restarting', attempts: 1 });
    const req = seen.at(-1);
    expect(req?.url).toBe(`/admin/restart/${encodeURIComponent(svc)}`);
    expect(JSON.parse(req?.body ?? '')).toEqual({ container: svc });
    expect(req?.headers).toMatchObject({ 'content-type': 'application/json', 'x-requested-by': 'vigil' });
  });

  it('fails retryably on an unexpected status, and never follows a redirect', async () => {
    const broken = await failureOf(
      run(() => activities.runRunbookHttp({ ...step, action: httpFor({ url: `${base}/broken` }, {}) })),
    );
    expect(broken).toMatchObject({
      type: 'RunbookHttpFailed',
      nonRetryable: false,
      message: `GET ${base}/broken answered 503, expected 2xx`,
    });
    expect(broken.details?.[0]).toMatchObject({ statusCode: 503, output: 'down' });
    const redirect = await failureOf(
      run(() => activities.runRunbookHttp({ ...step, action: httpFor({ url: `${base}/elsewhere` }, {}) })),
    );
    expect(redirect.message).toMatch(/answered 302/);
  });

  it('refuses a header value with a line break', () => {
    expect(() =>
      httpFor({ url: `${base}/x`, headers: { authorization: 'Bearer {{ .t }}' } }, { t: 'a\r\nX-Evil: 1' }),
    ).toThrow(/line break/);
  });
});
