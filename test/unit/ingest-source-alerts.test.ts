import { describe, expect, it } from 'vitest';
import { applyRepeatAlert, openIncident, type AlertEvent } from '../../domain/incident/incident';
import {
  allSourceAlertsResolved,
  applySourceAlerts,
  MAX_TRACKED_ALERTS,
  trackSourceAlerts,
} from '../../domain/incident/source-alerts';

const at = (m: number) => new Date(Date.parse('2026-03-09T14:00:00Z') + m * 60_000).toISOString();
const delivery = (
  m: number,
  alerts: Array<[string, 'firing' | 'resolved']>,
  severity: AlertEvent['severity'] = 'SEV3',
): AlertEvent => ({
  source: 'alertmanager',
  dedupKey: 'g',
  service: 'checkout',
  summary: 'High error rate',
  severity,
  details: { m },
  receivedAt: at(m),
  sourceAlerts: alerts.map(([fingerprint, status]) => ({ fingerprint, status })),
});

describe("tracking the source's alerts by fingerprint", () => {
  const opened = openIncident(
    'incident-x',
    'run',
    delivery(0, [
      ['a', 'firing'],
      ['b', 'firing'],
    ]),
  );

  it('opens with every alert of the first delivery tracked', () => {
    expect(opened.sourceAlerts?.map((t) => [t.fingerprint, t.status])).toEqual([
      ['a', 'firing'],
      ['b', 'firing'],
    ]);
  });

  it('a re-sent identical group changes nothing: same state object, no count, no timeline', () => {
    expect(
      applyRepeatAlert(
        opened,
        delivery(5, [
          ['a', 'firing'],
          ['b', 'firing'],
        ]),
      ),
    ).toBe(opened);
  });

  it('a new alert in the group counts once, raises severity, and is tracked', () => {
    const next = applyRepeatAlert(
      opened,
      delivery(
        1,
        [
          ['a', 'firing'],
          ['b', 'firing'],
          ['c', 'firing'],
        ],
        'SEV1',
      ),
    );
    expect(next).toMatchObject({ alertCount: 2, severity: 'SEV1', seq: opened.seq + 1 });
    expect(next.timeline.at(-1)?.type).toBe('alert');
    expect(next.sourceAlerts?.map((t) => t.fingerprint)).toEqual(['a', 'b', 'c']);
  });

  it("resolves the incident's source only when every alert has resolved", () => {
    const one = applyRepeatAlert(
      opened,
      delivery(2, [
        ['a', 'resolved'],
        ['b', 'firing'],
      ]),
    );
    expect(one.alertCount).toBe(1);
    expect(one.timeline.at(-1)).toMatchObject({
      type: 'alert_resolved',
      message: expect.stringContaining('1 still firing'),
    });
    expect(allSourceAlertsResolved(one)).toBe(false);
    const same = applyRepeatAlert(
      one,
      delivery(3, [
        ['a', 'resolved'],
        ['b', 'firing'],
      ]),
    );
    expect(same).toBe(one);
    const both = applySourceAlerts(
      one,
      { source: 'alertmanager', receivedAt: at(4), sourceAlerts: [{ fingerprint: 'b', status: 'resolved' }] },
      (s) => s,
    );
    expect(both.timeline.at(-1)?.message).toBe('Alert resolved at the source (alertmanager)');
    expect(allSourceAlertsResolved(both)).toBe(true);
  });

  it('an alert that fires again after resolving counts as a repeat', () => {
    const resolved = applyRepeatAlert(
      opened,
      delivery(2, [
        ['a', 'resolved'],
        ['b', 'firing'],
      ]),
    );
    expect(
      applyRepeatAlert(
        resolved,
        delivery(3, [
          ['a', 'firing'],
          ['b', 'firing'],
        ]),
      ).alertCount,
    ).toBe(2);
  });

  it('resolutions of alerts it never saw fire change nothing', () => {
    expect(applyRepeatAlert(opened, delivery(2, [['zzz', 'resolved']]))).toBe(opened);
  });

  it('alerts without fingerprints keep the old behaviour (every repeat counts)', () => {
    const { sourceAlerts: _none, ...plain } = delivery(1, []);
    const untracked = openIncident('incident-y', 'run', plain);
    expect(untracked.sourceAlerts).toBeUndefined();
    expect(applyRepeatAlert(applyRepeatAlert(untracked, plain), plain).alertCount).toBe(3);
  });

  it('stays bounded in an alert storm, forgetting resolved alerts first', () => {
    const refs = Array.from({ length: MAX_TRACKED_ALERTS }, (_, i) => ({
      fingerprint: `f${i}`,
      status: 'firing' as const,
    }));
    let { tracked } = trackSourceAlerts([], refs, at(0));
    tracked = trackSourceAlerts(tracked, [{ fingerprint: 'f0', status: 'resolved' }], at(1)).tracked;
    const grown = trackSourceAlerts(tracked, [{ fingerprint: 'new', status: 'firing' }], at(2)).tracked;
    expect(grown).toHaveLength(MAX_TRACKED_ALERTS);
    expect(grown.some((t) => t.fingerprint === 'f0')).toBe(false);
    expect(grown.filter((t) => t.status === 'firing')).toHaveLength(MAX_TRACKED_ALERTS);
  });
});
