/**
 * Reports as CSV (RFC 4180): one header row, one row per group (incidents, after a
 * "(total)" row) or per person and week (on-call health). Durations in seconds, rates as
 * fractions, empty cells where a figure has no data. Rotation evenness is in the JSON only.
 */
import { SEVERITIES } from '../incident/severity';
import type { IncidentFigures } from './incident-figures';
import type { IncidentReport } from './incident-report';
import type { OnCallHealthReport } from './oncall-health';
import type { Summary } from './stats';

type Cell = string | number | null | undefined;

export function csvLine(cells: readonly Cell[]): string {
  return cells
    .map((c) => {
      const text = c === null || c === undefined ? '' : String(c);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}

const summaryHeader = (name: string) => ['mean', 'p50', 'p90', 'p99'].map((s) => `${name}_${s}_seconds`);
const summaryCells = (s: Summary | null | undefined): Cell[] => [s?.mean, s?.p50, s?.p90, s?.p99];

const INCIDENT_HEADER = [
  'group',
  'count',
  'open',
  'acknowledged',
  'resolved',
  ...summaryHeader('mtta'),
  ...summaryHeader('mttr'),
  ...summaryHeader('mttd'),
  ...summaryHeader('mtbf'),
  'classified',
  'unclassified',
  'false_positive_rate',
  'noise_rate',
  'auto_remediated',
  'auto_remediation_rate',
  'escalated',
  'escalation_rate',
  ...SEVERITIES.flatMap((s) => [`sla_${s}_response_rate`, `sla_${s}_resolution_rate`]),
];

function incidentRow(group: string, f: IncidentFigures, mtbf: Summary | null | undefined): Cell[] {
  return [
    group,
    f.count,
    f.open,
    f.acknowledged,
    f.resolved,
    ...summaryCells(f.mttaSeconds),
    ...summaryCells(f.mttrSeconds),
    ...summaryCells(f.mttdSeconds),
    ...summaryCells(mtbf),
    f.classified,
    f.unclassified,
    f.falsePositiveRate,
    f.noiseRate,
    f.autoRemediated,
    f.autoRemediationRate,
    f.escalated,
    f.escalationRate,
    ...SEVERITIES.flatMap((s) => [f.sla[s]?.response.rate, f.sla[s]?.resolution.rate]),
  ];
}

/** MTBF columns are filled for service groups, where MTBF is defined. */
export function incidentReportCsv(report: IncidentReport): string {
  const mtbf = new Map(report.mtbfByService.map((m) => [m.service, m.mtbfSeconds]));
  const rows = [
    INCIDENT_HEADER,
    incidentRow('(total)', report.totals, undefined),
    ...report.groups.map((g) =>
      incidentRow(g.key, g.figures, report.groupBy === 'service' ? mtbf.get(g.key) : undefined),
    ),
  ];
  return rows.map(csvLine).join('\r\n') + '\r\n';
}

const ONCALL_HEADER = [
  'user',
  'week',
  'time_zone',
  'pages',
  'off_hours_pages',
  'night_pages',
  'unacknowledged_pages',
  ...summaryHeader('time_to_acknowledge'),
  'on_call_hours',
  'longest_stretch_hours',
];

export function onCallHealthCsv(report: OnCallHealthReport): string {
  const rows = report.people.map((p) => [
    p.userId,
    p.week,
    p.timeZone,
    p.pages,
    p.offHoursPages,
    p.nightPages,
    p.unacknowledgedPages,
    ...summaryCells(p.timeToAcknowledgeSeconds),
    p.onCallHours,
    p.longestStretchHours,
  ]);
  return [ONCALL_HEADER, ...rows].map(csvLine).join('\r\n') + '\r\n';
}
