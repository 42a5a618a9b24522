import { describe, expect, it } from 'vitest';
import { alertGroupSchema, labelFingerprint, mapAlertGroup, type AlertGroup } from '../../api/ingest/alert-group';
import { resolveMapping, type IntegrationMapping } from '../../domain/config/integration-mapping';

const alert = (
  fingerprint: string,
  status: 'firing' | 'resolved',
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) => ({
  status,
  fingerprint,
  labels: { alertname: 'HighErrorRate', ...labels },
  annotations,
  startsAt: '2026-03-09T14:00:00Z',
  endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-03-09T14:05:00Z',
  generatorURL: 'http://prometheus/graph',
});

const group = (over: Partial<Record<string, unknown>> = {}): unknown => ({
  receiver: 'vigil',
  status: 'firing',
  version: '4',
  groupKey: '{}:{alertname="HighErrorRate"}',
  truncatedAlerts: 0,
  groupLabels: { alertname: 'HighErrorRate' },
  commonLabels: { alertname: 'HighErrorRate' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    alert('aaaaaaaaaaaaaaaa', 'firing', { severity: 'critical', instance: 'a' }, { summary: 'Errors above 5% on a' }),
    alert('bbbbbbbbbbbbbbbb', 'firing', { severity: 'warning', instance: 'b' }),
  ],
  ...over,
});

const parse = (body: unknown): AlertGroup => alertGroupSchema.parse(body);
/** `service: null` = posted without an integration key. */
const map = (body: unknown, mapping?: IntegrationMapping, service: string | null = 'checkout') =>
  mapAlertGroup(parse(body), {
    format: 'alertmanager',
    mapping: resolveMapping('alertmanager', mapping, service ? undefined : 'service'),
    service: service ?? undefined,
  });

describe('Alertmanager payload validation', () => {
  it.each([
    ['a body that is not an object', 'nope', '(body)', 'expected object'],
    ['no alerts', { ...(group() as object), alerts: [] }, 'alerts', 'must contain at least one alert'],
    ['alerts not an array', { ...(group() as object), alerts: {} }, 'alerts', 'must be an array of alerts'],
    [
      'an alert status that is neither firing nor resolved',
      { ...(group() as object), alerts: [{ ...alert('a', 'firing'), status: 'pending' }] },
      'alerts.0.status',
      'must be "firing" or "resolved"',
    ],
    [
      'labels that are not strings',
      { ...(group() as object), alerts: [{ ...alert('a', 'firing'), labels: { a: 1 } }] },
      'alerts.0.labels.a',
      'must be a string',
    ],
    [
      'an empty fingerprint',
      { ...(group() as object), alerts: [{ ...alert('a', 'firing'), fingerprint: '' }] },
      'alerts.0.fingerprint',
      'must not be empty',
    ],
  ])('refuses %s, naming the field', (_what, body, path, message) => {
    const r = alertGroupSchema.safeParse(body);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => (i.path.map(String).join('.') || '(body)') === path);
    expect(issue?.message.toLowerCase()).toContain(message.toLowerCase());
  });

  it('accepts unknown fields (newer Alertmanagers)', () => {
    expect(alertGroupSchema.safeParse({ ...(group() as object), somethingNew: { x: 1 } }).success).toBe(true);
  });

  it('refuses another version, pointing Grafana senders at their URL', () => {
    const r = map(group({ version: '1' }));
    expect(r).toEqual({
      ok: false,
      issues: [expect.objectContaining({ path: 'version', message: expect.stringContaining('use the grafana URL') })],
    });
  });
});

describe('Alertmanager mapping defaults', () => {
  it('makes one incident per group key, tracking every alert by fingerprint', () => {
    const r = map(group());
    if (!r.ok) throw new Error('expected ok');
    expect(r.deliveries).toHaveLength(1);
    expect(r.deliveries[0]).toMatchObject({
      source: 'alertmanager',
      service: 'checkout',
      dedupKey: '{}:{alertname="HighErrorRate"}',
      summary: 'Errors above 5% on a',
      severity: 'SEV1',
      alerts: [
        { fingerprint: 'aaaaaaaaaaaaaaaa', status: 'firing' },
        { fingerprint: 'bbbbbbbbbbbbbbbb', status: 'firing' },
      ],
    });
    expect(r.deliveries[0]?.details).toMatchObject({ receiver: 'vigil', externalURL: 'http://alertmanager:9093' });
  });

  it('carries the earliest start of the firing alerts, never Alertmanager\'s year-1 "unset"', () => {
    const early = { ...alert('c', 'firing'), startsAt: '2026-03-09T13:58:30Z' };
    const unset = { ...alert('d', 'firing'), startsAt: '0001-01-01T00:00:00Z' };
    const resolvedEarlier = { ...alert('e', 'resolved'), startsAt: '2026-03-09T13:00:00Z' };
    const r = map(group({ alerts: [alert('a', 'firing'), early, unset, resolvedEarlier] }));
    expect(r.ok && r.deliveries[0]?.startedAt).toBe('2026-03-09T13:58:30.000Z');
    const none = map(group({ alerts: [unset] }));
    expect(none.ok && none.deliveries[0]).not.toHaveProperty('startedAt');
  });

  it.each([
    ['annotations.summary of the group', { commonAnnotations: { summary: 'Common summary' } }, 'Common summary'],
    ['the alertname label when no annotation', { alerts: [alert('a', 'firing')] }, 'HighErrorRate'],
    [
      'annotations.description before alertname',
      { alerts: [alert('a', 'firing', {}, { description: 'Described' })] },
      'Described',
    ],
  ])('takes the summary from %s', (_what, over, summary) => {
    const r = map(group(over));
    expect(r.ok && r.deliveries[0]?.summary).toBe(summary);
  });

  it.each([
    ['critical', 'SEV1'],
    ['warning', 'SEV3'],
    ['P1', 'SEV2'],
    ['info', 'SEV4'],
  ])('maps labels.severity=%s through the severity aliases to %s', (label, sev) => {
    const r = map(group({ alerts: [alert('a', 'firing', { severity: label })] }));
    expect(r.ok && r.deliveries[0]?.severity).toBe(sev);
  });

  it('pages an unknown severity at the default and records the value it could not map', () => {
    const r = map(group({ alerts: [alert('a', 'firing', { severity: 'page' })] }));
    if (!r.ok) throw new Error('expected ok');
    expect(r.deliveries[0]?.severity).toBe('SEV3');
    expect(r.deliveries[0]?.details.unmappedSeverities).toEqual(['page']);
  });

  it('rates a group by its worst firing alert, ignoring resolved ones', () => {
    const r = map(
      group({
        alerts: [alert('a', 'resolved', { severity: 'critical' }), alert('b', 'firing', { severity: 'warning' })],
      }),
    );
    expect(r.ok && r.deliveries[0]?.severity).toBe('SEV3');
  });

  it('names the incident type by the incident_type label, else the mapping default, else none', () => {
    const typed = map(group({ commonLabels: { alertname: 'x', incident_type: 'security' } }));
    expect(typed.ok && typed.deliveries[0]?.incidentType).toBe('security');
    const byDefault = map(group(), { defaultType: 'outage' });
    expect(byDefault.ok && byDefault.deliveries[0]?.incidentType).toBe('outage');
    const none = map(group());
    expect(none.ok && 'incidentType' in (none.deliveries[0] ?? {})).toBe(false);
  });

  it('fingerprints alerts that come without one from their sorted labels', () => {
    const { fingerprint: _drop, ...bare } = alert('x', 'firing', { b: '2', a: '1' });
    const r = map(group({ alerts: [bare] }));
    const fp = labelFingerprint({ alertname: 'HighErrorRate', b: '2', a: '1' });
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(r.ok && r.deliveries[0]?.alerts).toEqual([{ fingerprint: fp, status: 'firing' }]);
  });

  it('without an integration key, the service label names the service; missing, it is refused by field', () => {
    const routed = map(group({ alerts: [alert('a', 'firing', { service: 'payments' })] }), undefined, null);
    expect(routed.ok && routed.deliveries[0]?.service).toBe('payments');
    const missing = map(group(), undefined, null);
    expect(missing).toEqual({
      ok: false,
      issues: [
        { path: 'alerts.0.labels.service', message: expect.stringContaining('must name a service id') },
        { path: 'alerts.1.labels.service', message: expect.stringContaining('must name a service id') },
      ],
    });
  });
});

describe('Alertmanager mapping per integration', () => {
  it('grouping "alert" makes one incident per fingerprint', () => {
    const r = map(group(), { grouping: 'alert' });
    expect(r.ok && r.deliveries.map((d) => [d.dedupKey, d.severity])).toEqual([
      ['aaaaaaaaaaaaaaaa', 'SEV1'],
      ['bbbbbbbbbbbbbbbb', 'SEV3'],
    ]);
  });

  it('dedupKeyLabels groups alerts sharing those label values', () => {
    const body = group({
      alerts: [
        alert('a', 'firing', { cluster: 'eu' }),
        alert('b', 'firing', { cluster: 'us' }),
        alert('c', 'firing', { cluster: 'eu' }),
      ],
    });
    const r = map(body, { dedupKeyLabels: ['cluster'] });
    expect(r.ok && r.deliveries.map((d) => [d.dedupKey, d.alerts.map((a) => a.fingerprint)])).toEqual([
      ['{cluster="eu"}', ['a', 'c']],
      ['{cluster="us"}', ['b']],
    ]);
  });

  it("a service label splits a group across services; an unusable value falls back to the key's service", () => {
    const body = group({
      alerts: [
        alert('a', 'firing', { team_service: 'payments' }),
        alert('b', 'firing', { team_service: 'Not A Slug' }),
      ],
    });
    const r = map(body, { serviceLabel: 'team_service' });
    expect(r.ok && r.deliveries.map((d) => d.service)).toEqual(['payments', 'checkout']);
  });

  it('severityMap, severityLabel, defaultSeverity and summaryFields apply', () => {
    const body = group({
      alerts: [alert('a', 'firing', { priority: 'page', severity: 'info' }, { headline: 'Checkout down' })],
    });
    const r = map(body, { severityLabel: 'priority', severityMap: { PAGE: 'SEV1' }, summaryFields: ['headline'] });
    expect(r.ok && [r.deliveries[0]?.severity, r.deliveries[0]?.summary]).toEqual(['SEV1', 'Checkout down']);
    const fallback = map(group({ alerts: [alert('a', 'firing')] }), { defaultSeverity: 'SEV2' });
    expect(fallback.ok && fallback.deliveries[0]?.severity).toBe('SEV2');
  });

  it('keeps at most 20 alerts in the details and counts the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => alert(`fp${i}`, 'firing'));
    const r = map(group({ alerts: many, truncatedAlerts: 3 }));
    if (!r.ok) throw new Error('expected ok');
    expect((r.deliveries[0]?.details.alerts as unknown[]).length).toBe(20);
    expect(r.deliveries[0]?.details.truncatedAlerts).toBe(8);
    expect(r.deliveries[0]?.alerts).toHaveLength(25);
  });
});
