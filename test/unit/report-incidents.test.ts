import { describe, expect, it } from 'vitest';
import { incidentReport, type IncidentReportOptions } from '../../domain/report/incident-report';
import type { ReportIncident } from '../../domain/report/incident-figures';
import { incidentReportCsv } from '../../domain/report/csv';

const ms = (iso: string) => Date.parse(iso);
const MIN = 60_000;

function incident(
  id: string,
  createdAt: string,
  patch: Partial<Omit<ReportIncident, 'createdAt'>> & {
    ackAfter?: number;
    resolveAfter?: number;
    startedBefore?: number;
  },
): ReportIncident {
  const { ackAfter, resolveAfter, startedBefore, ...rest } = patch;
  const created = ms(createdAt);
  return {
    incidentId: id,
    service: 'api',
    severity: 'SEV1',
    createdAt: created,
    autoRemediated: false,
    maxLevelReached: 1,
    maxLoopReached: 1,
    slaBreaches: [],
    ...(ackAfter === undefined ? {} : { acknowledgedAt: created + ackAfter * MIN }),
    ...(resolveAfter === undefined ? {} : { resolvedAt: created + resolveAfter * MIN }),
    ...(startedBefore === undefined ? {} : { alertStartedAt: created - startedBefore * MIN }),
    ...rest,
  };
}

// Hand-computed fixture: two weeks starting Monday 2026-03-02 (UTC).
const A = incident('a', '2026-03-02T10:00:00Z', {
  team: 'web',
  ackAfter: 5,
  resolveAfter: 30,
  startedBefore: 2,
  classification: 'actionable',
});
const B = incident('b', '2026-03-02T14:00:00Z', {
  team: 'web',
  ackAfter: 15,
  resolveAfter: 90,
  startedBefore: 4,
  classification: 'false_positive',
  maxLevelReached: 2,
  slaBreaches: ['response'],
});
const C = incident('c', '2026-03-04T09:00:00Z', {
  service: 'db',
  team: 'data',
  severity: 'SEV2',
  ackAfter: 1,
  resolveAfter: 10,
  classification: 'noise',
  autoRemediated: true,
});
const D = incident('d', '2026-03-10T03:00:00Z', {
  service: 'db',
  team: 'data',
  severity: 'SEV2',
  maxLevelReached: 3,
  slaBreaches: ['response'],
}); // still open, never acknowledged
const E = incident('e', '2026-03-11T12:00:00Z', { severity: 'SEV3', ackAfter: 2, resolveAfter: 20 }); // no team, unclassified
const BEFORE = incident('f', '2026-02-28T12:00:00Z', { ackAfter: 1, resolveAfter: 1 });
const AT_END = incident('g', '2026-03-16T00:00:00Z', { ackAfter: 1, resolveAfter: 1 }); // `to` is exclusive
const ALL = [A, B, C, D, E, BEFORE, AT_END];
const RANGE: IncidentReportOptions = { from: ms('2026-03-02T00:00:00Z'), to: ms('2026-03-16T00:00:00Z') };

describe('incident report figures', () => {
  const { totals } = incidentReport(ALL, RANGE);

  it('counts the incidents opened in [from, to)', () => {
    expect(totals).toMatchObject({ count: 5, open: 1, acknowledged: 4, resolved: 4 });
  });

  it('summarises MTTA over acknowledged incidents and MTTR over resolved ones (open D left out)', () => {
    expect(totals.mttaSeconds).toEqual({ count: 4, mean: 345, p50: 120, p90: 900, p99: 900 });
    expect(totals.mttrSeconds).toEqual({ count: 4, mean: 2250, p50: 1200, p90: 5400, p99: 5400 });
  });

  it('summarises MTTD over incidents whose source gave a start', () => {
    expect(totals.mttdSeconds).toEqual({ count: 2, mean: 180, p50: 120, p90: 240, p99: 240 });
  });

  it('rates false positives and noise among classified resolutions only (E unclassified, D open)', () => {
    expect(totals).toMatchObject({ classified: 3, unclassified: 1, falsePositiveRate: 0.3333, noiseRate: 0.3333 });
  });

  it('rates auto-remediation and escalation over all incidents', () => {
    expect(totals).toMatchObject({ autoRemediated: 1, autoRemediationRate: 0.2, escalated: 2, escalationRate: 0.4 });
  });

  it('counts SLA attainment per severity over decided targets', () => {
    expect(totals.sla).toEqual({
      SEV1: { response: { met: 1, decided: 2, rate: 0.5 }, resolution: { met: 2, decided: 2, rate: 1 } },
      // D breached its response target while open (decided); its resolution target is still running.
      SEV2: { response: { met: 1, decided: 2, rate: 0.5 }, resolution: { met: 1, decided: 1, rate: 1 } },
      SEV3: { response: { met: 1, decided: 1, rate: 1 }, resolution: { met: 1, decided: 1, rate: 1 } },
    });
  });

  it('counts a second pass through the policy as escalation, and a start after creation as 0 s to detect', () => {
    const looped = incident('h', '2026-03-03T00:00:00Z', { maxLoopReached: 2, startedBefore: -3 });
    const t = incidentReport([looped], RANGE).totals;
    expect(t.escalated).toBe(1);
    expect(t.mttdSeconds?.mean).toBe(0);
  });
});

describe('incident report groups', () => {
  it.each([
    [
      'week',
      [
        ['2026-03-02', 3],
        ['2026-03-09', 2],
      ],
    ],
    ['month', [['2026-03', 5]]],
    [
      'team',
      [
        ['data', 2],
        ['web', 2],
        ['(none)', 1],
      ],
    ],
    [
      'service',
      [
        ['api', 3],
        ['db', 2],
      ],
    ],
    [
      'severity',
      [
        ['SEV1', 2],
        ['SEV2', 2],
        ['SEV3', 1],
      ],
    ],
  ] as const)('by %s', (groupBy, expected) => {
    const report = incidentReport(ALL, { ...RANGE, groupBy });
    expect(report.groups.map((g) => [g.key, g.figures.count])).toEqual(expected);
  });

  it('lists empty days with counts of 0 and no figures', () => {
    const report = incidentReport(ALL, { ...RANGE, groupBy: 'day' });
    expect(report.groups).toHaveLength(14);
    const empty = report.groups.find((g) => g.key === '2026-03-03')?.figures;
    expect(empty).toMatchObject({ count: 0, mttaSeconds: null, mttrSeconds: null, falsePositiveRate: null, sla: {} });
    expect(report.groups.find((g) => g.key === '2026-03-02')?.figures.mttaSeconds?.mean).toBe(600);
  });

  it('answers an empty range with zero counts and null figures', () => {
    const report = incidentReport([], { ...RANGE, groupBy: 'week' });
    expect(report.totals).toMatchObject({
      count: 0,
      mttaSeconds: null,
      escalationRate: null,
      autoRemediationRate: null,
    });
    expect(report.groups.map((g) => g.figures.count)).toEqual([0, 0]);
    expect(report.mtbfByService).toEqual([]);
  });

  it.each([
    [{ service: 'db' }, ['c', 'd']],
    [{ team: 'web' }, ['a', 'b']],
    [{ severity: 'SEV1' as const }, ['a', 'b']],
    [{ service: 'api', severity: 'SEV3' as const }, ['e']],
  ])('filters by %j', (filter, ids) => {
    const report = incidentReport(ALL, { ...RANGE, ...filter, groupBy: 'service' });
    expect(report.totals.count).toBe(ids.length);
    expect(report.filter).toEqual(filter);
  });

  it('computes MTBF per service from consecutive openings', () => {
    const { mtbfByService } = incidentReport(ALL, RANGE);
    expect(mtbfByService).toEqual([
      // api: 10:00 -> 14:00 on the 2nd (4 h), then -> 12:00 on the 11th (214 h)
      {
        service: 'api',
        incidents: 3,
        mtbfSeconds: { count: 2, mean: 392_400, p50: 14_400, p90: 770_400, p99: 770_400 },
      },
      // db: 09:00 on the 4th -> 03:00 on the 10th (138 h)
      {
        service: 'db',
        incidents: 2,
        mtbfSeconds: { count: 1, mean: 496_800, p50: 496_800, p90: 496_800, p99: 496_800 },
      },
    ]);
    expect(incidentReport([A], RANGE).mtbfByService[0]?.mtbfSeconds).toBeNull();
  });
});

describe('incident report as CSV', () => {
  it('writes a header, a total row and one row per group, with MTBF on service rows', () => {
    const lines = incidentReportCsv(incidentReport(ALL, { ...RANGE, groupBy: 'service' })).split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    const cell = (line: number, name: string) => lines[line]?.split(',')[header.indexOf(name)];
    expect(lines).toHaveLength(5); // header, total, api, db, and the final line break
    expect(lines[4]).toBe('');
    expect(cell(1, 'group')).toBe('(total)');
    expect(cell(1, 'mtta_p50_seconds')).toBe('120');
    expect(cell(1, 'mtbf_mean_seconds')).toBe('');
    expect(cell(2, 'group')).toBe('api');
    expect(cell(2, 'mtbf_mean_seconds')).toBe('392400');
    expect(cell(3, 'sla_SEV2_resolution_rate')).toBe('1');
    expect(cell(3, 'sla_SEV1_response_rate')).toBe('');
  });
});
