import { describe, expect, it } from 'vitest';
import { defaultDedupKey, INCIDENT_ID_PATTERN, incidentWorkflowId } from '../../api/incident-id';

describe('incidentWorkflowId', () => {
  it('is a pure function of service and dedup key', () => {
    expect(incidentWorkflowId('checkout', 'cpu-high')).toBe(incidentWorkflowId('checkout', 'cpu-high'));
  });

  it.each([
    ['checkout', 'cpu-high', 'checkout', 'cpu-high2'],
    ['checkout', 'cpu-high', 'payments', 'cpu-high'],
    // the separator keeps (a, bc) and (ab, c) apart
    ['a', 'bc', 'ab', 'c'],
    ['svc', 'key', 'svc', 'KEY'],
  ])('separates (%s, %s) from (%s, %s)', (s1, k1, s2, k2) => {
    expect(incidentWorkflowId(s1, k1)).not.toBe(incidentWorkflowId(s2, k2));
  });

  it('keeps the service readable and matches the API pattern for any key', () => {
    for (const key of ['x', 'a/b?c#d', ' spaces ', 'ü'.repeat(255), '{}:{alertname="HighErrorRate"}']) {
      const id = incidentWorkflowId('checkout-api', key);
      expect(id.startsWith('incident-checkout-api-')).toBe(true);
      expect(id).toMatch(INCIDENT_ID_PATTERN);
    }
  });

  it('pins the derivation so running incidents keep their ids across upgrades', () => {
    expect(incidentWorkflowId('checkout', 'cpu-high')).toBe('incident-checkout-5133ba04748e7fcca80e339f');
  });
});

describe('defaultDedupKey', () => {
  it('groups by source and summary', () => {
    expect(defaultDedupKey('grafana', 'disk full')).toBe(defaultDedupKey('grafana', 'disk full'));
    expect(defaultDedupKey('grafana', 'disk full')).not.toBe(defaultDedupKey('grafana', 'disk fuller'));
    expect(defaultDedupKey('grafana', 'disk full')).toHaveLength(32);
  });
});
