/**
 * The incident state as the API answers it (a workflow query), for the OpenAPI document and
 * reply checks. The workflow owns the type (./incident.ts); the compile-time checks below
 * fail when the two drift apart, so a new field is documented when it is added.
 */
import { z } from 'zod';
import type { EscalationState, IncidentState, SlaBreach, TimelineEvent, TimelineEventType } from './incident';
import { ResolutionClassificationSchema } from './classification-schema';
import { SeveritySchema } from './severity';
import type { TrackedAlert } from './source-alerts';

const TIMELINE_EVENT_TYPES = [
  'triggered',
  'alert',
  'alert_resolved',
  'acknowledged',
  'resolved',
  'note',
  'escalated',
  'notified',
  'notification_failed',
  'notification_logged',
  'escalation_exhausted',
  'retriggered',
  'reassigned',
  'snoozed',
  'severity_changed',
  'sla_breach',
  'status_update_due',
  'maintenance',
  'numbered',
  'runbook_started',
  'runbook_step',
  'runbook_approval',
  'runbook_notify',
  'runbook_succeeded',
  'runbook_failed',
  'status_page',
  'type_set',
  'role_assigned',
  'role_released',
  'role_unfilled',
  'stakeholders_notified',
] as const satisfies readonly TimelineEventType[];

const Instant = z.string().meta({ format: 'date-time' });

export const TimelineEventSchema = z.object({
  at: Instant,
  type: z.enum(TIMELINE_EVENT_TYPES),
  message: z.string(),
  by: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const EscalationStateSchema = z.object({
  epoch: z.int(),
  loop: z.int(),
  level: z.int(),
  pagedAt: Instant.optional(),
  userIds: z.array(z.string()),
  exhausted: z.boolean(),
});

export const SlaBreachSchema = z.object({ sla: z.enum(['response', 'resolution']), dueAt: Instant, at: Instant });

export const TrackedAlertSchema = z.object({
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  since: Instant,
});

export const RoleHolderSchema = z.object({ roleId: z.string(), userId: z.string(), since: Instant, by: z.string() });

export const IncidentStateSchema = z.object({
  incidentId: z.string(),
  runKey: z.string(),
  service: z.string(),
  dedupKey: z.string(),
  summary: z.string(),
  severity: SeveritySchema,
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  alertCount: z.int(),
  createdAt: Instant,
  lastAlertAt: Instant,
  acknowledgedAt: Instant.optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: Instant.optional(),
  resolvedBy: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
  timeline: z.array(TimelineEventSchema),
  timelineDropped: z.int(),
  seq: z.int(),
  number: z.int().optional(),
  firstAcknowledgedAt: Instant.optional(),
  escalation: EscalationStateSchema.optional(),
  snoozedUntil: Instant.optional(),
  slaBreaches: z.array(SlaBreachSchema).optional(),
  assignedUserIds: z.array(z.string()).optional(),
  policyId: z.string().optional(),
  inMaintenance: z.boolean().optional(),
  sourceAlerts: z.array(TrackedAlertSchema).optional(),
  incidentType: z.string().optional(),
  roles: z.array(RoleHolderSchema).optional(),
  alertStartedAt: Instant.optional(),
  classification: ResolutionClassificationSchema.optional(),
});

/** Same keys, and each side assignable to the other. */
type Same<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false
  : false;
type Holds<T extends true> = T;
export type _StateMatches = Holds<Same<z.infer<typeof IncidentStateSchema>, IncidentState>>;
export type _TimelineMatches = Holds<Same<z.infer<typeof TimelineEventSchema>, TimelineEvent>>;
export type _EscalationMatches = Holds<Same<z.infer<typeof EscalationStateSchema>, EscalationState>>;
export type _BreachMatches = Holds<Same<z.infer<typeof SlaBreachSchema>, SlaBreach>>;
export type _TrackedMatches = Holds<Same<z.infer<typeof TrackedAlertSchema>, TrackedAlert>>;
