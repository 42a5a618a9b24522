/**
 * Post-incident review (PIR): the schemas of the stored and served review. The review is
 * built in build-review.ts (pure and zod-free, as the review child workflow runs it; the
 * rules for reading the timeline are documented there), action items and their edits are in
 * action-items.ts, Markdown in markdown.ts; this module re-exports what callers need.
 */
import { z } from 'zod';
import { InstantSchema, reportDuplicates } from '../common/fields';
import { ActionItemSchema } from './action-items';
import { SeveritySchema } from '../incident/severity';

export * from './action-items';
// The review workflow imports buildReview from './build-review' (zod-free); the API may use this module.
export { buildReview, type BuildReviewOptions, type ReviewSource } from './build-review';
export { renderReviewMarkdown } from './markdown';

const Seconds = z.int().nonnegative();

/** Who held a response role and when (roles.ts reads them off the timeline). */
export const RoleHoldingSchema = z.object({
  roleId: z.string(),
  userId: z.string(),
  from: InstantSchema,
  /** Absent: held until the incident ended. */
  until: InstantSchema.optional(),
  by: z.string().optional(),
});
export type RoleHolding = z.infer<typeof RoleHoldingSchema>;

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
