/**
 * Every query of the Grafana dashboard in deploy/ parses as PromQL (Prometheus's own Lezer
 * grammar) and names only metrics Vigil exports: its own (lib/metrics.ts), the default
 * process metrics its registries carry, and the Temporal SDK families it relays. Label
 * matchers on Vigil's metrics name labels those metrics have.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  API_METRICS,
  createApiMetrics,
  createWorkerMetrics,
  TEMPORAL_SDK_METRICS,
  WORKER_METRICS,
} from '../../lib/metrics';

const dashboard = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../deploy/grafana/vigil-dashboard.json'), 'utf8'),
) as { panels: Array<{ id: number; type: string; title: string; targets?: Array<{ expr: string }> }> };

// An ES module only (for TypeScript): loaded once before the tests.
let parser: (typeof import('@prometheus-io/lezer-promql', { with: { 'resolution-mode': 'import' } }))['parser'];
beforeAll(async () => {
  ({ parser } = await import('@prometheus-io/lezer-promql'));
});

const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

/** Every series name a scrape of the API or the worker can carry. */
function exportedSeries(): Set<string> {
  const names = new Set<string>();
  for (const registry of [createApiMetrics().registry, createWorkerMetrics().registry]) {
    for (const m of registry.getMetricsAsArray()) {
      const type = (m as unknown as { type: string }).type;
      names.add(m.name);
      if (type === 'histogram') for (const s of HISTOGRAM_SERIES) names.add(`${m.name}${s}`);
    }
  }
  for (const n of [...TEMPORAL_SDK_METRICS.counters, ...TEMPORAL_SDK_METRICS.gauges]) names.add(n);
  for (const h of TEMPORAL_SDK_METRICS.histograms) for (const s of HISTOGRAM_SERIES) names.add(`${h}${s}`);
  return names;
}

const LABELS = new Map<string, readonly string[]>(
  [...Object.values(API_METRICS), ...Object.values(WORKER_METRICS)].map((d) => [d.name, d.labelNames]),
);

/** Grafana's own variables are not PromQL: stand in durations for them before parsing. */
const withoutGrafanaVariables = (expr: string) => expr.replace(/\$__(rate_interval|interval|range)/g, '5m');

interface Selector {
  metric: string;
  labels: string[];
}

function parse(expr: string): { errors: number[]; selectors: Selector[] } {
  const text = withoutGrafanaVariables(expr);
  const errors: number[] = [];
  const selectors: Selector[] = [];
  const cursor = parser.parse(text).cursor();
  do {
    if (cursor.type.isError) errors.push(cursor.from);
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const id = node.getChild('Identifier');
      const labels = node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
      selectors.push({
        metric: id ? text.slice(id.from, id.to) : '',
        labels: labels.map((l) => {
          const name = l.getChild('LabelName');
          return name ? text.slice(name.from, name.to) : '';
        }),
      });
    }
  } while (cursor.next());
  return { errors, selectors };
}

const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

describe('the Grafana dashboard', () => {
  const exported = exportedSeries();

  it('has panels with unique ids, each non-row panel with at least one query', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row'))
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    expect(queries.length).toBeGreaterThan(15);
  });

  it.each(queries)('$panel: $expr', ({ expr }) => {
    const { errors, selectors } = parse(expr);
    expect(errors, 'parse errors at these offsets').toEqual([]);
    expect(selectors.length).toBeGreaterThan(0);
    for (const s of selectors) {
      expect(exported, `${s.metric} is not a metric Vigil exports`).toContain(s.metric);
      const base = s.metric.replace(/_(bucket|sum|count)$/, '');
      const own = LABELS.get(s.metric) ?? LABELS.get(base);
      if (!own) continue;
      const allowed = [...own, 'le', 'job', 'instance'];
      for (const label of s.labels) expect(allowed, `${s.metric} has no label "${label}"`).toContain(label);
    }
  });

  it('catches what it is meant to catch', () => {
    expect(parse('sum(rate(vigil_alerts_received_total[5m])').errors.length).toBeGreaterThan(0);
    expect(exported.has(parse('rate(vigil_alerts_recieved_total[5m])').selectors[0]?.metric ?? '')).toBe(false);
    expect(parse('sum by (channel) (rate(vigil_notification_failures_total{reason="x"}[$__rate_interval]))')).toEqual({
      errors: [],
      selectors: [{ metric: 'vigil_notification_failures_total', labels: ['reason'] }],
    });
  });
});
