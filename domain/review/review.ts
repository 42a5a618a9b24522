/**
 * Post-incident review (PIR): the facts of a resolved incident, computed from its timeline,
 * plus a blameless draft for people to finish. Pure and clock-free, so the review child
 * workflow builds it deterministically and the API applies action-item edits with the
 * same code. Timeline analysis is in review-analysis.ts, action items and their edits
 * in review-action-items.ts, the blameless draft in review-draft.ts and Markdown in
 * review-markdown.ts; this module re-exports what callers need.
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
import { roleHoldings, RoleHoldingSchema } from './roles';
import { z } from 'zod';
import { InstantSchema, reportDuplicates, toEpochMs, toIso } from '../common/fields';
import { ActionItemSchema } from './action-items';
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
import { type Severity, SeveritySchema } from '../incident/severity';

export * from './action-items';
export { renderReviewMarkdown } from './markdown';

const Seconds = z.int().nonnegative();

export const ReviewEventSchema = z.object({
  at: InstantSchema,
  type: z.string().min(1),
  message: z.string(),
  by: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
/** A timeline event of any type, including ones this module does not interpret. */
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;

export const SlaBreachSchema = z.object({
  sla: z.enum(['response', 'resolution']),
  dueAt: InstantSchema,
  /** When the target was finally met: the first response after dueAt, or the resolution. */
  metAt: InstantSchema,
  overBySeconds: Seconds,
  source: z.enum(['recorded', 'computed', 'both']),
});
export type SlaBreach = z.infer<typeof SlaBreachSchema>;

export const EscalationRecordSchema = z.object({
  at: InstantSchema,
  level: z.int().nonnegative(),
  loop: z.int().nonnegative(),
  userIds: z.array(z.string()),
});
export type EscalationRecord = z.infer<typeof EscalationRecordSchema>;

export const ResponderSchema = z.object({
  name: z.string().min(1),
  firstAction: z.string(),
  firstActionAt: InstantSchema,
  actions: z.int().positive(),
});
export type Responder = z.infer<typeof ResponderSchema>;

const Section = z.string().max(50_000);
export const ReviewSectionsSchema = z.object({
  whatHappened: Section,
  rootCause: Section,
  whyNotCaughtEarlier: Section,
  whatWentWell: Section,
  whatToImprove: Section,
});
export type ReviewSections = z.infer<typeof ReviewSectionsSchema>;

export const TimeInStateSchema = z.object({ triggered: Seconds, acknowledged: Seconds, snoozed: Seconds });
export type TimeInState = z.infer<typeof TimeInStateSchema>;

/** The stored and served form. Not strict: a document read back carries MongoDB's own keys. */
export const ReviewSchema = z.object({
  incident: z.object({
    incidentId: z.string().min(1),
    number: z.int().positive().optional(),
    service: z.string().min(1),
    severity: SeveritySchema,
    summary: z.string(),
    createdAt: InstantSchema,
    acknowledgedAt: InstantSchema.optional(),
    acknowledgedBy: z.string().optional(),
    resolvedAt: InstantSchema,
    resolvedBy: z.string().optional(),
  }),
  metrics: z.object({
    mttaSeconds: Seconds.optional(),
    mttrSeconds: Seconds,
    durationSeconds: Seconds,
    timeInState: TimeInStateSchema,
    alertCount: z.int().nonnegative(),
    /** Repeat alerts the incident counted but left off its timeline (alert storms). */
    timelineDropped: z.int().nonnegative(),
  }),
  slaTargets: z.object({ ackWithinMinutes: z.int().positive(), resolveWithinMinutes: z.int().positive() }).optional(),
  slaBreaches: z.array(SlaBreachSchema),
  escalationPath: z.array(EscalationRecordSchema),
  responders: z.array(ResponderSchema),
  /** Response roles and their holders over time (reviews stored before roles have none). */
  roles: z.array(RoleHoldingSchema).optional(),
  /** The incident type (domain/coordination), when one was set. */
  incidentType: z.string().optional(),
  timeline: z.array(ReviewEventSchema),
  sections: ReviewSectionsSchema,
  actionItems: z.array(ActionItemSchema).superRefine((items, ctx) =>
    reportDuplicates(
      ctx,
      items,
      (i) => i.id,
      (i) => [i, 'id'],
      'action item id',
    ),
  ),
  /** Action items ever added; generated ids ("A<n>") come from it, so a deleted id never returns. */
  actionItemSeq: z.int().nonnegative().default(0),
});
export type Review = z.infer<typeof ReviewSchema>;
export type ReviewFacts = Omit<Review, 'sections'>;

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
