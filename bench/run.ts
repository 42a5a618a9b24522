/** The bench's phases in order, each adding its rows (figure, baseline, goal) to the table. */
import type { Bench } from './context';
import { TICK_MINUTES } from './context';
import { ms, p50p99, rate, ratio, type Row } from './report';
import {
  acknowledgeAll,
  awaitFirstPages,
  bareFirstPage,
  bareStorm,
  bareTimers,
  dedupStorm,
  firstPageLatency,
  tracedFirstPages,
  whereTimeGoes,
  ingest,
  openTickers,
  rawSignalWithStart,
  tickLateness,
} from './scenarios';
import { bareRecovery, failover } from './recovery';
import { NOTIFY_PROFILE } from '../workflows/activity-profiles';
import { percentile, sleep } from './stats';
import { readModelPhase } from './read-model';
import { scalePhase } from './scale';
import { scrapeBench } from './reports';

export interface Sizes {
  clients: number;
  latency: number;
  ingest: number;
  dedup: number;
  storm: number;
  tickers: number;
  open: number;
  probes: number;
  list: number;
  reports: number;
  cache: number;
  skip: Set<string>;
}

export async function runScenarios(
  b: Bench,
  sizes: Sizes,
  log: (m: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const run = (phase: string) => !sizes.skip.has(phase);
  // A phase that fails is a row saying so, and the run goes on; each phase's rows are logged as it ends.
  const guard = async (phase: string, fn: () => Promise<void>) => {
    const before = rows.length;
    try {
      await fn();
    } catch (err) {
      log(`${phase} failed: ${err instanceof Error ? err.stack : String(err)}`);
      const message = err instanceof Error ? err.message : String(err);
      rows.push({
        measure: `${phase} phase`,
        vigil: `failed: ${message}`,
        baseline: '',
        ratio: '',
        goal: '',
        met: false,
      });
    }
    for (const r of rows.slice(before)) log(`  ${r.measure}: ${r.vigil} | ${r.baseline} | ${r.met ?? ''}`);
  };
  const idleRss = b.stack.workerRss();
  let opened = 0;

  log(`baselines: raw signalWithStart x${sizes.ingest}, bare workflow to one activity x${sizes.latency}, bare timers`);
  const raw = await rawSignalWithStart(b, sizes.ingest, sizes.clients);
  const bare = await bareFirstPage(b, sizes.latency);
  const bareTimer = await bareTimers(b, 50, 5_000);

  log(`alert to first page, idle, x${sizes.latency}`);
  const traced = await tracedFirstPages(b, sizes.latency);
  const idle = traced.map((t) => t.ms);
  opened += sizes.latency;
  notes.push(`Alert to first page, idle, where the time goes: ${await whereTimeGoes(b, traced)}.`);
  log(notes.at(-1) ?? '');
  const idleP50 = percentile(idle, 50);
  rows.push({
    measure: 'Alert to first page, idle (POST to webhook received)',
    vigil: p50p99(idle),
    baseline: `bare start + one activity: ${p50p99(bare)}`,
    ratio: ratio(idleP50, percentile(bare, 50)),
    goal: '<= 2x, p99 < 500 ms',
    met: idleP50 <= 2 * percentile(bare, 50) && percentile(idle, 99) < 500,
  });

  let ingestRate = NaN;
  if (run('ingest')) {
    log(`new-incident ingest x${sizes.ingest}, ${sizes.clients} clients`);
    const cpu = cpuAccount(b);
    const ing = await ingest(b, sizes.ingest, sizes.clients);
    opened += ing.sent.size;
    ingestRate = ing.load.rate;
    rows.push({
      measure: `New-incident ingest, ${sizes.clients} clients (POST /api/v1/alerts)`,
      vigil: `${rate(ing.load.rate)} (${p50p99(ing.load.latencies)})${errors(ing.load.errors)}`,
      baseline: `raw signalWithStart, no-op workflow: ${rate(raw.rate)} (${p50p99(raw.latencies)})`,
      ratio: ratio(ing.load.rate, raw.rate),
      goal: '>= 0.8x',
      met: ing.load.rate >= 0.8 * raw.rate,
    });
    const t0 = Date.now();
    const late = await awaitFirstPages(b, ing.sent.keys(), 600_000);
    notes.push(
      `After the ingest run the last first page arrived ${ms(Date.now() - t0)} later (${late.length} missing). ` +
        `Ingest until then: ${cpu()}.`,
    );
  }

  if (run('dedup')) {
    log(`dedup storm x${sizes.dedup}, ${sizes.clients} clients, a new incident every 500 ms meanwhile`);
    const ds = await dedupStorm(b, sizes.dedup, sizes.clients);
    log(`alert to first page right after the dedup storm, x${sizes.latency}`);
    const after = await firstPageLatency(b, sizes.latency);
    opened += 1 + ds.during.length + sizes.latency;
    rows.push({
      measure: `Dedup storm, one key, ${sizes.clients} clients`,
      vigil: `${rate(ds.load.rate)} (${p50p99(ds.load.latencies)})${errors(ds.load.errors)}`,
      baseline: Number.isNaN(ingestRate) ? 'ingest skipped' : `new-incident ingest: ${rate(ingestRate)}`,
      ratio: ratio(ds.load.rate, ingestRate),
      goal: '>= 1.0x',
      met: ds.load.rate >= ingestRate,
    });
    for (const [what, xs] of [
      ['during', ds.during],
      ['right after', after],
    ] as const) {
      rows.push({
        measure: `Alert to first page of other incidents, ${what} the dedup storm`,
        vigil: p50p99(xs),
        baseline: `idle: ${p50p99(idle)}`,
        ratio: ratio(percentile(xs, 50), idleP50),
        goal: '<= 2x idle',
        met: percentile(xs, 50) <= 2 * idleP50,
      });
    }
  }

  // The rows so far (idle, ingest, dedup), logged now so a run stopped later still shows them.
  for (const r of rows) log(`  ${r.measure}: ${r.vigil} | ${r.baseline} | ${r.met ?? ''}`);
  if (run('storm'))
    await guard('storm', async () => void (opened += await stormPhase(b, sizes, rows, notes, bareTimer, log)));
  // Before recovery, which may restart worker 0: the memory figure is of the worker that ran everything.
  if (run('scale')) await guard('scale', () => scalePhase(b, sizes, opened, idleRss, bareTimer, rows, notes, log));
  if (run('recovery')) await guard('recovery', () => recoveryPhase(b, rows, log));
  if (run('list') || run('reports')) {
    await guard('read model', async () => {
      const rm = await readModelPhase(b, sizes, log);
      rows.push(...rm.rows);
      notes.push(...rm.notes);
    });
  }
  if (run('metrics')) await guard('metrics', async () => void rows.push(...(await scrapeBench(b))));
  return { rows, notes };
}

async function recoveryPhase(b: Bench, rows: Row[], log: (m: string) => void): Promise<void> {
  log('recovery: two workers, the one sending a held page SIGKILLed (bare baseline first)');
  const bareMs = await bareRecovery(b);
  const rec = await failover(b);
  rows.push({
    measure: 'Page in flight when its worker is SIGKILLed, a second worker running: sent again after',
    vigil: `${ms(rec.resentMs)} (heartbeat timeout ${String(NOTIFY_PROFILE.heartbeatTimeout)})`,
    baseline:
      `start-to-close timeout ${String(NOTIFY_PROFILE.startToCloseTimeout)}; ` +
      `bare activity without heartbeat, measured: ${ms(bareMs)}`,
    ratio: ratio(rec.resentMs, bareMs),
    goal: '<= 10 s',
    met: rec.resentMs <= 10_000,
  });
}

async function stormPhase(
  b: Bench,
  sizes: Sizes,
  rows: Row[],
  notes: string[],
  bareTimer: number[],
  log: (m: string) => void,
): Promise<number> {
  log(`bare storm baseline: ${sizes.storm} one-activity workflows`);
  const bareStormLat = await bareStorm(b, sizes.storm, sizes.clients);
  log(
    `incident storm: ${sizes.tickers} older incidents escalating every ${TICK_MINUTES} s, then ${sizes.storm} at once`,
  );
  const tickers = await openTickers(b, sizes.tickers);
  await sleep(2_000);
  const cpu = cpuAccount(b);
  const from = Date.now();
  const st = await ingest(b, sizes.storm, sizes.clients);
  const openedIn = st.load.wallMs;
  const missing = await awaitFirstPages(b, st.sent.keys(), 240_000);
  const lat = [...st.sent].map(([id, t0]) => (b.pages.firstAt(id) ?? Infinity) - t0);
  const lastPage = Math.max(...[...st.sent.keys()].map((id) => b.pages.firstAt(id) ?? 0));
  const to = missing.length > 0 ? Date.now() : lastPage;
  const ticks = tickLateness(b, from, to);
  notes.push(`Storm: ${cpu()}.`);
  await acknowledgeAll(b, tickers);
  const within = lat.filter((x) => x <= 30_000).length;
  rows.push({
    measure: `Incident storm: ${sizes.storm} new incidents, each paging at once`,
    vigil:
      `opened in ${ms(openedIn)}; ${within}/${lat.length} first pages within 30 s ` +
      `(${p50p99(lat)}, max ${ms(Math.max(...lat))})${errors(st.load.errors)}`,
    baseline: `bare: ${p50p99(bareStormLat)}, max ${ms(Math.max(...bareStormLat))}`,
    ratio: ratio(percentile(lat, 99), percentile(bareStormLat, 99)),
    goal: 'every first page within 30 s',
    met: within === sizes.storm,
  });
  rows.push({
    measure: `Escalation of ${sizes.tickers} older incidents during the storm: step late by`,
    vigil: `${p50p99(ticks)} (${ticks.length} steps)`,
    baseline: `bare timer, idle: ${p50p99(bareTimer)}`,
    ratio: ratio(percentile(ticks, 99), percentile(bareTimer, 99)),
    goal: 'p99 < 2 s',
    met: ticks.length > 0 && percentile(ticks, 99) < 2_000,
  });
  if (missing.length === 0) {
    const perSecond = (sizes.storm / (lastPage - from)) * 1000;
    notes.push(
      `Storm capacity: ${sizes.storm} incidents from first POST to last first page in ${ms(lastPage - from)}, ` +
        `${perSecond.toFixed(1)} incidents/s to first page.`,
    );
  }
  return sizes.storm + sizes.tickers;
}

/** Starts a CPU account of the stack's parts; the returned function describes it since. */
export function cpuAccount(b: Bench): () => string {
  const t0 = Date.now();
  const before = b.stack.cpuByPart();
  return () => {
    const wall = Date.now() - t0;
    const after = b.stack.cpuByPart();
    const used = Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)] as const);
    const total = used.reduce((sum, [, v]) => sum + v, 0);
    const parts = used
      .sort((x, y) => y[1] - x[1])
      .map(([k, v]) => `${k} ${Math.round((v / wall) * 100)}%`)
      .join(', ');
    return `CPU over ${ms(wall)} (100% = one core): ${parts}; ${Math.round((total / Math.max(1, wall)) * 100)}% in all`;
  };
}

const errors = (n: number) => (n > 0 ? `, ${n} errors` : '');
