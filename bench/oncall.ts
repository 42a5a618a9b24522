/**
 * The pure paths Vigil runs on every page and every API read, timed
 * against a baseline measured in the same run, so the figures compare on any machine.
 *  - onCallAt (arithmetic rotation index) vs. a baseline that walks every weekly handoff
 *    in local time from the layer's start: onCallAt's cost must not grow with schedule age.
 *  - shifts over 30 days, buildReview + renderReviewMarkdown for a 500-event incident.
 * Prints ops/s and heap growth per op. No assertions: tests assert behaviour, not timings.
 * `npm run bench` (bench/main.ts) runs these first and puts them in its table; run this
 * file alone with `node --expose-gc node_modules/.bin/tsx bench/oncall.ts`.
 */
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { onCallAt, shifts, type Schedule } from '../domain/oncall';
import { buildReview, renderReviewMarkdown } from '../domain/review/review';
import type { IncidentState } from '../domain/incident/incident';

const schedule: Schedule = {
  id: 'bench',
  name: 'Bench',
  timeZone: 'America/New_York',
  overrides: [],
  layers: [
    {
      id: 'weekly',
      start: '2020-01-06T09:00',
      rotation: { type: 'weekly', every: 1 },
      handoffTime: '09:00',
      participants: ['a', 'b', 'c', 'd'],
      restrictions: [],
    },
  ],
} as unknown as Schedule;

const layerStart = Date.parse('2020-01-06T14:00:00Z');

/** Baseline: a correct but naive lookup that walks handoffs week by week in local time. */
function naiveOnCall(at: number): string {
  let i = 0;
  let handoff = DateTime.fromISO('2020-01-06T09:00', { zone: 'America/New_York' });
  for (let next = handoff.plus({ weeks: 1 }); next.toMillis() <= at; next = next.plus({ weeks: 1 })) {
    handoff = next;
    i++;
  }
  return ['a', 'b', 'c', 'd'][i % 4] as string;
}

function measure(name: string, fn: (i: number) => unknown, minMs = 700): MicroRow {
  for (let i = 0; i < 50; i++) fn(i); // warm up
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < minMs) fn(n++);
  const ms = performance.now() - t0;
  const heapPerOp = (process.memoryUsage().heapUsed - heap0) / n;
  return { name, opsPerSec: (n / ms) * 1000, heapPerOp };
}

function incident(events: number): IncidentState {
  const t0 = Date.parse('2026-03-09T14:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
  const timeline = [{ at: at(0), type: 'triggered' as const, message: 'Triggered' }];
  for (let i = 1; i < events - 2; i++)
    timeline.push({ at: at(i * 0.05), type: 'alert' as const, message: `Alert ${i}` } as never);
  timeline.push({ at: at(3), type: 'acknowledged', message: 'Acknowledged by alice', by: 'alice' } as never);
  timeline.push({ at: at(41), type: 'resolved', message: 'Resolved by alice', by: 'alice' } as never);
  return {
    incidentId: 'incident-bench-000',
    runKey: 'r',
    service: 'bench',
    dedupKey: 'k',
    summary: 'bench',
    severity: 'SEV1',
    status: 'resolved',
    alertCount: events,
    createdAt: at(0),
    lastAlertAt: at(2),
    acknowledgedAt: at(3),
    acknowledgedBy: 'alice',
    resolvedAt: at(41),
    resolvedBy: 'alice',
    details: {},
    timeline,
    timelineDropped: 0,
    seq: events,
  };
}

export interface MicroRow {
  name: string;
  opsPerSec: number;
  heapPerOp: number;
}

/** The pure paths, each with ops/s; the first row is the baseline. */
export function runOncallBench(): MicroRow[] {
  const recent = Date.parse('2026-11-22T12:00:00Z');
  return [
    measure('baseline: walk handoffs, 6 years in', (i) => naiveOnCall(recent + i * 3_600_000)),
    measure('onCallAt, 6 years in', (i) => onCallAt(schedule, recent + i * 3_600_000)),
    measure('onCallAt, first week', (i) => onCallAt(schedule, layerStart + (i % 168) * 3_600_000)),
    measure('shifts over 30 days', (i) =>
      shifts(schedule, recent + i * 86_400_000, recent + i * 86_400_000 + 30 * 86_400_000),
    ),
    measure('buildReview + Markdown, 500 events', () => renderReviewMarkdown(buildReview(incident(500)))),
  ];
}

function main(): void {
  const rows = runOncallBench();
  const base = rows[0] as MicroRow;
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  console.log('case'.padEnd(42), 'ops/s'.padStart(12), 'vs baseline'.padStart(12), 'heap B/op'.padStart(11));
  for (const r of rows) {
    console.log(
      r.name.padEnd(42),
      r.opsPerSec.toFixed(0).padStart(12),
      `${(r.opsPerSec / base.opsPerSec).toFixed(2)}x`.padStart(12),
      r.heapPerOp.toFixed(0).padStart(11),
    );
  }
}

if (require.main === module) main();
