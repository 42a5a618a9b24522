/**
 * A runbook run by hand through the API on the real stack: the worker runs an HTTP step
 * against a service this test starts (the restart endpoint) and a command from the
 * allowlist (the fixture echoes its argv), records both on the incident timeline, and
 * acknowledges the incident. Hostile input stays one argument.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, tokens, type System } from './harness';

let sys: System;
let service: Server;
const restarts: string[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-runbooks-'));

beforeAll(async () => {
  service = createServer((req, res) => {
    if (req.method === 'POST') restarts.push(req.url ?? '');
    res.writeHead(req.method === 'POST' ? 202 : 200).end('restarting');
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const port = (service.address() as AddressInfo).port;
  writeFileSync(
    path.join(dir, 'restart-local.yaml'),
    `name: restart-local
description: Restart the local test service, then show what the command received.
inputs:
  svc: { pattern: "[a-z0-9-]+" }
  note: { required: false, default: none }
onSuccess: acknowledge
steps:
  - id: restart
    kind: http
    method: POST
    url: "http://127.0.0.1:${port}/restart/{{ .svc }}"
    expectStatus: 202
  - id: argv
    kind: diagnostics
    command: { program: echo-argv, args: [note, "{{ .note }}"] }
`,
  );
  sys = await startSystem('runbook', {
    VIGIL_RUNBOOK_DIR: dir,
    VIGIL_RUNBOOK_COMMAND_ALLOWLIST: `echo-argv=${path.resolve(__dirname, '../fixtures/runbook/echo-argv.sh')}`,
  });
});
afterAll(async () => {
  await sys?.stop();
  await new Promise<void>((r) => service.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const timelineOf = async (id: string) =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;

describe('runbooks on the real stack', () => {
  it('lists and validates through the API', async () => {
    const list = await sys.call('GET', '/api/v1/runbooks', { token: tokens.responder });
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['restart-local']);
    const bad = await sys.call('POST', '/api/v1/runbooks/validate', {
      token: tokens.responder,
      body: { yaml: 'name: x\ndescription: d\nsteps:\n  - id: a\n    kind: ssh\n' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ line: 5, path: 'steps[0].kind' });
  });

  it('dry-runs, then runs by hand: the service restarts, the argument arrives intact, the incident is acknowledged', async () => {
    const alert = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: {
        source: 'prometheus',
        service: 'web',
        severity: 'P2',
        summary: 'web is down',
        dedupKey: 'web-down',
        details: { labels: { svc: 'web-frontend' } },
      },
    });
    expect(alert.status).toBe(202);
    const id: string = alert.body.incidentId;
    await eventually(async () => ((await timelineOf(id)).number ? true : undefined));

    const dry = await sys.call('POST', `/api/v1/incidents/${id}/runbooks/restart-local/run`, {
      token: tokens.responder,
      body: { dryRun: true },
    });
    expect(dry.status).toBe(202);
    const planned = await eventually(async () => {
      const s = await timelineOf(id);
      return s.timeline.some((e: { type: string }) => e.type === 'runbook_succeeded') ? s : undefined;
    });
    expect(
      planned.timeline
        .filter((e: { type: string }) => e.type === 'runbook_step')
        .map((e: { data: { status: string } }) => e.data.status),
    ).toEqual(['planned', 'planned']);
    expect(restarts).toEqual([]);
    expect(planned.status).toBe('triggered');

    const hostile = '; rm -rf / $(id) `id`\nnext';
    const run = await sys.call('POST', `/api/v1/incidents/${id}/runbooks/restart-local/run`, {
      token: tokens.responder,
      body: { inputs: { note: hostile } },
    });
    expect(run.status).toBe(202);
    expect(run.body.runId).toMatch(/^restart-local-[0-9a-f]{8}$/);
    const done = await eventually(async () => {
      const s = await timelineOf(id);
      return s.status === 'acknowledged' ? s : undefined;
    }, 60_000);
    expect(done.acknowledgedBy).toBe('runbook:restart-local');
    expect(restarts).toEqual(['/restart/web-frontend']);
    const steps = done.timeline.filter(
      (e: { type: string; data: { runId: string } }) => e.type === 'runbook_step' && e.data.runId === run.body.runId,
    );
    expect(steps.map((e: { data: { id: string; status: string } }) => `${e.data.id}:${e.data.status}`)).toEqual([
      'restart:succeeded',
      'argv:succeeded',
    ]);
    expect(steps[0].data).toMatchObject({ statusCode: 202, output: 'restarting' });
    expect(steps[1].data.output).toBe(`argc=2\n\0note\0\0${hostile}\0`);

    const refused = await sys.call('POST', `/api/v1/incidents/${id}/runbooks/restart-local/run`, {
      token: tokens.responder,
      body: { inputs: { svc: 'web; reboot' } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toBe('input "svc" does not match its pattern [a-z0-9-]+');
  });
});
