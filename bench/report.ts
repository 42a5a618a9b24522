/** The bench's one table: each figure beside its baseline from the same run, and its goal. */
import os from 'node:os';
import { percentile } from './stats';

export interface Row {
  measure: string;
  vigil: string;
  baseline: string;
  /** Vigil / baseline, or another figure the goal is stated in. */
  ratio: string;
  goal: string;
  /** undefined: no goal to meet (informational). */
  met?: boolean;
}

export const ms = (v: number) =>
  Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : 'never';
export const p50p99 = (xs: number[]) =>
  xs.length === 0 ? 'no samples' : `p50 ${ms(percentile(xs, 50))}, p99 ${ms(percentile(xs, 99))}`;
export const rate = (r: number) => `${r.toFixed(r >= 100 ? 0 : 1)}/s`;
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : 'n/a');
export const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

export function machine(): string {
  const cpus = os.cpus();
  return (
    `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${mib(os.totalmem())} RAM, ` +
    `${os.type()} ${os.release()}, node ${process.version}`
  );
}

export function renderTable(rows: Row[]): string {
  const head = ['Measure', 'Vigil', 'Baseline (same run)', 'Ratio', 'Goal', 'Met'];
  const lines = [head, head.map(() => '---')];
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push([r.measure, r.vigil, r.baseline, r.ratio, r.goal, met]);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
