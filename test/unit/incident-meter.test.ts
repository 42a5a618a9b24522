/**
 * The worker's incident counters: each transition counted once as the projection first
 * shows it (a repeated projection counts nothing), and escalation timer lateness observed
 * by the recipient lookup that starts the next level.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { countTransitions, runbookRunsOf } from '../../activities/incident-meter';
import { observeLateness } from '../../activities/oncall';
import { recordEvent, recordSlaBreach } from '../../domain/incident/commands';
import { acknowledge, openIncident, resolve, type IncidentState } from '../../domain/incident/incident';
import { reportFieldsOf } from '../../domain/report/from-incident';
import { createWorkerMetrics } from '../../lib/metrics';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const counted = (s: IncidentState) => ({
  service: s.service,
  severity: s.severity,
  report: reportFieldsOf(s),
  runbookRuns: runbookRunsOf(s),
});

async function value(m: ReturnType<typeof createWorkerMetrics>, name: string, labels: Record<string, string> = {}) {
  const metric = m.registry.getSingleMetric(name) as { get(): Promise<{ values: Array<any> }> };
  const { values } = await metric.get();
  const hits = values.filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return hits.reduce((sum, v) => sum + v.value, 0);
}

describe('incident transition counters', () => {
  it('counts opened, acknowledged, resolved (with classification), breaches and runbook runs once each', async () => {
    const m = createWorkerMetrics();
    const labels = { service: 'api', severity: 'SEV2' };
    let s = openIncident('incident-api-1', 'run', {
      source: 'test',
      dedupKey: 'k',
      service: 'api',
      summary: 'down',
      severity: 'SEV2',
      details: {},
      receivedAt: at(0),
    });
    const states = [s];
    s = recordSlaBreach(acknowledge(s, { by: 'alice' }, at(20)), 'response', at(15), at(20));
    states.push(s);
    s = recordEvent(s, { at: at(21), type: 'runbook_failed', message: 'restart failed' });
    s = recordEvent(s, { at: at(22), type: 'runbook_succeeded', message: 'restart ok' });
    s = resolve(s, { by: 'alice', classification: 'false_positive' }, at(30));
    states.push(s);
    let prev: ReturnType<typeof counted> | undefined;
    for (const state of states) {
      const next = counted(state);
      countTransitions(m, prev, next);
      countTransitions(m, next, next); // a repeated projection of the same state
      prev = next;
    }
    expect(await value(m, 'vigil_incidents_opened_total', labels)).toBe(1);
    expect(await value(m, 'vigil_incidents_acknowledged_total', labels)).toBe(1);
    expect(await value(m, 'vigil_incidents_resolved_total', { ...labels, classification: 'false_positive' })).toBe(1);
    expect(await value(m, 'vigil_sla_breaches_total', { ...labels, sla: 'response' })).toBe(1);
    expect(await value(m, 'vigil_runbook_runs_total', { outcome: 'succeeded' })).toBe(1);
    expect(await value(m, 'vigil_runbook_runs_total', { outcome: 'failed' })).toBe(1);
  });

  it('counts an unclassified resolution as "none"', async () => {
    const m = createWorkerMetrics();
    const s = openIncident('i', 'r', {
      source: 't',
      dedupKey: 'k',
      service: 'db',
      summary: 'x',
      severity: 'SEV1',
      details: {},
      receivedAt: at(0),
    });
    countTransitions(m, counted(s), counted(resolve(s, { by: 'bob' }, at(5))));
    expect(await value(m, 'vigil_incidents_opened_total')).toBe(0);
    expect(await value(m, 'vigil_incidents_resolved_total', { classification: 'none' })).toBe(1);
  });
});

describe('escalation timer lateness', () => {
  it('is observed on the first attempt of a recipient lookup that carries the due time, not on retries or without one', async () => {
    const m = createWorkerMetrics();
    const dueAt = new Date(Date.now() - 3_000).toISOString();
    const lookup = (attempt: number, due: string | undefined) =>
      new MockActivityEnvironment({ attempt }).run(async () => observeLateness(m, due));
    await lookup(1, dueAt);
    await lookup(2, dueAt);
    await lookup(1, undefined);
    const { values } = await (m.escalationLateness as any).get();
    const count = values.find((v: any) => v.metricName === 'vigil_escalation_timer_lateness_seconds_count');
    const sum = values.find((v: any) => v.metricName === 'vigil_escalation_timer_lateness_seconds_sum');
    expect(count.value).toBe(1);
    expect(sum.value).toBeGreaterThanOrEqual(3);
    expect(sum.value).toBeLessThan(60);
  });
});
