import { describe, expect, it } from 'vitest';
import { incidentTypeFrom, resolveMapping } from '../../domain/config/integration-mapping';
import { ServiceSchema } from '../../domain/config/service';

const service = (integrationKeys: unknown[]) => ({
  id: 'checkout',
  name: 'Checkout',
  tier: 1,
  teamId: 'platform',
  escalationPolicyId: 'default',
  integrationKeys,
});
const key = (source: string, mapping: unknown) => ({ source, key: 'a'.repeat(32), mapping });
const issues = (value: unknown) => {
  const r = ServiceSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('integration mapping config (validated with the service)', () => {
  it('accepts a full Alertmanager mapping', () => {
    const mapping = {
      dedupKeyLabels: ['alertname', 'cluster'],
      serviceLabel: 'service',
      severityLabel: 'priority',
      severityMap: { page: 'SEV1' },
      defaultSeverity: 'SEV2',
      summaryFields: ['summary'],
    };
    expect(issues(service([key('alertmanager', mapping)]))).toEqual([]);
  });

  it.each([
    [
      'grouping and dedupKeyLabels together',
      'alertmanager',
      { grouping: 'alert', dedupKeyLabels: ['x'] },
      'integrationKeys.0.mapping.dedupKeyLabels: replaces grouping',
    ],
    [
      'an unknown grouping',
      'grafana',
      { grouping: 'cluster' },
      'integrationKeys.0.mapping.grouping: grouping must be one of: group, alert',
    ],
    [
      'a severityMap value that is not a severity',
      'alertmanager',
      { severityMap: { page: 'urgent' } },
      'integrationKeys.0.mapping.severityMap.page',
    ],
    [
      'an empty dedupKeyLabels',
      'alertmanager',
      { dedupKeyLabels: [] },
      'integrationKeys.0.mapping.dedupKeyLabels: must name at least one field',
    ],
    [
      'a typo in a field name',
      'alertmanager',
      { severityLable: 'x' },
      'integrationKeys.0.mapping: unknown field "severityLable"',
    ],
    [
      'label-only fields on a pagerduty key',
      'pagerduty',
      { grouping: 'alert' },
      'integrationKeys.0.mapping.grouping: does not apply to pagerduty integrations',
    ],
    [
      'any mapping on a generic key',
      'generic',
      { defaultSeverity: 'SEV1' },
      'integrationKeys.0.mapping.defaultSeverity: does not apply to generic integrations',
    ],
  ])('refuses %s, naming the field', (_what, source, mapping, expected) => {
    expect(issues(service([key(source, mapping)])).join('\n')).toContain(expected);
  });

  it('fills the defaults per format', () => {
    expect(resolveMapping('alertmanager', undefined)).toEqual({
      grouping: 'group',
      dedupKeyLabels: undefined,
      serviceLabel: undefined,
      severityLabel: 'severity',
      severityMap: {},
      defaultSeverity: 'SEV3',
      summaryFields: ['summary', 'description', 'alertname'],
      typeLabel: 'incident_type',
    });
    expect(resolveMapping('pagerduty', { severityMap: { Error: 'SEV1' } })).toMatchObject({
      severityLabel: undefined,
      severityMap: { error: 'SEV1' },
    });
  });

  it('names the incident type by label, else the integration default; a non-slug is not a type', () => {
    const mapping = resolveMapping('alertmanager', { typeLabel: 'kind', defaultType: 'outage' });
    expect(mapping).toMatchObject({ typeLabel: 'kind', defaultType: 'outage' });
    expect(incidentTypeFrom('security', mapping)).toBe('security');
    expect(incidentTypeFrom(undefined, mapping)).toBe('outage');
    expect(incidentTypeFrom('Not A Slug', resolveMapping('grafana', undefined))).toBeUndefined();
  });
});
