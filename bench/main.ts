/**
 * `npm run bench`: starts a Vigil stack of its own (Temporal dev server on SQLite, FerretDB,
 * worker, API: the scripts `npm start` uses), drives it from outside through the API with
 * every page going to a signed webhook sink on loopback, and prints one table with each
 * figure beside a baseline measured on the same server in the same run (a bare Temporal
 * client and worker, bench/bare). Sizes are flags (`npm run bench -- --help`); the defaults
 * take 15-20 minutes on two shared cores, smaller sizes a few minutes on a laptop. Not part
 * of `npm test`: it asserts nothing, it measures.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runOncallBench } from './oncall';
import { startBench } from './context';
import { machine, renderTable } from './report';
import { runScenarios, type Sizes } from './run';
import { WORKFLOW_CACHE_SIZE_DEFAULT } from '../lib/config';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    latency: { type: 'string', default: '20' },
    ingest: { type: 'string', default: '200' },
    dedup: { type: 'string', default: '300' },
    storm: { type: 'string', default: '200' },
    tickers: { type: 'string', default: '10' },
    open: { type: 'string', default: '1000' },
    probes: { type: 'string', default: '20' },
    list: { type: 'string', default: '100000' },
    reports: { type: 'string', default: '100000' },
    cache: { type: 'string', default: String(WORKFLOW_CACHE_SIZE_DEFAULT) },
    runtime: { type: 'string', default: 'compiled' },
    skip: { type: 'string', default: '' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const HELP = `npm run bench -- [flags]
  --clients N   concurrent API clients for ingest, dedup and storm (16)
  --latency N   alerts timed one at a time to their first page (20)
  --ingest N    new-incident alerts for the ingest rate (200)
  --dedup N     alerts with one dedup key (300)
  --storm N     incidents opened at once, each paging (200; the goal is stated at 500)
  --tickers N   older incidents escalating every 5 s during the storm (10)
  --open N      open incidents for the timer and memory figures (1000, past the cache; the goal is stated at 10000)
  --probes N    incidents whose level-2 timer is timed with --open incidents open (20)
  --list N      incidents in the read model for the list figure (100000)
  --reports N   incidents' report documents for the report figure (100000)
  --cache N     the worker's VIGIL_WORKFLOW_CACHE_SIZE (Vigil's default, ${WORKFLOW_CACHE_SIZE_DEFAULT})
  --runtime R   compiled (npm run build, then node dist/...) or tsx (compiled)
  --skip A,B    leave out phases: micro, ingest, dedup, storm, recovery, scale, list, reports, metrics
  --out FILE    also write the table (Markdown) to FILE
  --keep        keep the stack's temporary folder (logs, data)`;

async function main(): Promise<void> {
  if (flags.help) {
    console.log(HELP);
    return;
  }
  const num = (v: string | undefined) => Number(v);
  const sizes: Sizes = {
    clients: num(flags.clients),
    latency: num(flags.latency),
    ingest: num(flags.ingest),
    dedup: num(flags.dedup),
    storm: num(flags.storm),
    tickers: num(flags.tickers),
    open: num(flags.open),
    probes: num(flags.probes),
    list: num(flags.list),
    reports: num(flags.reports),
    cache: num(flags.cache),
    skip: new Set((flags.skip ?? '').split(',').filter(Boolean)),
  };
  const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const started = Date.now();
  const micro = sizes.skip.has('micro') ? [] : runOncallBench();
  const compiled = flags.runtime !== 'tsx';
  const b = await startBench({ compiled, keep: flags.keep ?? false, cacheSize: sizes.cache, log });
  // Ctrl-C or a kill stops the servers the bench started too, then exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the stack`);
      void b.stop().finally(() => process.exit(130));
    });
  }
  let result;
  try {
    result = await runScenarios(b, sizes, log);
  } finally {
    await b.stop();
  }
  const rows = [...result.rows];
  const base = micro[0];
  for (const r of micro.slice(1)) {
    rows.push({
      measure: `${r.name} (pure, in-process)`,
      vigil: `${Math.round(r.opsPerSec)} ops/s`,
      baseline: base ? `${Math.round(base.opsPerSec)} ops/s (walk handoffs)` : '',
      ratio: base ? `${(r.opsPerSec / base.opsPerSec).toFixed(1)}x` : '',
      goal: '',
    });
  }
  const text = [
    `Machine: ${machine()}. Runtime: ${compiled ? 'compiled JavaScript' : 'tsx'}. ` +
      `Run ${new Date(started).toISOString()}, ${Math.round((Date.now() - started) / 1000)} s. ` +
      `Sizes: ${JSON.stringify({ ...sizes, skip: [...sizes.skip] })}.`,
    '',
    renderTable(rows),
    '',
    ...result.notes,
  ].join('\n');
  console.log(text);
  if (flags.out) writeFileSync(flags.out, `${text}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
