/** The public JSON checked against a schema of Statuspage's v2 API written from its documentation. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildPageView, V2_FORMATS, type V2Format } from '../../domain/status-page';
import schema from './statuspage-v2.schema.json';
import { PAGE, SERVICES, incident } from './status-page-fixtures';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ ...schema, $id: 'statuspage-v2' });
const SCHEMA_OF: Record<V2Format, string> = {
  'summary.json': 'summary.json',
  'status.json': 'status.json',
  'components.json': 'components.json',
  'incidents.json': 'incidents.json',
  'incidents/unresolved.json': 'incidents.json',
  'scheduled-maintenances.json': 'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json': 'scheduled-maintenances.json',
  'scheduled-maintenances/active.json': 'scheduled-maintenances.json',
};

const view = buildPageView({
  page: PAGE,
  services: SERVICES,
  url: 'https://status.example.com',
  configuredAt: '2026-04-01T00:00:00.000Z',
  nowMs: Date.parse('2026-05-01T10:30:00Z'),
  incidents: [
    incident({ id: 'open', createdAt: '2026-05-01T09:00:00.000Z' }),
    incident({
      id: 'done',
      createdAt: '2026-04-20T09:00:00.000Z',
      status: 'resolved',
      resolvedAt: '2026-04-20T10:00:00.000Z',
      monitoringAt: '2026-04-20T09:30:00.000Z',
    }),
  ],
});

describe('Statuspage v2 shapes', () => {
  it.each(Object.keys(V2_FORMATS) as V2Format[])('%s matches the documented schema', (format) => {
    const body = V2_FORMATS[format](view);
    const validate = ajv.getSchema(
      `statuspage-v2#/formats/${encodeURIComponent(SCHEMA_OF[format]).replace(/\./g, '.')}`,
    );
    expect(validate, format).toBeDefined();
    const valid = validate!(body);
    expect(validate!.errors ?? [], format).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema refuses what Statuspage would not send', () => {
    const validate = ajv.getSchema('statuspage-v2#/formats/status.json')!;
    expect(
      validate({ page: V2_FORMATS['status.json'](view).page, status: { indicator: 'maintenance', description: 'x' } }),
    ).toBe(false);
    const summary = V2_FORMATS['summary.json'](view);
    const bad = { ...summary, components: [{ ...summary.components[0], status: 'down' }] };
    expect(ajv.getSchema('statuspage-v2#/formats/summary.json')!(bad)).toBe(false);
  });

  it('says what the page shows: unresolved incidents, groups with members, newest update first', () => {
    const summary = V2_FORMATS['summary.json'](view);
    expect(summary.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    expect(summary.incidents.map((i) => i.id)).toEqual(['open']);
    expect(summary.components.find((c) => c.group)).toMatchObject({
      id: 'group-core',
      name: 'Core',
      components: ['api', 'web'],
    });
    expect(summary.components.find((c) => c.id === 'api')).toMatchObject({
      group_id: 'group-core',
      status: 'partial_outage',
    });
    expect(summary.scheduled_maintenances.map((m) => m.status)).toEqual(['in_progress', 'scheduled']);
    const first = summary.incidents[0]!.incident_updates[0]!;
    expect(first.affected_components).toEqual([
      { code: 'api', name: 'API', old_status: 'operational', new_status: 'partial_outage' },
    ]);
    expect(V2_FORMATS['incidents.json'](view).incidents.map((i) => i.id)).toEqual(['open', 'done']);
    expect(V2_FORMATS['scheduled-maintenances/active.json'](view).scheduled_maintenances).toHaveLength(1);
    expect(V2_FORMATS['scheduled-maintenances/upcoming.json'](view).scheduled_maintenances[0]?.id).toBe('db-upgrade');
  });
});
