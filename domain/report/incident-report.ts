/**
 * The incident report: the incidents opened in [from, to), optionally filtered by service,
 * team and severity, their figures in total and per group (a UTC day, week or month; a
 * service, team or severity), and MTBF per service. Figures are defined in incident-figures.ts.
 *
 * MTBF per service is the time between the openings of consecutive incidents of that service
 * within the range (the seeds' "avg(time_between_incidents)"), with percentiles like every
 * other duration; a service with fewer than two incidents has none.
 */
import { toIso } from '../common/fields';
import type { Severity } from '../incident/severity';
import { FiguresAccumulator, type IncidentFigures, type ReportIncident } from './incident-figures';
import { PERIODS, periodKey, periodStart, periodsBetween, type Period } from './periods';
import { summarize, type Summary } from './stats';

export const INCIDENT_GROUPINGS = [...PERIODS, 'service', 'team', 'severity'] as const;
export type IncidentGrouping = (typeof INCIDENT_GROUPINGS)[number];

/** The group key of incidents whose service belongs to no team. */
export const NO_TEAM = '(none)';

export interface IncidentFilter {
  service?: string;
  team?: string;
  severity?: Severity;
}

export interface IncidentReportOptions extends IncidentFilter {
  /** Epoch ms; incidents opened in [from, to) count. */
  from: number;
  to: number;
  groupBy?: IncidentGrouping;
}

export interface IncidentGroup {
  key: string;
  figures: IncidentFigures;
}

export interface ServiceMtbf {
  service: string;
  incidents: number;
  mtbfSeconds: Summary | null;
}

export interface IncidentReport {
  from: string;
  to: string;
  /** Days, weeks and months are UTC periods. */
  timeZone: 'UTC';
  groupBy: IncidentGrouping | null;
  filter: IncidentFilter;
  totals: IncidentFigures;
  groups: IncidentGroup[];
  mtbfByService: ServiceMtbf[];
}

const isPeriod = (g: IncidentGrouping | undefined): g is Period => (PERIODS as readonly string[]).includes(g ?? '');

export function matchesFilter(i: ReportIncident, f: IncidentFilter): boolean {
  return (
    (f.service === undefined || i.service === f.service) &&
    (f.team === undefined || i.team === f.team) &&
    (f.severity === undefined || i.severity === f.severity)
  );
}

function groupKey(i: ReportIncident, groupBy: IncidentGrouping): string {
  if (isPeriod(groupBy)) return periodKey(periodStart(i.createdAt, groupBy), groupBy);
  if (groupBy === 'team') return i.team ?? NO_TEAM;
  return groupBy === 'service' ? i.service : i.severity;
}

export function incidentReport(incidents: Iterable<ReportIncident>, opts: IncidentReportOptions): IncidentReport {
  const filter: IncidentFilter = {
    ...(opts.service === undefined ? {} : { service: opts.service }),
    ...(opts.team === undefined ? {} : { team: opts.team }),
    ...(opts.severity === undefined ? {} : { severity: opts.severity }),
  };
  const totals = new FiguresAccumulator();
  const groups = new Map<string, FiguresAccumulator>();
  // Every period of the range is listed, empty ones too, so a chart has no holes.
  if (isPeriod(opts.groupBy)) {
    for (const p of periodsBetween(opts.from, opts.to, opts.groupBy)) groups.set(p.key, new FiguresAccumulator());
  }
  const openings = new Map<string, number[]>();
  for (const i of incidents) {
    if (i.createdAt < opts.from || i.createdAt >= opts.to || !matchesFilter(i, filter)) continue;
    totals.add(i);
    if (opts.groupBy) {
      const key = groupKey(i, opts.groupBy);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new FiguresAccumulator()));
      group.add(i);
    }
    const times = openings.get(i.service);
    if (times) times.push(i.createdAt);
    else openings.set(i.service, [i.createdAt]);
  }
  return {
    from: toIso(opts.from),
    to: toIso(opts.to),
    timeZone: 'UTC',
    groupBy: opts.groupBy ?? null,
    filter,
    totals: totals.figures(),
    groups: orderGroups(groups, opts.groupBy),
    mtbfByService: [...openings].map(([service, times]) => serviceMtbf(service, times)).sort(byKey('service')),
  };
}

/** Periods in time order; other groups by incident count, most first, then by key. */
function orderGroups(groups: Map<string, FiguresAccumulator>, groupBy: IncidentGrouping | undefined): IncidentGroup[] {
  const list = [...groups].map(([key, acc]) => ({ key, figures: acc.figures() }));
  if (isPeriod(groupBy) || groupBy === 'severity') return list.sort(byKey('key'));
  return list.sort((a, b) => b.figures.count - a.figures.count || a.key.localeCompare(b.key));
}

export function serviceMtbf(service: string, openedAt: number[]): ServiceMtbf {
  const sorted = Float64Array.from(openedAt).sort();
  const gaps: number[] = [];
  for (let k = 1; k < sorted.length; k += 1) gaps.push(((sorted[k] as number) - (sorted[k - 1] as number)) / 1000);
  return { service, incidents: sorted.length, mtbfSeconds: summarize(gaps) };
}

const byKey =
  <K extends string>(key: K) =>
  (a: Record<K, string>, b: Record<K, string>) =>
    a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
