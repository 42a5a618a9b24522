import { describe, expect, it } from 'vitest';
import { incidentReportQuerySchema, onCallReportQuerySchema } from '../../domain/report/query';

const NOW = Date.parse('2026-03-16T12:00:00Z');
const parse = (q: Record<string, string>) => incidentReportQuerySchema(NOW).safeParse(q);
const issues = (q: Record<string, string>) => {
  const r = parse(q);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('report query parameters', () => {
  it('defaults to the 30 days before now', () => {
    expect(parse({}).data).toMatchObject({ from: NOW - 30 * 86_400_000, to: NOW });
  });

  it('takes instants with offsets and plain dates (UTC midnight), severity spellings, groupings', () => {
    expect(
      parse({ from: '2026-03-01', to: '2026-03-02T01:00:00+01:00', severity: 'critical', groupBy: 'team' }).data,
    ).toEqual({
      from: Date.parse('2026-03-01T00:00:00Z'),
      to: Date.parse('2026-03-02T00:00:00Z'),
      severity: 'SEV1',
      groupBy: 'team',
    });
  });

  it.each([
    [{ from: '2026-03-10', to: '2026-03-01' }, 'from: must be before to'],
    [{ from: '2026-03-10', to: '2026-03-10' }, 'from: must be before to'],
    [{ from: '2024-03-01', to: '2026-03-01T00:00:01Z' }, 'to: must be at most two years after from'],
    [{ groupBy: 'hour' }, 'groupBy: must be one of: day, week, month, service, team, severity'],
    [{ from: 'yesterday' }, 'from: must be an ISO instant'],
    [{ to: '2026-02-30' }, 'to: must be an ISO instant'],
    [{ severity: 'urgnet' }, 'severity: unknown severity "urgnet"'],
    [{ service: 'Not A Slug' }, 'service: must be a slug'],
    [{ format: 'xml' }, 'format: must be one of: json, csv'],
  ])('refuses %j naming the parameter', (query, message) => {
    expect(issues(query).join('; ')).toContain(message);
  });

  it('accepts exactly two years', () => {
    expect(parse({ from: '2024-03-01', to: '2026-03-01' }).success).toBe(true);
  });

  it('validates the on-call report range and team the same way', () => {
    const q = onCallReportQuerySchema(NOW);
    expect(q.safeParse({ team: 'ops', from: '2026-03-01' }).data).toEqual({
      team: 'ops',
      from: Date.parse('2026-03-01T00:00:00Z'),
      to: NOW,
    });
    expect(q.safeParse({ from: '2026-03-20' }).error?.issues[0]?.path).toEqual(['from']);
  });
});
