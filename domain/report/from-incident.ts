/**
 * What reports need of one incident, read off its state and timeline: the same state the
 * workflow holds and the read model stores. Computed when the read model is written, and
 * again from the timeline for documents written before these fields existed.
 *
 * - First response: the first 'acknowledged' or 'snoozed' event (as the review's MTTA).
 * - Escalation: the 'escalated' events that paged a level (their data carries level, loop
 *   and the people paged), 1-based in the figures.
 * - SLA breaches: 'sla_breach' events (and `slaBreaches` when the state carries them).
 * - Auto-remediated: acknowledged or resolved by a runbook, which acts as `runbook:<name>`
 *   (workflows/runbook/from-incident.ts).
 * - Alert start: the state's `alertStartedAt`; else, for Alertmanager and Grafana alerts,
 *   the earliest `startsAt` of the alerts in its details that is not after the incident opened.
 */
import { parseInstant, toEpochMs } from '../common/fields';
import { isResolutionClassification, type ResolutionClassification } from '../incident/classification';
import type { IncidentState } from '../incident/incident';
import { escalationPath, RESPONSE_TYPES, sortTimeline, type Timed } from '../review/analysis';
import type { ReportIncident } from './incident-figures';

/** Bumped when the meaning of a stored field changes: readers recompute older ones from the timeline. */
export const REPORT_FIELDS_VERSION = 1;

export interface ReportPage {
  userId: string;
  at: number;
  acknowledgedAt?: number;
}

/** The report fields stored beside an incident (instants as epoch ms); service and severity are the document's own. */
export type IncidentReportFields = Omit<ReportIncident, 'incidentId' | 'service' | 'team' | 'severity'> & {
  version: number;
  slaBreaches: Array<'response' | 'resolution'>;
  pages: ReportPage[];
};

export type IncidentSource = Pick<IncidentState, 'incidentId' | 'service' | 'severity' | 'createdAt' | 'timeline'> &
  Partial<
    Pick<
      IncidentState,
      'resolvedAt' | 'resolvedBy' | 'acknowledgedAt' | 'firstAcknowledgedAt' | 'slaBreaches' | 'details'
    >
  > & { classification?: unknown; alertStartedAt?: string };

const RUNBOOK_ACTOR = 'runbook:';

export function reportFieldsOf(s: IncidentSource): IncidentReportFields {
  const createdAt = toEpochMs(s.createdAt);
  const timeline = sortTimeline(s.timeline);
  const responses = timeline.filter((t) => RESPONSE_TYPES.has(t.event.type)).map((t) => t.ms);
  const firstResponse = responses[0] ?? optionalMs(s.firstAcknowledgedAt ?? s.acknowledgedAt);
  const resolvedAt = optionalMs(s.resolvedAt);
  const alertStartedAt = optionalMs(s.alertStartedAt) ?? startsAtInDetails(s.details, createdAt);
  const classification = classificationOf(s, timeline);
  const path = escalationPath(timeline);
  return {
    version: REPORT_FIELDS_VERSION,
    createdAt,
    ...(firstResponse === undefined ? {} : { acknowledgedAt: firstResponse }),
    ...(resolvedAt === undefined ? {} : { resolvedAt }),
    ...(alertStartedAt === undefined ? {} : { alertStartedAt }),
    ...(classification === undefined ? {} : { classification }),
    autoRemediated:
      Boolean(s.resolvedBy?.startsWith(RUNBOOK_ACTOR)) ||
      timeline.some(
        ({ event: e }) => (e.type === 'acknowledged' || e.type === 'resolved') && e.by?.startsWith(RUNBOOK_ACTOR),
      ),
    maxLevelReached: path.reduce((max, p) => Math.max(max, p.level + 1), 0),
    maxLoopReached: path.reduce((max, p) => Math.max(max, p.loop + 1), 0),
    slaBreaches: breachesOf(s, timeline),
    pages: path.flatMap((p) => {
      const at = toEpochMs(p.at);
      const answered = responses.find((r) => r >= at);
      return p.userIds.map((userId) => ({
        userId,
        at,
        ...(answered === undefined ? {} : { acknowledgedAt: answered }),
      }));
    }),
  };
}

/** The report's view of one incident; `team` is the service's owning team now (configuration can change). */
export function toReportIncident(
  doc: { incidentId: string; service: string; severity: ReportIncident['severity']; report: IncidentReportFields },
  team?: string,
): ReportIncident {
  const { version: _v, pages: _p, ...fields } = doc.report;
  return {
    incidentId: doc.incidentId,
    service: doc.service,
    severity: doc.severity,
    ...(team === undefined ? {} : { team }),
    ...fields,
  };
}

function optionalMs(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : parseInstant(iso);
}

function classificationOf(s: IncidentSource, timeline: readonly Timed[]): ResolutionClassification | undefined {
  if (isResolutionClassification(s.classification)) return s.classification;
  const resolved = timeline.find((t) => t.event.type === 'resolved');
  const recorded = resolved?.event.data?.classification;
  return isResolutionClassification(recorded) ? recorded : undefined;
}

function breachesOf(s: IncidentSource, timeline: readonly Timed[]): Array<'response' | 'resolution'> {
  const kinds = new Set<'response' | 'resolution'>((s.slaBreaches ?? []).map((b) => b.sla));
  for (const { event } of timeline) {
    const sla = event.type === 'sla_breach' ? event.data?.sla : undefined;
    if (sla === 'response' || sla === 'resolution') kinds.add(sla);
  }
  return [...kinds].sort();
}

/** Alertmanager and Grafana alerts carry `startsAt`; a firing alert's `endsAt` is year 1, never its start. */
function startsAtInDetails(details: Record<string, unknown> | undefined, createdAt: number): number | undefined {
  const alerts = details?.alerts;
  if (!Array.isArray(alerts)) return undefined;
  let earliest: number | undefined;
  for (const a of alerts) {
    const text = (a as { startsAt?: unknown } | null)?.startsAt;
    const ms = typeof text === 'string' ? parseInstant(text) : undefined;
    if (ms === undefined || ms <= 0 || ms > createdAt) continue;
    earliest = earliest === undefined ? ms : Math.min(earliest, ms);
  }
  return earliest;
}
