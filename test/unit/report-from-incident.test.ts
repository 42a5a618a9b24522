import { describe, expect, it } from 'vitest';
import { acknowledge, openIncident, refuseResolve, resolve, type IncidentState } from '../../domain/incident/incident';
import { recordPage, recordSlaBreach, snooze } from '../../domain/incident/commands';
import { reportFieldsOf, toReportIncident, REPORT_FIELDS_VERSION } from '../../domain/report/from-incident';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ms = (minutes: number) => T0 + minutes * 60_000;

function opened(details: Record<string, unknown> = {}): IncidentState {
  return openIncident('incident-api-1', 'run-1', {
    source: 'alertmanager',
    dedupKey: 'k',
    service: 'api',
    summary: 'down',
    severity: 'SEV1',
    details,
    receivedAt: at(0),
  });
}

describe('report fields from an incident state', () => {
  it('reads first response, resolution, escalation, breaches and pages off the timeline', () => {
    let s = opened();
    s = recordPage(s, { loop: 0, level: 0, userIds: ['alice'] }, at(0));
    s = recordPage(s, { loop: 0, level: 1, userIds: ['bob', 'carol'] }, at(5));
    s = recordSlaBreach(s, 'response', at(5), at(5));
    s = acknowledge(s, { by: 'bob' }, at(7));
    s = resolve(s, { by: 'bob' }, at(30));
    expect(reportFieldsOf(s)).toEqual({
      version: REPORT_FIELDS_VERSION,
      createdAt: ms(0),
      acknowledgedAt: ms(7),
      resolvedAt: ms(30),
      autoRemediated: false,
      maxLevelReached: 2,
      maxLoopReached: 1,
      slaBreaches: ['response'],
      pages: [
        { userId: 'alice', at: ms(0), acknowledgedAt: ms(7) },
        { userId: 'bob', at: ms(5), acknowledgedAt: ms(7) },
        { userId: 'carol', at: ms(5), acknowledgedAt: ms(7) },
      ],
    });
  });

  it('takes a snooze as the first response, and a re-acknowledgement does not move it', () => {
    let s = opened();
    s = snooze(s, { by: 'alice', minutes: 10 }, at(2), at(12));
    s = acknowledge({ ...s, status: 'triggered' }, { by: 'alice' }, at(15));
    expect(reportFieldsOf(s).acknowledgedAt).toBe(ms(2));
  });

  it('leaves an open, unanswered incident without response, resolution or pages answered', () => {
    let s = opened();
    s = recordPage(s, { loop: 1, level: 0, userIds: ['alice'] }, at(60));
    const f = reportFieldsOf(s);
    expect(f).toMatchObject({ maxLevelReached: 1, maxLoopReached: 2, slaBreaches: [], pages: [{ userId: 'alice' }] });
    expect(f.acknowledgedAt).toBeUndefined();
    expect(f.resolvedAt).toBeUndefined();
    expect(f.pages[0]?.acknowledgedAt).toBeUndefined();
  });

  it.each([
    ['acknowledged by a runbook', (s: IncidentState) => acknowledge(s, { by: 'runbook:restart-api' }, at(1)), true],
    ['resolved by a runbook', (s: IncidentState) => resolve(s, { by: 'runbook:restart-api' }, at(1)), true],
    ['resolved by a person', (s: IncidentState) => resolve(s, { by: 'alice' }, at(1)), false],
    ['auto-resolved by the source', (s: IncidentState) => resolve(s, { by: 'auto-resolve' }, at(1)), false],
  ])('auto-remediated when %s: %s', (_name, act, expected) => {
    expect(reportFieldsOf(act(opened())).autoRemediated).toBe(expected);
  });

  it('reads the classification from the state, else from the resolved event, else none', () => {
    const resolved = resolve(opened(), { by: 'alice' }, at(5));
    expect(reportFieldsOf({ ...resolved, classification: 'noise' }).classification).toBe('noise');
    const withEvent = {
      ...resolved,
      timeline: resolved.timeline.map((e) =>
        e.type === 'resolved' ? { ...e, data: { classification: 'false_positive' } } : e,
      ),
    };
    expect(reportFieldsOf(withEvent).classification).toBe('false_positive');
    expect(reportFieldsOf(resolved).classification).toBeUndefined();
    expect(reportFieldsOf({ ...resolved, classification: 'bogus' }).classification).toBeUndefined();
  });

  it.each([
    ['the state field', { alertStartedAt: at(-4) }, {}, ms(-4)],
    [
      'the earliest startsAt of Alertmanager alerts',
      {},
      { alerts: [{ startsAt: at(-3) }, { startsAt: at(-9) }, { startsAt: '0001-01-01T00:00:00Z' }] },
      ms(-9),
    ],
    ['no startsAt after the incident opened', {}, { alerts: [{ startsAt: at(2) }] }, undefined],
    ['nothing without alerts', {}, { alerts: 'x' }, undefined],
  ])('alert start from %s', (_name, stateField, details, expected) => {
    expect(reportFieldsOf({ ...opened(details), ...stateField }).alertStartedAt).toBe(expected);
  });

  it('the transitions carry the alert start and the classification into the state and the timeline', () => {
    const s = openIncident('incident-api-1', 'run-1', {
      source: 'grafana',
      dedupKey: 'k',
      service: 'api',
      summary: 'down',
      severity: 'SEV2',
      details: {},
      receivedAt: at(0),
      startedAt: at(-2),
    });
    expect(s.alertStartedAt).toBe(at(-2));
    expect(opened().alertStartedAt).toBeUndefined();
    const r = resolve(s, { by: 'alice', note: 'probe flapped', classification: 'false_positive' }, at(9));
    expect(r.classification).toBe('false_positive');
    expect(r.timeline.at(-1)).toMatchObject({
      type: 'resolved',
      message: 'Resolved by alice as false_positive',
      data: { note: 'probe flapped', classification: 'false_positive' },
    });
    expect(resolve(s, { by: 'alice' }, at(9))).not.toHaveProperty('classification');
    expect(reportFieldsOf(r)).toMatchObject({ alertStartedAt: ms(-2), classification: 'false_positive' });
  });

  it('refuses a resolve with a classification that is not one', () => {
    expect(refuseResolve(opened(), { by: 'a', classification: 'nope' as never })).toBe(
      'classification must be one of: actionable, false_positive, noise',
    );
    expect(refuseResolve(opened(), { by: 'a', classification: 'noise' })).toBeUndefined();
    expect(refuseResolve(opened())).toBeUndefined();
  });

  it('falls back to the acknowledgement fields when the timeline has no response event', () => {
    const s = { ...opened(), firstAcknowledgedAt: at(3), acknowledgedAt: at(8) };
    expect(reportFieldsOf(s).acknowledgedAt).toBe(ms(3));
    expect(reportFieldsOf({ ...opened(), acknowledgedAt: at(8) }).acknowledgedAt).toBe(ms(8));
  });

  it('counts breaches the state carries even if their events are gone', () => {
    const s = { ...opened(), slaBreaches: [{ sla: 'resolution' as const, dueAt: at(60), at: at(60) }] };
    expect(reportFieldsOf(s).slaBreaches).toEqual(['resolution']);
  });

  it('turns stored fields into the report view, with the team of the service', () => {
    const report = reportFieldsOf(resolve(opened(), { by: 'alice' }, at(5)));
    expect(toReportIncident({ incidentId: 'incident-api-1', service: 'api', severity: 'SEV1', report }, 'web')).toEqual(
      {
        incidentId: 'incident-api-1',
        service: 'api',
        severity: 'SEV1',
        team: 'web',
        createdAt: ms(0),
        resolvedAt: ms(5),
        autoRemediated: false,
        maxLevelReached: 0,
        maxLoopReached: 0,
        slaBreaches: [],
      },
    );
  });
});
