/**
 * Planning which runbooks an incident triggers, against the shipped runbooks folder: the
 * alert shapes the ingest routes produce (an Alertmanager group, a PagerDuty event) match
 * on their labels, and a triggered runbook whose programs are not on the allowlist is
 * refused before it starts rather than failing (and escalating) at its first command.
 */
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createRunbookActivities, programsOf } from '../../activities/runbook';
import { loadRunbookCatalog } from '../../lib/config-as-code/runbooks';

const runbookDir = path.resolve(__dirname, '../../runbooks');
const log = pino({ level: 'silent' });
const plan = (allowlist: Record<string, string>) =>
  createRunbookActivities({ log, runbookDir, allowlist, outputLimit: 4096 });

/** Details as api/ingest/alert-group.ts builds them for one Alertmanager group. */
const alertmanagerGroup = {
  receiver: 'vigil',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  externalURL: 'http://am',
  commonLabels: { alertname: 'KubePodCrashLooping', namespace: 'shop' },
  alerts: [
    {
      status: 'firing',
      fingerprint: 'f1',
      labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-7d9f', deployment: 'cart' },
      annotations: { summary: 'cart is crash-looping' },
    },
  ],
};

describe('planRunbooks', () => {
  it('matches an Alertmanager group on its labels and takes the inputs from them', async () => {
    const result = await plan({ kubectl: '/usr/bin/kubectl' }).planRunbooks({
      incident: { service: 'cart', severity: 'SEV2', details: alertmanagerGroup },
    });
    expect(result.refused).toEqual([]);
    expect(result.runs.map((r) => r.runbook.name)).toEqual(['pod-crashloop-remediation']);
    expect(result.runs[0]?.inputs).toMatchObject({ pod: 'cart-7d9f', namespace: 'shop', deployment: 'cart' });
  });

  it('matches a PagerDuty event on its custom details', async () => {
    const result = await plan({ kubectl: '/usr/bin/kubectl' }).planRunbooks({
      incident: { service: 'cart', severity: 'SEV2', details: { customDetails: alertmanagerGroup.alerts[0]?.labels } },
    });
    expect(result.runs.map((r) => r.runbook.name)).toEqual(['pod-crashloop-remediation']);
  });

  it('refuses a triggered runbook whose programs are not allowed, naming them', async () => {
    const result = await plan({}).planRunbooks({
      incident: { service: 'cart', severity: 'SEV2', details: alertmanagerGroup },
    });
    expect(result.runs).toEqual([]);
    expect(result.refused).toEqual([
      {
        runbook: 'pod-crashloop-remediation',
        problems: ['program "kubectl" is not on the command allowlist (VIGIL_RUNBOOK_COMMAND_ALLOWLIST)'],
      },
    ]);
  });

  it('lists every program of every shipped runbook, parallel groups included', async () => {
    const catalog = await loadRunbookCatalog(runbookDir);
    expect(catalog.errors).toEqual([]);
    for (const { runbook } of catalog.runbooks) {
      for (const program of programsOf(runbook)) expect(program).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/);
    }
    const crash = catalog.runbooks.find((e) => e.runbook.name === 'pod-crashloop-remediation');
    expect(crash && programsOf(crash.runbook)).toEqual(['kubectl']);
  });
});
