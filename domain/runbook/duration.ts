/**
 * Step durations ("500ms", "30s", "5m", "1h"). Zod-free on purpose: the runbook workflow
 * imports it (test/workflows/bundle.test.ts); DurationSchema is in runbook.ts.
 */
export const DURATION = /^(\d{1,6})(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new RangeError(`not a duration: "${text}"`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
