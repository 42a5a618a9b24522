/**
 * Summary statistics for report figures. A duration is never reported as a mean alone: a
 * few very long incidents move a mean far from what a typical responder saw, so every
 * summary carries the median and the tail (p90, p99) beside it.
 *
 * Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the
 * value at rank ceil(p / 100 * n) (1-based). It is always one of the observed values, so a
 * figure in a report can be traced back to an incident, and it is easy to check by hand.
 */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Nearest-rank percentile of values sorted ascending; undefined for no values. */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Count, mean and percentiles of the values (any order), rounded to milliseconds; null for none. */
export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const at = (p: number) => round3(percentile(sorted, p) as number);
  return { count: sorted.length, mean: round3(sum / sorted.length), p50: at(50), p90: at(90), p99: at(99) };
}

/** part / whole rounded to 4 decimals, or null when nothing was counted (not 0: "no data" is not "never"). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Population standard deviation over mean (coefficient of variation); null without a positive mean. */
export function coefficientOfVariation(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean <= 0) return null;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return Math.round((Math.sqrt(variance) / mean) * 10_000) / 10_000;
}
