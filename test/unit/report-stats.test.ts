import { describe, expect, it } from 'vitest';
import { coefficientOfVariation, percentile, rate, summarize } from '../../domain/report/stats';
import { nextPeriodStart, periodKey, periodStart, periodsBetween } from '../../domain/report/periods';

const ms = (iso: string) => Date.parse(iso);

describe('nearest-rank percentiles', () => {
  it.each([
    // values, p, expected (rank = ceil(p/100 * n))
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 90, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 1],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
  ])('%j at p%i is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('summaries', () => {
  it('sorts, averages and takes p50 / p90 / p99', () => {
    expect(summarize([900, 60, 300, 120])).toEqual({ count: 4, mean: 345, p50: 120, p90: 900, p99: 900 });
  });

  it('is null for no values (an empty period has no MTTA, not an MTTA of 0)', () => {
    expect(summarize([])).toBeNull();
  });

  it('rounds to milliseconds', () => {
    expect(summarize([1, 2, 2])?.mean).toBe(1.667);
  });

  it.each([
    [1, 3, 0.3333],
    [0, 5, 0],
    [2, 2, 1],
    [0, 0, null],
  ])('rate %d / %d = %s', (part, whole, expected) => {
    expect(rate(part, whole)).toBe(expected);
  });

  it.each([
    [[4, 2, 1], Math.round((Math.sqrt(14) / 7) * 10_000) / 10_000],
    [[3, 3, 3], 0],
    [[4, 0], 1],
    [[0, 0], null],
    [[], null],
  ])('coefficient of variation of %j', (values, expected) => {
    expect(coefficientOfVariation(values)).toBe(expected);
  });
});

describe('UTC periods', () => {
  it.each([
    ['2026-03-04T23:59:59Z', 'day', '2026-03-04'],
    ['2026-03-04T23:59:59Z', 'week', '2026-03-02'],
    ['2026-03-08T12:00:00Z', 'week', '2026-03-02'], // Sunday belongs to the week of Monday 2nd
    ['2026-03-09T00:00:00Z', 'week', '2026-03-09'],
    ['2027-01-01T05:00:00Z', 'week', '2026-12-28'], // an ISO week across the new year
    ['2026-02-28T23:00:00Z', 'month', '2026-02'],
  ] as const)('%s is in the %s of %s', (at, period, key) => {
    expect(periodKey(periodStart(ms(at), period), period)).toBe(key);
  });

  it('steps months of different lengths', () => {
    expect(new Date(nextPeriodStart(ms('2026-01-01T00:00:00Z'), 'month')).toISOString()).toBe(
      '2026-02-01T00:00:00.000Z',
    );
    expect(new Date(nextPeriodStart(ms('2026-02-01T00:00:00Z'), 'month')).toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it('lists every period overlapping the range, the partial first one included', () => {
    const weeks = periodsBetween(ms('2026-03-04T12:00:00Z'), ms('2026-03-16T00:00:00Z'), 'week');
    expect(weeks.map((w) => w.key)).toEqual(['2026-03-02', '2026-03-09']);
    expect(periodsBetween(ms('2026-03-01T00:00:00Z'), ms('2026-03-04T00:00:00Z'), 'day')).toHaveLength(3);
    expect(periodsBetween(ms('2026-01-15T00:00:00Z'), ms('2026-03-01T00:00:00Z'), 'month').map((m) => m.key)).toEqual([
      '2026-01',
      '2026-02',
    ]);
  });
});
