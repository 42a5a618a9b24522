/**
 * The scale phase: incidents opened up to `--open` (each with its first page), the worker's
 * RSS measured along the way, then level-2 escalation timers timed with them all open.
 */
import type { Bench } from './context';
import { PROBE_MINUTES } from './context';
import { mib, ms, p50p99, ratio, type Row } from './report';
import type { Sizes } from './run';
import { awaitFirstPages, ingest, probeTimers } from './scenarios';
import { percentile, sleep } from './stats';

const GOAL_OPEN = 10_000;
/** After each fill step: the step's incidents take their numbers and write their read model. */
const SETTLE_MS = 3_000;
const GIB = 1024 ** 3;

export async function scalePhase(
  b: Bench,
  sizes: Sizes,
  opened: number,
  idleRss: number,
  bareTimer: number[],
  rows: Row[],
  notes: string[],
  log: (m: string) => void,
): Promise<void> {
  const fill = Math.max(0, sizes.open - opened);
  log(`filling to ${sizes.open} open incidents: ${fill} more (worker cache ${sizes.cache})`);
  const t0 = Date.now();
  // Worker RSS (its process group) after each step's first pages: growth while the cache fills, then flat.
  const curve: Array<[number, number]> = [
    [0, idleRss],
    [opened, b.stack.workerRss()],
  ];
  // Steps no larger than the cache, each left a moment to settle (its number, its read-model
  // write): a larger step is a storm past the cache, where every follow-up replays history,
  // and measures that rather than incidents accumulating (the fill of 2 December crawled so).
  const step = Math.max(1, Math.min(sizes.cache, Math.ceil(fill / 8)));
  const every = Math.max(step, Math.ceil(fill / 8));
  let missing = 0;
  let measured = 0;
  for (let done = 0; done < fill; done += step) {
    const ing = await ingest(b, Math.min(step, fill - done), sizes.clients);
    missing += (await awaitFirstPages(b, ing.sent.keys(), 1_800_000)).length;
    await sleep(SETTLE_MS);
    const now = Math.min(fill, done + step);
    if (now - measured >= every || now === fill) {
      curve.push([opened + now, b.stack.workerRss()]);
      measured = now;
    }
  }
  notes.push(
    `Filling to ${sizes.open} open incidents: ${fill} alerts, every first page after ${ms(Date.now() - t0)} ` +
      `(${missing} missing). Worker RSS (process group) by open incidents, cache ${sizes.cache}: ` +
      `${curve.map(([n, r]) => `${n}: ${mib(r)}`).join(', ')}.`,
  );
  log(`${sizes.probes} probes: level-2 timers (${PROBE_MINUTES} s) with ${sizes.open} incidents open`);
  const probes = await probeTimers(b, sizes.probes);
  const rss = Math.max(curve.at(-1)?.[1] ?? 0, b.stack.workerRss());
  rows.push({
    measure: `Escalation timer with ${sizes.open} open incidents: level 2 late by`,
    vigil: `${p50p99(probes)} (${probes.length} incidents)`,
    baseline: `bare timer, idle: ${p50p99(bareTimer)}`,
    ratio: ratio(percentile(probes, 99), percentile(bareTimer, 99)),
    goal: 'p99 < 1 s',
    met: probes.length > 0 && percentile(probes, 99) < 1_000,
  });
  const projected = projectRss(curve, sizes.cache, GOAL_OPEN);
  rows.push({
    measure: `Worker RSS (process group) with ${sizes.open} open incidents, cache ${sizes.cache}`,
    vigil: `${mib(rss)}${sizes.open < GOAL_OPEN ? ` (projected at ${GOAL_OPEN}: ${mib(projected)})` : ''}`,
    baseline: `worker at start: ${mib(idleRss)}`,
    ratio: `${Math.round((rss - idleRss) / Math.min(sizes.open, sizes.cache) / 1024)} KiB per cached incident`,
    goal: `< 1 GiB at ${GOAL_OPEN}`,
    met: (sizes.open >= GOAL_OPEN ? rss : projected) < GIB,
  });
}

/**
 * RSS at `target` open incidents from the measured curve: the growth per incident beyond
 * the cache (the last points past it; incidents there hold no workflow state in memory) or,
 * if the run never passed the cache, the growth per cached incident up to the cache size.
 */
export function projectRss(curve: Array<[number, number]>, cache: number, target: number): number {
  const [n, rss] = curve.at(-1) ?? [0, 0];
  const past = curve.filter(([k]) => k >= cache);
  if (past.length >= 2 && n > (past[0] as [number, number])[0]) {
    const [n0, r0] = past[0] as [number, number];
    return rss + Math.max(0, (rss - r0) / Math.max(1, n - n0)) * (target - n);
  }
  const [n0, r0] = curve[0] ?? [0, 0];
  const perCached = (rss - r0) / Math.max(1, n - n0);
  return rss + perCached * Math.max(0, Math.min(target, cache) - n);
}
