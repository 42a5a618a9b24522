/**
 * The Reports page: the incident report's headline figures, two charts drawn here as SVG
 * (incidents per group; MTTA and MTTR medians per group) and the groups as a table. Charts
 * use presentation attributes and classes only: the console's CSP allows no inline style.
 */
import type { IncidentFigures } from '../../domain/report/incident-figures';
import { INCIDENT_GROUPINGS, type IncidentReport } from '../../domain/report/incident-report';
import type { Summary } from '../../domain/report/stats';
import { Layout, type Chrome } from './layout';

export interface ReportForm {
  from: string;
  to: string;
  groupBy: string;
  service: string;
  team: string;
  severity: string;
}

const W = 640;
const H = 160;

const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 1000) / 10}%`);
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}
const median = (s: Summary | null) => duration(s?.p50);

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div class="figure">
      <span class="muted">{label}</span>
      <strong>{value}</strong>
      {detail ? <span class="muted">{detail}</span> : null}
    </div>
  );
}

function Headline({ t }: { t: IncidentFigures }) {
  const p90 = (s: Summary | null) => `p90 ${duration(s?.p90)}, p99 ${duration(s?.p99)}`;
  return (
    <div class="figures">
      <Figure label="Incidents" value={String(t.count)} detail={`${t.open} open`} />
      <Figure label="MTTA (median)" value={median(t.mttaSeconds)} detail={p90(t.mttaSeconds)} />
      <Figure label="MTTR (median)" value={median(t.mttrSeconds)} detail={p90(t.mttrSeconds)} />
      <Figure label="MTTD (median)" value={median(t.mttdSeconds)} detail={p90(t.mttdSeconds)} />
      <Figure label="False positives" value={pct(t.falsePositiveRate)} detail={`${t.unclassified} unclassified`} />
      <Figure label="Auto-remediated" value={pct(t.autoRemediationRate)} />
      <Figure label="Escalated" value={pct(t.escalationRate)} />
    </div>
  );
}

/** Bars per group, one series or two side by side; the y axis starts at 0. */
export function BarChart(props: { label: string; keys: string[]; series: Array<{ name: string; values: number[] }> }) {
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const slot = W / Math.max(1, props.keys.length);
  const bar = (slot * 0.8) / props.series.length;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-label={props.label}>
      <line class="axis" x1={0} x2={W} y1={H} y2={H} />
      {props.series.map((s, si) =>
        s.values.map((v, i) => {
          const h = (v / max) * (H - 12);
          return (
            <rect class={`bar s${si}`} x={i * slot + slot * 0.1 + si * bar} y={H - h} width={bar} height={h}>
              <title>{`${props.keys[i]}: ${s.name} ${Math.round(v * 10) / 10}`}</title>
            </rect>
          );
        }),
      )}
      {props.keys.length <= 16
        ? props.keys.map((k, i) => (
            <text x={i * slot + slot / 2} y={H + 15} text-anchor="middle">
              {k.length > 10 ? k.slice(-5) : k}
            </text>
          ))
        : null}
      <text x={4} y={12}>
        {props.series.length > 1 ? `max ${Math.round(max)} min` : `max ${max}`}
      </text>
    </svg>
  );
}

function Filters({ f }: { f: ReportForm }) {
  return (
    <form class="filters" method="get" action="/reports">
      <label>
        From <input type="date" name="from" value={f.from} />
      </label>
      <label>
        To <input type="date" name="to" value={f.to} />
      </label>
      <label>
        Group by{' '}
        <select name="groupBy">
          {INCIDENT_GROUPINGS.map((g) => (
            <option value={g} selected={g === f.groupBy}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <label>
        Service <input name="service" value={f.service} size={12} />
      </label>
      <label>
        Team <input name="team" value={f.team} size={12} />
      </label>
      <label>
        Severity <input name="severity" value={f.severity} size={6} />
      </label>
      <button type="submit">Show</button>
    </form>
  );
}

export function ReportsPage(
  props: Chrome & { form: ReportForm; report?: IncidentReport; error?: string; csv: string },
) {
  const r = props.report;
  const keys = r?.groups.map((g) => g.key) ?? [];
  const minutes = (pick: (f: IncidentFigures) => Summary | null) =>
    r?.groups.map((g) => (pick(g.figures)?.p50 ?? 0) / 60) ?? [];
  return (
    <Layout {...props}>
      <h1>Reports</h1>
      <Filters f={props.form} />
      {props.error ? <p class="notice error">{props.error}</p> : null}
      {r ? (
        <>
          <p class="muted">
            Incidents opened {r.from} to {r.to} (UTC). <a href={props.csv}>Download CSV</a>
          </p>
          <Headline t={r.totals} />
          <h2>Incidents per {r.groupBy}</h2>
          <BarChart
            label={`Incidents per ${r.groupBy}`}
            keys={keys}
            series={[{ name: 'incidents', values: r.groups.map((g) => g.figures.count) }]}
          />
          <h2>Median time to acknowledge and resolve (minutes)</h2>
          <p class="legend">
            <span class="key s0">MTTA p50</span> <span class="key s1">MTTR p50</span>
          </p>
          <BarChart
            label={`Median MTTA and MTTR per ${r.groupBy}, minutes`}
            keys={keys}
            series={[
              { name: 'MTTA p50', values: minutes((f) => f.mttaSeconds) },
              { name: 'MTTR p50', values: minutes((f) => f.mttrSeconds) },
            ]}
          />
          <table>
            <thead>
              <tr>
                <th>{r.groupBy}</th>
                <th>Incidents</th>
                <th>MTTA p50 / p90</th>
                <th>MTTR p50 / p90</th>
                <th>False positives</th>
                <th>Escalated</th>
              </tr>
            </thead>
            <tbody>
              {r.groups.map((g) => (
                <tr>
                  <td>{g.key}</td>
                  <td>{g.figures.count}</td>
                  <td>{`${median(g.figures.mttaSeconds)} / ${duration(g.figures.mttaSeconds?.p90)}`}</td>
                  <td>{`${median(g.figures.mttrSeconds)} / ${duration(g.figures.mttrSeconds?.p90)}`}</td>
                  <td>{pct(g.figures.falsePositiveRate)}</td>
                  <td>{pct(g.figures.escalationRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </Layout>
  );
}
