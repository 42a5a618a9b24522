/**
 * Post-incident review (PIR): the facts of a resolved incident, computed from its timeline,
 * plus a blameless draft for people to finish. Pure and clock-free, so the review child
 * workflow builds it deterministically. Zod-free on purpose: every workflow instance
 * evaluates its modules afresh (test/workflows/bundle.test.ts); the schemas are in
 * review.ts. Timeline analysis is in analysis.ts, the blameless draft in draft.ts.
 *
 * How the timeline is read (every other event type is carried through untouched):
 * - Phases: "triggered" from createdAt; 'acknowledged' -> acknowledged; 'snoozed' ->
 *   snoozed, counted apart from acknowledged because somebody answered but nobody is
 *   working it; 'retriggered' (ack timeout, snooze expiry) or 'triggered' -> triggered
 *   again; 'resolved' (or resolvedAt) ends the walk.
 * - MTTA is the first response: the first acknowledgement, or a snooze given before it
 *   (a snooze answers the page, as in PagerDuty). A re-acknowledgement after a re-trigger
 *   does not reset it. MTTR = duration = createdAt -> resolvedAt (the seeds' "resolution
 *   time - detection time"); both are kept because consumers look for either name.
 * - SLA breaches: 'sla_breach' events are authoritative (the workflow knew the service's
 *   overrides); breaches computed from `slaTargets` add only kinds nothing recorded.
 * - Escalation levels and loops are stored 0-based as the escalation cursor records them.
 */
import { toEpochMs, toIso } from '../common/instant';
import type { Severity } from '../incident/severity-levels';
import {
  escalationPath,
  optionalMs,
  RESPONSE_TYPES,
  responders,
  type SlaTargetMinutes,
  seconds,
  slaBreaches,
  sortTimeline,
  type Timed,
  type TimelineInput,
  timeInState,
} from './analysis';
import { draftSections } from './draft';
import type { Review, ReviewFacts } from './review';
import { roleHoldings } from './roles';

/** What buildReview reads; IncidentState satisfies it, and so will the lifecycle's wider timeline. */
export interface ReviewSource {
  incidentId: string;
  number?: number;
  service: string;
  severity: Severity;
  summary: string;
  createdAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  alertCount: number;
  timelineDropped?: number;
  timeline: readonly TimelineInput[];
  incidentType?: string;
}

export interface BuildReviewOptions {
  /** The incident's severity targets; breaches computed from them join the recorded ones. */
  slaTargets?: SlaTargetMinutes;
}

/**
 * The review of a resolved incident, with no action items yet and a drafted blameless
 * template. Throws RangeError if the incident is not resolved or an instant is malformed:
 * both are bugs in the caller, not states a review can describe.
 */
export function buildReview(state: ReviewSource, opts: BuildReviewOptions = {}): Review {
  const timeline = sortTimeline(state.timeline);
  const start = toEpochMs(state.createdAt);
  const end = resolvedAtMs(state, timeline);
  const firstResponse = timeline.find((e) => RESPONSE_TYPES.has(e.event.type))?.ms ?? optionalMs(state.acknowledgedAt);
  const t = opts.slaTargets;
  const facts: ReviewFacts = {
    incident: incidentFacts(state, timeline, start, end),
    metrics: {
      ...(firstResponse === undefined ? {} : { mttaSeconds: seconds(firstResponse - start) }),
      mttrSeconds: seconds(end - start),
      durationSeconds: seconds(end - start),
      timeInState: timeInState(timeline, start, end),
      alertCount: state.alertCount,
      timelineDropped: state.timelineDropped ?? 0,
    },
    // Only the two targets: a full SeverityTargets also carries the update cadence.
    ...(t
      ? { slaTargets: { ackWithinMinutes: t.ackWithinMinutes, resolveWithinMinutes: t.resolveWithinMinutes } }
      : {}),
    slaBreaches: slaBreaches(timeline, start, end, firstResponse, t),
    escalationPath: escalationPath(timeline),
    responders: responders(timeline),
    roles: roleHoldings(timeline.map((t) => t.event)),
    ...(state.incidentType ? { incidentType: state.incidentType } : {}),
    timeline: timeline.map((t) => t.event),
    actionItems: [],
    actionItemSeq: 0,
  };
  return { ...facts, sections: draftSections(facts) };
}

function incidentFacts(
  state: ReviewSource,
  timeline: readonly Timed[],
  start: number,
  end: number,
): Review['incident'] {
  // The first acknowledgement, not the latest: after a re-trigger the state may carry a later one.
  const firstAck = timeline.find((t) => t.event.type === 'acknowledged');
  const acknowledgedAt = firstAck?.event.at ?? state.acknowledgedAt;
  const acknowledgedBy = firstAck ? firstAck.event.by : state.acknowledgedBy;
  return {
    incidentId: state.incidentId,
    ...(state.number === undefined ? {} : { number: state.number }),
    service: state.service,
    severity: state.severity,
    summary: state.summary,
    createdAt: toIso(start),
    ...(acknowledgedAt === undefined ? {} : { acknowledgedAt: toIso(toEpochMs(acknowledgedAt)) }),
    ...(acknowledgedBy === undefined ? {} : { acknowledgedBy }),
    resolvedAt: toIso(end),
    ...(state.resolvedBy === undefined ? {} : { resolvedBy: state.resolvedBy }),
  };
}

function resolvedAtMs(state: ReviewSource, timeline: readonly Timed[]): number {
  if (state.resolvedAt !== undefined) return toEpochMs(state.resolvedAt);
  const resolved = timeline.find((t) => t.event.type === 'resolved');
  if (!resolved) throw new RangeError(`incident ${state.incidentId} is not resolved; a review needs its resolution`);
  return resolved.ms;
}
