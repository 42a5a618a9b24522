/**
 * A real Prometheus Alertmanager (Debian's 0.25) on loopback notifies Vigil twice per
 * group: its webhook (basic auth, our alertmanager URL) and its pagerduty_configs (url
 * pointed at our /v2/enqueue). amtool fires, re-sending changes nothing, --end resolves.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../api/incident-id';
import { freePort, portOpen, startProcess, stopProcess, waitUntil, type Managed } from '../../scripts/stack';
import { eventually, startSystem, tokens, type System } from './harness';

const run = promisify(execFile);
const AM_KEY = 'am0e2e000000000000000000000000a1';
const PD_KEY = 'pd0e2e000000000000000000000000a1';
/** Alertmanager's group key for our two child routes grouped by alertname. */
const GROUP_KEY = '{}/{}:{alertname="HighErrorRate"}';
const webhookIncident = incidentWorkflowId('checkout', GROUP_KEY);
const pagerDutyIncident = incidentWorkflowId('checkout', createHash('sha256').update(GROUP_KEY).digest('hex'));

let sys: System;
let am: Managed | undefined;
let amUrl = '';

const binary = (name: string) =>
  ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]
    .map((d) => path.join(d, name))
    .find(existsSync);

function alertmanagerConfig(apiUrl: string): string {
  return `
route:
  receiver: vigil-webhook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
  routes:
    - receiver: vigil-webhook
      continue: true
    - receiver: vigil-pagerduty
receivers:
  - name: vigil-webhook
    webhook_configs:
      - url: ${apiUrl}/api/v1/integrations/alertmanager/${AM_KEY}
        send_resolved: true
        http_config:
          basic_auth: { username: alertmanager, password: ${tokens.ingest} }
  - name: vigil-pagerduty
    pagerduty_configs:
      - routing_key: ${PD_KEY}
        url: ${apiUrl}/v2/enqueue
        send_resolved: true
`;
}

beforeAll(async () => {
  const given = process.env.ALERTMANAGER_PATH;
  const bin = given && existsSync(given) ? given : (binary('prometheus-alertmanager') ?? binary('alertmanager'));
  if (!bin || !binary('amtool'))
    throw new Error(
      'prometheus-alertmanager / amtool not found: run `npm test` (scripts/provision.sh --test installs them)',
    );
  sys = await startSystem('alertmanager');
  const admin = (route: string, body: unknown) => sys.call('POST', route, { token: tokens.admin, body });
  expect(
    (await admin('/api/v1/users', { id: 'dana', name: 'Dana', email: 'dana@example.com', timezone: 'UTC' })).status,
  ).toBe(201);
  expect(
    (
      await admin('/api/v1/escalation-policies', {
        id: 'oncall',
        name: 'On call',
        loops: 0,
        levels: [{ delayMinutes: 5, targets: [{ type: 'user', id: 'dana' }] }],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await admin('/api/v1/teams', {
        id: 'web',
        name: 'Web',
        members: [{ userId: 'dana' }],
        defaultEscalationPolicyId: 'oncall',
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await admin('/api/v1/services', {
        id: 'checkout',
        name: 'Checkout',
        tier: 1,
        teamId: 'web',
        escalationPolicyId: 'oncall',
        autoResolve: { mode: 'immediately' },
        integrationKeys: [
          { source: 'alertmanager', key: AM_KEY },
          { source: 'pagerduty', key: PD_KEY },
        ],
      })
    ).status,
  ).toBe(201);

  const dir = path.join(path.dirname(sys.logFile), `alertmanager-${sys.dbName}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerConfig(sys.apiUrl));
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  const log = (_: string, chunk: Buffer) => writeFileSync(path.join(dir, 'alertmanager.log'), chunk, { flag: 'a' });
  // No cluster (no gossip port), loopback only; Alertmanager has no telemetry to turn off.
  am = startProcess(
    'alertmanager',
    bin,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      `--web.external-url=${amUrl}`,
    ],
    { output: log },
  );
  await waitUntil('alertmanager', () => portOpen(port), { timeoutMs: 30_000, proc: am });
});

afterAll(async () => {
  if (am) await stopProcess(am, 5_000);
  await sys?.stop();
});

const amtool = (...args: string[]) =>
  run(binary('amtool') as string, [`--alertmanager.url=${amUrl}`, 'alert', 'add', ...args], { timeout: 20_000 });
const fire = (instance: string, end?: string) =>
  amtool(
    'alertname=HighErrorRate',
    'severity=critical',
    `instance=${instance}`,
    `--annotation=summary=Error rate above 5% on checkout`,
    ...(end ? [`--end=${end}`] : []),
  );
const state = async (id: string) =>
  (await sys.call('GET', `/api/v1/incidents/${id}`, { token: tokens.responder })).body;
/** API log lines saying a notification of this kind was accepted. */
const accepted = (what: 'alert group accepted' | 'pagerduty trigger accepted') =>
  readFileSync(sys.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(what)).length;
const alertEvents = (s: { timeline: Array<{ type: string }> }) =>
  s.timeline.filter((e) => ['triggered', 'alert', 'alert_resolved'].includes(e.type)).length;

describe('a real Alertmanager notifying Vigil by webhook and by PagerDuty Events v2', () => {
  it('opens one incident per group on each path, tracking alerts by fingerprint', async () => {
    await fire('a');
    const hook = await eventually(async () => {
      const s = await state(webhookIncident);
      return s?.status === 'triggered' ? s : undefined;
    }, 30_000);
    expect(hook).toMatchObject({
      service: 'checkout',
      severity: 'SEV1',
      summary: 'Error rate above 5% on checkout',
      alertCount: 1,
      dedupKey: GROUP_KEY,
    });
    expect(hook.sourceAlerts).toEqual([
      expect.objectContaining({ status: 'firing', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) }),
    ]);
    const pd = await eventually(async () => {
      const s = await state(pagerDutyIncident);
      return s?.status === 'triggered' ? s : undefined;
    }, 30_000);
    expect(pd).toMatchObject({
      service: 'checkout',
      severity: 'SEV2',
      summary: '[FIRING:1] HighErrorRate (a critical)',
      alertCount: 1,
    });
    expect(pd.details).toMatchObject({ client: 'Alertmanager' });

    await fire('b');
    const grown = await eventually(async () => {
      const s = await state(webhookIncident);
      return s.alertCount === 2 ? s : undefined;
    }, 30_000);
    expect(grown.sourceAlerts.map((a: { status: string }) => a.status)).toEqual(['firing', 'firing']);
  });

  it('changes nothing when Alertmanager re-sends the same groups', async () => {
    // Wait for the second alert to reach both paths, then for several repeat deliveries.
    await eventually(async () => ((await state(pagerDutyIncident)).alertCount === 2 ? true : undefined), 30_000);
    const [hookBefore, pdBefore] = [await state(webhookIncident), await state(pagerDutyIncident)];
    const [groups, triggers] = [accepted('alert group accepted'), accepted('pagerduty trigger accepted')];
    await eventually(
      async () =>
        accepted('alert group accepted') >= groups + 3 && accepted('pagerduty trigger accepted') >= triggers + 3
          ? true
          : undefined,
      30_000,
    );
    for (const [before, id] of [
      [hookBefore, webhookIncident],
      [pdBefore, pagerDutyIncident],
    ] as const) {
      const after = await state(id);
      expect(after.alertCount).toBe(before.alertCount);
      expect(alertEvents(after)).toBe(alertEvents(before));
      expect(after.status).toBe('triggered');
    }
  });

  it('resolves only when every alert of the group has resolved (amtool --end)', async () => {
    const past = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await fire('a', past);
    const partly = await eventually(async () => {
      const s = await state(webhookIncident);
      return s.timeline.some((e: { type: string }) => e.type === 'alert_resolved') ? s : undefined;
    }, 30_000);
    expect(partly.status).toBe('triggered');
    expect(partly.timeline.find((e: { type: string }) => e.type === 'alert_resolved').message).toContain(
      '1 still firing',
    );

    await fire('b', past);
    const hook = await eventually(async () => {
      const s = await state(webhookIncident);
      return s.status === 'resolved' ? s : undefined;
    }, 30_000);
    expect(hook).toMatchObject({ resolvedBy: 'auto-resolve', alertCount: 2 });
    expect(hook.sourceAlerts.map((a: { status: string }) => a.status)).toEqual(['resolved', 'resolved']);
    const pd = await eventually(async () => {
      const s = await state(pagerDutyIncident);
      return s.status === 'resolved' ? s : undefined;
    }, 30_000);
    expect(pd.resolvedBy).toBe('Alertmanager');
  });
});
