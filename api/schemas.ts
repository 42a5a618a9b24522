import { z } from 'zod';
import { IdSchema } from '../domain/common/fields';
import { ResolutionClassificationSchema } from '../domain/incident/classification-schema';
import { MAX_SNOOZE_MINUTES } from '../domain/incident/commands';
import { SeverityInputSchema } from '../domain/incident/severity';
import { INCIDENT_ID_PATTERN } from './incident-id';

export const serviceSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a slug: lowercase letters, digits, "-" or "_", 1-63 characters');

/** The generic JSON alert (`POST /api/v1/alerts`). Unknown fields are ignored. */
export const genericAlertSchema = z.object(
  {
    source: z.string().regex(/\S/, 'must not be blank').trim().max(255),
    dedupKey: z.string().min(1).max(255).optional(),
    summary: z.string().regex(/\S/, 'must not be blank').trim().max(1024),
    severity: SeverityInputSchema,
    service: serviceSlug,
    details: z.record(z.string(), z.unknown()).default({}),
    /** "resolved" tells a running incident the source has recovered (nothing is opened). */
    status: z.enum(['firing', 'resolved']).default('firing'),
    /** The incident type's id (domain/coordination); an unconfigured one is noted on the timeline. */
    incidentType: IdSchema.optional(),
    /** When the alert started firing at the source (MTTD in reports). */
    startedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with offset or Z' }).optional(),
  },
  { error: (issue) => (issue.input === undefined ? 'request body must be a JSON object' : undefined) },
);
export type GenericAlert = z.infer<typeof genericAlertSchema>;

export const incidentCommandSchema = z.object({ note: z.string().trim().max(2000).optional() }).default({});

/** Resolve may classify the incident (false-positive and noise rates in reports). */
export const resolveCommandSchema = z
  .object({
    note: z.string().trim().max(2000).optional(),
    classification: ResolutionClassificationSchema.optional(),
  })
  .default({});

export const incidentIdParam = z.object({
  id: z.string().regex(INCIDENT_ID_PATTERN, 'is not an incident id'),
});

const note = z.string().trim().max(2000).optional();

export const reassignSchema = z
  .object({ toUserIds: z.array(IdSchema).min(1).max(20).optional(), toPolicyId: IdSchema.optional(), note })
  .refine((b) => Boolean(b.toUserIds) !== Boolean(b.toPolicyId), {
    message: 'give either toUserIds or toPolicyId',
    path: ['toUserIds'],
  });

export const snoozeSchema = z.object({
  minutes: z
    .int()
    .min(1, 'must be at least 1 minute')
    .max(MAX_SNOOZE_MINUTES, `must be at most ${MAX_SNOOZE_MINUTES} minutes`),
  note,
});

export const severityChangeSchema = z.object({ severity: SeverityInputSchema, note });

export const noteSchema = z.object({ text: z.string().trim().min(1).max(4000) });
